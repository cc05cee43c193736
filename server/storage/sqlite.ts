import Database from 'better-sqlite3';
import { signedReceipt, type SignedReceipt } from '../../shared/sync/protocol';
import type {
  AcceptedBatch,
  DeviceHead,
  DeviceRecord,
  DeviceSummary,
  EntryQuery,
  NewAlert,
  DeviceAlert,
  ServerStore,
  StoredAlert,
  StoredEntry,
} from './types';

/**
 * The embedded store: one better-sqlite3 file in the server's data folder. better-sqlite3 is
 * synchronous; the async facade keeps callers ready for a networked database. The server process is
 * the only writer (opened in WAL mode, synchronous=FULL: a signed receipt promises the batch is on
 * disk, so we fsync before signing it away).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS devices (
  device_id TEXT PRIMARY KEY,
  origin TEXT NOT NULL,
  signing_key TEXT NOT NULL,
  sealing_key TEXT NOT NULL,
  enrolled_at TEXT NOT NULL,
  revoked_at TEXT,
  size INTEGER NOT NULL DEFAULT 0,
  root BLOB,
  frontier BLOB NOT NULL DEFAULT x''
) STRICT;
CREATE TABLE IF NOT EXISTS entries (
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  seq INTEGER NOT NULL,
  leaf_hash BLOB NOT NULL,
  canonical TEXT NOT NULL,
  entry_time TEXT,
  received_at TEXT NOT NULL,
  PRIMARY KEY (device_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_time ON entries (device_id, entry_time);
CREATE TABLE IF NOT EXISTS checkpoints (
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  digest TEXT NOT NULL,
  size INTEGER NOT NULL,
  root BLOB NOT NULL,
  checkpoint_json TEXT NOT NULL,
  receipt_json TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (device_id, digest)
) STRICT;
CREATE INDEX IF NOT EXISTS checkpoints_size ON checkpoints (device_id, size, received_at);
CREATE TABLE IF NOT EXISTS alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  detail TEXT NOT NULL,
  evidence TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS device_alerts (
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  alert_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  raised_at TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  user_id TEXT,
  count INTEGER NOT NULL,
  audit_seq INTEGER,
  details TEXT NOT NULL,
  digest TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (device_id, alert_id)
) STRICT;
CREATE INDEX IF NOT EXISTS device_alerts_by_time ON device_alerts (raised_at);
`;

const HASH = 32;

function packFrontier(f: Uint8Array[]): Buffer {
  return Buffer.concat(f.map((h) => Buffer.from(h.buffer, h.byteOffset, h.byteLength)));
}

function unpackFrontier(b: Buffer): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i + HASH <= b.length; i += HASH) out.push(new Uint8Array(b.subarray(i, i + HASH)));
  return out;
}

function parseReceipt(json: string): SignedReceipt {
  // Our own rows, but parsed anyway: a corrupted row must not turn into a malformed answer.
  return signedReceipt.parse(JSON.parse(json));
}

interface DeviceRow {
  device_id: string;
  origin: string;
  signing_key: string;
  sealing_key: string;
  enrolled_at: string;
  revoked_at: string | null;
}

function toDevice(r: DeviceRow): DeviceRecord {
  return { deviceId: r.device_id, origin: r.origin, signingKey: r.signing_key, sealingKey: r.sealing_key, enrolledAt: r.enrolled_at, revokedAt: r.revoked_at };
}

/** Rolls back an alerts message whose id the server holds with other content. */
class AlertConflict extends Error {
  constructor(readonly alertId: string) {
    super(`alert ${alertId} conflicts`);
  }
}

