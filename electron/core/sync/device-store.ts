import type { Database } from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../../shared/errors';
import { signedReceipt, type SignedReceipt } from '../../../shared/sync/protocol';

/** The device-side sync tables (migration 0050) as plain functions over the vault connection. */
export interface SyncIdentityRow {
  deviceId: string;
  sealingPublic: string;
  sealingPrivatePkcs8: Buffer;
  createdAt: string;
  server: null | {
    serverId: string;
    signingKey: string;
    sealingKey: string;
    tlsSpkiSha256: string | null;
    url: string | null;
    approvedAt: string;
    enrolledAt: string;
  };
}

export interface OutboxRow {
  ackedSize: number;
  ackedRoot: Uint8Array | null;
  pendingEnvelope: string | null;
  pendingBase: number | null;
  pendingSize: number | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  failures: number;
  halted: boolean;
}

export function assertSyncSchema(db: Database): void {
  const ok = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sync_outbox'").get();
  if (!ok) throw new AppError('CONFLICT', 'this vault has no sync tables (migration 50 not applied)');
}

export function readIdentity(db: Database): SyncIdentityRow | null {
  const r = db.prepare('SELECT * FROM sync_identity WHERE id = 1').get() as
    | {
        device_id: string;
        sealing_public: string;
        sealing_private_pkcs8: Buffer;
        created_at: string;
        server_id: string | null;
        server_signing_key: string | null;
        server_sealing_key: string | null;
        tls_spki_sha256: string | null;
        server_url: string | null;
        approved_at: string | null;
        enrolled_at: string | null;
      }
    | undefined;
  if (!r) return null;
  const server =
    r.server_id && r.server_signing_key && r.server_sealing_key && r.approved_at && r.enrolled_at
      ? {
          serverId: r.server_id,
          signingKey: r.server_signing_key,
          sealingKey: r.server_sealing_key,
          tlsSpkiSha256: r.tls_spki_sha256,
          url: r.server_url,
          approvedAt: r.approved_at,
          enrolledAt: r.enrolled_at,
        }
      : null;
  return { deviceId: r.device_id, sealingPublic: r.sealing_public, sealingPrivatePkcs8: r.sealing_private_pkcs8, createdAt: r.created_at, server };
}

export function insertIdentity(db: Database, row: { deviceId: string; sealingPublic: string; sealingPrivatePkcs8: Buffer; createdAt: string }): void {
  db.prepare('INSERT INTO sync_identity (id, device_id, sealing_public, sealing_private_pkcs8, created_at) VALUES (1, ?, ?, ?, ?)').run(
    row.deviceId,
    row.sealingPublic,
    row.sealingPrivatePkcs8,
    row.createdAt,
  );
}

export function saveServer(db: Database, s: NonNullable<SyncIdentityRow['server']>): void {
  db.prepare(
    'UPDATE sync_identity SET server_id = ?, server_signing_key = ?, server_sealing_key = ?, tls_spki_sha256 = ?, server_url = ?, approved_at = ?, enrolled_at = ? WHERE id = 1',
  ).run(s.serverId, s.signingKey, s.sealingKey, s.tlsSpkiSha256, s.url, s.approvedAt, s.enrolledAt);
}

export function readOutbox(db: Database): OutboxRow {
  db.prepare('INSERT INTO sync_outbox (id) VALUES (1) ON CONFLICT DO NOTHING').run();
  const r = db.prepare('SELECT * FROM sync_outbox WHERE id = 1').get() as {
    acked_size: number;
    acked_root: Buffer | null;
    pending_envelope: string | null;
    pending_base: number | null;
    pending_size: number | null;
    last_attempt_at: string | null;
    last_success_at: string | null;
    last_error: string | null;
    failures: number;
    halted: number;
  };
  return {
    ackedSize: r.acked_size,
    ackedRoot: r.acked_root ? new Uint8Array(r.acked_root) : null,
    pendingEnvelope: r.pending_envelope,
    pendingBase: r.pending_base,
    pendingSize: r.pending_size,
    lastAttemptAt: r.last_attempt_at,
    lastSuccessAt: r.last_success_at,
    lastError: r.last_error,
    failures: r.failures,
    halted: r.halted === 1,
  };
}

