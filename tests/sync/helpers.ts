import Database from 'better-sqlite3-multiple-ciphers';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANCHOR_FILE } from '../../electron/core/audit/anchor';
import { AuditLog } from '../../electron/core/audit/log';
import { signerFromKey } from '../../electron/core/audit/signer';
import { ManualClock } from '../../electron/core/clock';
import { runMigrations } from '../../electron/core/db/migrate';
import { createLogger, memorySink, type LogRecord, type Logger } from '../../electron/core/logger';
import { auditLogSource } from '../../electron/core/sync/adapters/audit-log';
import { deviceSigningKey } from '../../electron/core/sync/adapters/device-key';
import { securityOutbox } from '../../electron/core/sync/adapters/security-outbox';
import { DeviceSync } from '../../electron/core/sync/device';
import { spkiPinOfCert } from '../../electron/core/sync/protocol/keys';
import { getDeviceSigningKey } from '../../electron/core/vault/index';
import { insertDeviceKey } from '../../electron/core/vault/meta';
import { openServerApp, type ServerApp } from '../../server/app';
import { approveEnrollment } from '../../server/enroll';
import { startSyncServer, type RunningServer } from '../../server/http';

export function tempDir(prefix = 'rsched-sync-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function quietLogger(clock: ManualClock): Logger & { records: LogRecord[] } {
  const sink = memorySink();
  const logger = createLogger({ clock, sink, level: 'debug' });
  return Object.assign(logger, { records: sink.records });
}

/** A self-signed P-256 certificate for 127.0.0.1 made with the openssl CLI. */
export function makeCert(dir: string, name: string): { key: Buffer; cert: Buffer; pin: string; keyPath: string; certPath: string } {
  const keyPath = join(dir, `${name}.key.pem`);
  const certPath = join(dir, `${name}.cert.pem`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(certPath);
  return { key: readFileSync(keyPath), cert, pin: spkiPinOfCert(cert), keyPath, certPath };
}

export interface TestDevice {
  dir: string;
  db: Database.Database;
  log: AuditLog;
  sync: DeviceSync;
  deviceId: string;
  close(): void;
}

const DB = 'vault.db';

/** Opens (or creates) a device "vault" folder: migrated DB, device key, audit log, DeviceSync. */
export function openDevice(dir: string, clock: ManualClock, logger: Logger, opts: { create?: string; maxBatch?: number } = {}): TestDevice {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, DB));
  db.pragma('journal_mode = DELETE');
  runMigrations(db, { clock });
  if (opts.create) insertDeviceKey(db, opts.create, clock.now().toISOString());
  const signer = signerFromKey(getDeviceSigningKey(db));
  const log = AuditLog.open(db, { clock, signer, anchorPath: join(dir, ANCHOR_FILE), checkpointEvery: 100_000, checkpointIntervalMs: 365 * 86_400_000 });
  const sync = new DeviceSync({
    db,
    log: auditLogSource(log),
    key: deviceSigningKey(db),
    clock,
    logger,
    receiptCopyPath: join(dir, 'sync-receipt.json'),
    maxEntriesPerBatch: opts.maxBatch ?? 1000,
    alerts: securityOutbox(db),
  });
  return { dir, db, log, sync, deviceId: signer.deviceId, close: () => db.close() };
}

/** Appends n audit entries in one unit of work (no PHI: ids only). */
export function appendEntries(d: TestDevice, n: number, clock: ManualClock): void {
  const snap = d.log.beginUnit();
  try {
    d.db.transaction(() => {
      for (let i = 0; i < n; i++) {
        d.log.append({
          actor: { type: 'user', userId: 'user-0001', role: 'coordinator', sessionId: 'sess-1' },
          action: 'user.update',
          resource: { type: 'user', id: `user-${String(i % 50).padStart(4, '0')}` },
          outcome: 'success',
          details: { n: i },
        });
        if (i % 100 === 99) clock.advance(1000);
      }
    })();
  } catch (err) {
    d.log.abortUnit(snap);
    throw err;
  }
}

/** Copies the device folder (a backup) — the DB is in rollback-journal mode, so the file is whole. */
export function snapshotDevice(d: TestDevice, to: string, files: string[] = [DB, ANCHOR_FILE, 'sync-receipt.json']): void {
  mkdirSync(to, { recursive: true });
  for (const f of files) if (existsSync(join(d.dir, f))) copyFileSync(join(d.dir, f), join(to, f));
}

export function restoreDevice(from: string, dir: string, files: string[]): void {
  for (const f of files) {
    rmSync(join(dir, f), { force: true });
    if (existsSync(join(from, f))) copyFileSync(join(from, f), join(dir, f));
  }
}

export interface TestServer {
  app: ServerApp;
  http: RunningServer;
  cert: { key: Buffer; cert: Buffer; pin: string };
  logger: Logger & { records: LogRecord[] };
  restart(cert?: { key: Buffer; cert: Buffer }): Promise<void>;
  stop(): Promise<void>;
}

export async function startServer(dataDir: string, clock: ManualClock, cert: { key: Buffer; cert: Buffer; pin: string }, opts: { port?: number; rate?: { capacity: number; perSec: number }; maxBodyBytes?: number } = {}): Promise<TestServer> {
  const logger = quietLogger(clock);
  const app = openServerApp(dataDir, { clock, logger });
  const listen = (tls: { key: Buffer; cert: Buffer }, port: number) =>
    startSyncServer({ ingestor: app.ingestor, clock, logger, host: '127.0.0.1', port, tls, ...(opts.rate ? { rate: opts.rate } : {}), ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}) });
  const s: TestServer = {
    app,
    http: await listen(cert, opts.port ?? 0),
    cert,
    logger,
    async restart(c = cert) {
      await s.http.close();
      s.http = await listen(c, s.http.port);
    },
    async stop() {
      await s.http.close();
      await app.close();
    },
  };
  return s;
}

export async function enroll(server: TestServer, d: TestDevice): Promise<void> {
  const req = d.sync.enrollmentRequest();
  const out = await approveEnrollment(req.file, server.app, { url: server.http.url, tlsSpkiSha256: server.cert.pin });
  d.sync.acceptEnrollment(JSON.parse(JSON.stringify(out.response)));
}

export { ManualClock };