export class SqliteServerStore implements ServerStore {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const db = this.db;
    this.stmts = {
      insertDevice: db.prepare('INSERT INTO devices (device_id, origin, signing_key, sealing_key, enrolled_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      getDevice: db.prepare('SELECT device_id, origin, signing_key, sealing_key, enrolled_at, revoked_at FROM devices WHERE device_id = ?'),
      revoke: db.prepare('UPDATE devices SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL'),
      head: db.prepare('SELECT size, root, frontier FROM devices WHERE device_id = ?'),
      leaves: db.prepare('SELECT leaf_hash FROM entries WHERE device_id = ? AND seq BETWEEN ? AND ? ORDER BY seq').pluck(),
      receiptByDigest: db.prepare('SELECT receipt_json FROM checkpoints WHERE device_id = ? AND digest = ?').pluck(),
      receiptAtSize: db.prepare('SELECT receipt_json FROM checkpoints WHERE device_id = ? AND size = ? ORDER BY received_at, digest LIMIT 1').pluck(),
      latestReceipt: db.prepare('SELECT receipt_json FROM checkpoints WHERE device_id = ? ORDER BY size DESC, received_at LIMIT 1').pluck(),
      insertEntry: db.prepare('INSERT INTO entries (device_id, seq, leaf_hash, canonical, entry_time, received_at) VALUES (?, ?, ?, ?, ?, ?)'),
      setHead: db.prepare('UPDATE devices SET size = ?, root = ?, frontier = ? WHERE device_id = ? AND size = ?'),
      insertCheckpoint: db.prepare(
        'INSERT INTO checkpoints (device_id, digest, size, root, checkpoint_json, receipt_json, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertAlert: db.prepare('INSERT INTO alerts (device_id, kind, at, detail, evidence) VALUES (?, ?, ?, ?, ?)'),
      deviceAlertDigest: db.prepare('SELECT digest FROM device_alerts WHERE device_id = ? AND alert_id = ?').pluck(),
      insertDeviceAlert: db.prepare(
        `INSERT INTO device_alerts (device_id, alert_id, rule, severity, raised_at, occurred_at, user_id, count, audit_seq, details, digest, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  close(): Promise<void> {
    if (this.queue.length > 0) this.flush();
    this.db.close();
    return Promise.resolve();
  }

  insertDevice(d: DeviceRecord): Promise<'ok' | 'exists'> {
    const r = this.stmts.insertDevice.run(d.deviceId, d.origin, d.signingKey, d.sealingKey, d.enrolledAt);
    return Promise.resolve(r.changes === 1 ? 'ok' : 'exists');
  }

  getDevice(deviceId: string): Promise<DeviceRecord | null> {
    const r = this.stmts.getDevice.get(deviceId) as DeviceRow | undefined;
    return Promise.resolve(r ? toDevice(r) : null);
  }

  listDevices(): Promise<DeviceSummary[]> {
    const rows = this.db
      .prepare(
        `SELECT d.device_id, d.origin, d.signing_key, d.sealing_key, d.enrolled_at, d.revoked_at, d.size,
                (SELECT max(received_at) FROM checkpoints c WHERE c.device_id = d.device_id) AS last_receipt_at,
                (SELECT count(*) FROM alerts a WHERE a.device_id = d.device_id) AS alerts,
                (SELECT count(*) FROM device_alerts x WHERE x.device_id = d.device_id) AS security_alerts
           FROM devices d ORDER BY d.device_id`,
      )
      .all() as Array<DeviceRow & { size: number; last_receipt_at: string | null; alerts: number; security_alerts: number }>;
    return Promise.resolve(rows.map((r) => ({ ...toDevice(r), size: r.size, lastReceiptAt: r.last_receipt_at, openAlerts: r.alerts, securityAlerts: r.security_alerts })));
  }

  revokeDevice(deviceId: string, at: string): Promise<boolean> {
    return Promise.resolve(this.stmts.revoke.run(at, deviceId).changes === 1);
  }

  getHead(deviceId: string): Promise<DeviceHead | null> {
    const r = this.stmts.head.get(deviceId) as { size: number; root: Buffer | null; frontier: Buffer } | undefined;
    if (!r || r.size === 0 || !r.root) return Promise.resolve(null);
    return Promise.resolve({ size: r.size, root: new Uint8Array(r.root), frontier: unpackFrontier(r.frontier) });
  }

  getLeafHashes(deviceId: string, fromSeq: number, toSeq: number): Promise<Uint8Array[]> {
    if (toSeq < fromSeq) return Promise.resolve([]);
    const rows = this.stmts.leaves.all(deviceId, fromSeq, toSeq) as Buffer[];
    return Promise.resolve(rows.map((b) => new Uint8Array(b)));
  }

  getReceiptByCheckpoint(deviceId: string, digest: string): Promise<SignedReceipt | null> {
    const j = this.stmts.receiptByDigest.get(deviceId, digest) as string | undefined;
    return Promise.resolve(j ? parseReceipt(j) : null);
  }

  getReceiptAtSize(deviceId: string, size: number): Promise<SignedReceipt | null> {
    const j = this.stmts.receiptAtSize.get(deviceId, size) as string | undefined;
    return Promise.resolve(j ? parseReceipt(j) : null);
  }

  getLatestReceipt(deviceId: string): Promise<SignedReceipt | null> {
    const j = this.stmts.latestReceipt.get(deviceId) as string | undefined;
    return Promise.resolve(j ? parseReceipt(j) : null);
  }

  /**
   * Group commit: appends queued in the same turn of the event loop (batches of different devices
   * verified concurrently) share one transaction and so one fsync. Each batch runs in its own
   * savepoint, so one batch's conflict or failure never affects another; every caller learns its
   * own outcome only after the shared COMMIT is durable.
   */
  appendBatch(b: AcceptedBatch): Promise<'ok' | 'conflict'> {
    return new Promise((resolve, reject) => {
      this.queue.push({ batch: b, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private readonly queue: Array<{ batch: AcceptedBatch; resolve: (r: 'ok' | 'conflict') => void; reject: (e: unknown) => void }> = [];

  private flush(): void {
    const items = this.queue.splice(0);
    const outcomes: Array<{ ok: 'ok' | 'conflict' } | { err: unknown }> = [];
    try {
      this.db
        .transaction(() => {
          for (const it of items) {
            try {
              outcomes.push({ ok: this.appendOne(it.batch) });
            } catch (err) {
              outcomes.push({ err });
            }
          }
        })
        .immediate();
    } catch (err) {
      for (const it of items) it.reject(err);
      return;
    }
    items.forEach((it, i) => {
      const o = outcomes[i] as { ok: 'ok' | 'conflict' } | { err: unknown };
      if ('ok' in o) it.resolve(o.ok);
      else it.reject(o.err);
    });
  }

  /** One batch inside the group transaction; a nested transaction is a SAVEPOINT in better-sqlite3. */
  private appendOne(b: AcceptedBatch): 'ok' | 'conflict' {
    const s = this.stmts;
    const receivedAt = b.receipt.receipt.receivedAt;
    return this.db.transaction((): 'ok' | 'conflict' => {
      const moved = s.setHead.run(b.head.size, Buffer.from(b.head.root), packFrontier(b.head.frontier), b.deviceId, b.expectedSize);
      if (moved.changes !== 1) return 'conflict';
      for (const e of b.entries) s.insertEntry.run(b.deviceId, e.seq, Buffer.from(e.leafHash.buffer, e.leafHash.byteOffset, e.leafHash.byteLength), e.canonical, e.entryTime, receivedAt);
      s.insertCheckpoint.run(b.deviceId, b.checkpointDigest, b.head.size, Buffer.from(b.head.root), b.checkpointJson, JSON.stringify(b.receipt), receivedAt);
      return 'ok';
    })();
  }

  addAlert(a: NewAlert): Promise<number> {
    const r = this.stmts.insertAlert.run(a.deviceId, a.kind, a.at, a.detail, a.evidence);
    return Promise.resolve(Number(r.lastInsertRowid));
  }

  listAlerts(filter: { deviceId?: string } = {}): Promise<StoredAlert[]> {
    const rows = (
      filter.deviceId
        ? this.db.prepare('SELECT id, device_id, kind, at, detail, evidence FROM alerts WHERE device_id = ? ORDER BY id').all(filter.deviceId)
        : this.db.prepare('SELECT id, device_id, kind, at, detail, evidence FROM alerts ORDER BY id').all()
    ) as Array<{ id: number; device_id: string; kind: StoredAlert['kind']; at: string; detail: string; evidence: string }>;
    return Promise.resolve(rows.map((r) => ({ id: r.id, deviceId: r.device_id, kind: r.kind, at: r.at, detail: r.detail, evidence: r.evidence })));
  }

  addDeviceAlerts(alerts: DeviceAlert[]): Promise<{ stored: number; duplicates: number } | { conflict: string }> {
    const s = this.stmts;
    const tx = this.db.transaction((): { stored: number; duplicates: number } => {
      let stored = 0;
      let duplicates = 0;
      for (const a of alerts) {
        const held = s.deviceAlertDigest.get(a.deviceId, a.alertId) as string | undefined;
        if (held === a.digest) {
          duplicates++;
          continue;
        }
        if (held !== undefined) throw new AlertConflict(a.alertId);
        s.insertDeviceAlert.run(a.deviceId, a.alertId, a.rule, a.severity, a.raisedAt, a.occurredAt, a.userId, a.count, a.auditSeq, a.details, a.digest, a.receivedAt);
        stored++;
      }
      return { stored, duplicates };
    });
    try {
      return Promise.resolve(tx.immediate());
    } catch (err) {
      if (err instanceof AlertConflict) return Promise.resolve({ conflict: err.alertId });
      throw err;
    }
  }

  listDeviceAlerts(filter: { deviceId?: string } = {}): Promise<DeviceAlert[]> {
    const cols = 'device_id, alert_id, rule, severity, raised_at, occurred_at, user_id, count, audit_seq, details, digest, received_at';
    const rows = (
      filter.deviceId
        ? this.db.prepare(`SELECT ${cols} FROM device_alerts WHERE device_id = ? ORDER BY received_at, raised_at, alert_id`).all(filter.deviceId)
        : this.db.prepare(`SELECT ${cols} FROM device_alerts ORDER BY received_at, raised_at, alert_id`).all()
    ) as Array<{
      device_id: string;
      alert_id: string;
      rule: string;
      severity: string;
      raised_at: string;
      occurred_at: string;
      user_id: string | null;
      count: number;
      audit_seq: number | null;
      details: string;
      digest: string;
      received_at: string;
    }>;
    return Promise.resolve(
      rows.map((r) => ({
        deviceId: r.device_id,
        alertId: r.alert_id,
        rule: r.rule,
        severity: r.severity,
        raisedAt: r.raised_at,
        occurredAt: r.occurred_at,
        userId: r.user_id,
        count: r.count,
        auditSeq: r.audit_seq,
        details: r.details,
        digest: r.digest,
        receivedAt: r.received_at,
      })),
    );
  }

  listEntries(q: EntryQuery): Promise<StoredEntry[]> {
    const where = ['device_id = ?'];
    const args: Array<string | number> = [q.deviceId];
    const add = (clause: string, v: string | number | undefined): void => {
      if (v === undefined) return;
      where.push(clause);
      args.push(v);
    };
    add('seq >= ?', q.fromSeq);
    add('seq <= ?', q.toSeq);
    add('entry_time >= ?', q.fromTime);
    add('entry_time <= ?', q.toTime);
    args.push(q.limit ?? 1_000_000);
    const rows = this.db
      .prepare(`SELECT device_id, seq, leaf_hash, canonical, entry_time, received_at FROM entries WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
      .all(...args) as Array<{ device_id: string; seq: number; leaf_hash: Buffer; canonical: string; entry_time: string | null; received_at: string }>;
    return Promise.resolve(
      rows.map((r) => ({ deviceId: r.device_id, seq: r.seq, leafHash: new Uint8Array(r.leaf_hash), canonical: r.canonical, entryTime: r.entry_time, receivedAt: r.received_at })),
    );
  }

  countEntries(deviceId?: string): Promise<number> {
    const n = deviceId
      ? this.db.prepare('SELECT count(*) FROM entries WHERE device_id = ?').pluck().get(deviceId)
      : this.db.prepare('SELECT count(*) FROM entries').pluck().get();
    return Promise.resolve(Number(n));
  }
}