const OUTBOX_COLUMNS = {
  ackedSize: 'acked_size',
  ackedRoot: 'acked_root',
  pendingEnvelope: 'pending_envelope',
  pendingBase: 'pending_base',
  pendingSize: 'pending_size',
  lastAttemptAt: 'last_attempt_at',
  lastSuccessAt: 'last_success_at',
  lastError: 'last_error',
  failures: 'failures',
  halted: 'halted',
} as const satisfies Record<keyof OutboxRow, string>;

export function updateOutbox(db: Database, patch: Partial<OutboxRow>): void {
  readOutbox(db);
  const sets: string[] = [];
  const args: Array<string | number | Buffer | null> = [];
  for (const [k, v] of Object.entries(patch) as Array<[keyof OutboxRow, OutboxRow[keyof OutboxRow]]>) {
    sets.push(`${OUTBOX_COLUMNS[k]} = ?`);
    args.push(typeof v === 'boolean' ? (v ? 1 : 0) : v instanceof Uint8Array ? Buffer.from(v) : v);
  }
  if (sets.length === 0) return;
  db.prepare(`UPDATE sync_outbox SET ${sets.join(', ')} WHERE id = 1`).run(...args);
}

export function cachedCheckpoint(db: Database, size: number): { body: string; signature: string } | null {
  const r = db.prepare('SELECT body, signature FROM sync_checkpoint WHERE size = ?').get(size) as { body: string; signature: string } | undefined;
  return r ?? null;
}

export function cacheCheckpoint(db: Database, size: number, cp: { body: string; signature: string }): void {
  db.prepare('INSERT INTO sync_checkpoint (size, body, signature) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(size, cp.body, cp.signature);
}

export function cachedCheckpointSizes(db: Database, after: number, atMost: number): number[] {
  return db.prepare('SELECT size FROM sync_checkpoint WHERE size > ? AND size <= ? ORDER BY size').pluck().all(after, atMost) as number[];
}

export function storeReceipt(db: Database, r: SignedReceipt, storedAt: string): void {
  db.prepare('INSERT INTO sync_receipt (size, root, received_at, receipt_json, stored_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
    r.receipt.size,
    Buffer.from(r.receipt.root, 'base64'),
    r.receipt.receivedAt,
    JSON.stringify(r),
    storedAt,
  );
}

export function latestReceipt(db: Database): SignedReceipt | null {
  const j = db.prepare('SELECT receipt_json FROM sync_receipt ORDER BY size DESC, received_at DESC LIMIT 1').pluck().get() as string | undefined;
  return j ? signedReceipt.parse(JSON.parse(j)) : null;
}

export function countReceipts(db: Database): number {
  return Number(db.prepare('SELECT count(*) FROM sync_receipt').pluck().get());
}

export function addDeviceAlert(db: Database, at: string, kind: string, detail: string): void {
  db.prepare('INSERT INTO sync_alert (at, kind, detail) VALUES (?, ?, ?)').run(at, kind, detail);
}

export function listDeviceAlerts(db: Database): Array<{ id: number; at: string; kind: string; detail: string }> {
  return db.prepare('SELECT id, at, kind, detail FROM sync_alert ORDER BY id').all() as Array<{ id: number; at: string; kind: string; detail: string }>;
}

/** Alerts recorded after `afterId`, in order (the security engine's incremental read). */
export function listDeviceAlertsAfter(db: Database, afterId: number): Array<{ id: number; at: string; kind: string }> {
  return db.prepare('SELECT id, at, kind FROM sync_alert WHERE id > ? ORDER BY id').all(afterId) as Array<{ id: number; at: string; kind: string }>;
}
