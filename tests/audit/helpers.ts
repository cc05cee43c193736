import Database from 'better-sqlite3-multiple-ciphers';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditActor } from '../../shared/audit/entry';
import { ANCHOR_FILE } from '../../electron/core/audit/anchor';
import { AuditLog } from '../../electron/core/audit/log';
import { signerFromKey, type DeviceSigner } from '../../electron/core/audit/signer';
import { ManualClock } from '../../electron/core/clock';
import { migration0010AuditLog } from '../../electron/core/db/migrations/0010_audit_log';
import { migration0011AuditLeafGuard } from '../../electron/core/db/migrations/0011_audit_leaf_guard';

export type Db = Database.Database;

export function makeSigner(deviceId = 'device-test-1'): DeviceSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return signerFromKey({ deviceId, privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
}

export interface Fixture {
  dir: string;
  dbPath: string | null;
  keyHex: string | null;
  db: Db;
  clock: ManualClock;
  signer: DeviceSigner;
  anchorPath: string;
  log: AuditLog;
  reopen(): AuditLog;
  cleanup(): void;
}

/** A migrated database (SQLCipher temp file with a raw key, or plain in-memory) and an open log. */
export function fixture(opts: { kind?: 'memory' | 'cipher'; checkpointEvery?: number; signer?: DeviceSigner } = {}): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'rsched-audit-'));
  const kind = opts.kind ?? 'memory';
  let db: Db;
  let dbPath: string | null = null;
  let keyHex: string | null = null;
  if (kind === 'cipher') {
    dbPath = join(dir, 'vault.db');
    keyHex = randomBytes(32).toString('hex');
    db = new Database(dbPath);
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    db.pragma(`key="x'${keyHex}'"`);
    db.pragma('journal_mode=WAL');
  } else {
    db = new Database(':memory:');
  }
  db.exec('CREATE TABLE item (id TEXT PRIMARY KEY, label TEXT NOT NULL, count INTEGER NOT NULL) STRICT');
  db.transaction(() => {
    migration0010AuditLog.up(db);
    migration0011AuditLeafGuard.up(db);
  })();
  const clock = new ManualClock('2026-07-01T12:00:00Z');
  const signer = opts.signer ?? makeSigner();
  const anchorPath = join(dir, ANCHOR_FILE);
  const open = (): AuditLog =>
    AuditLog.open(db, { clock, signer, anchorPath, checkpointEvery: opts.checkpointEvery ?? 10, checkpointIntervalMs: 60 * 60_000 });
  const f: Fixture = {
    dir,
    dbPath,
    keyHex,
    db,
    clock,
    signer,
    anchorPath,
    log: open(),
    reopen: () => (f.log = open()),
    cleanup: () => {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
}

export const coordinator: Extract<AuditActor, { type: 'user' }> = { type: 'user', userId: 'user-0001', role: 'coordinator', sessionId: 'sess-0001' };
export const compliance: Extract<AuditActor, { type: 'user' }> = { type: 'user', userId: 'user-0002', role: 'compliance_officer', sessionId: 'sess-0002' };
