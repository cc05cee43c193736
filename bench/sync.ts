import Database from 'better-sqlite3';
import DeviceDatabase from 'better-sqlite3-multiple-ciphers';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '../electron/core/audit/log';
import { signerFromKey } from '../electron/core/audit/signer';
import { ManualClock } from '../electron/core/clock';
import { runMigrations } from '../electron/core/db/migrate';
import { createLogger } from '../electron/core/logger';
import { auditLogSource } from '../electron/core/sync/adapters/audit-log';
import { deviceSigningKey } from '../electron/core/sync/adapters/device-key';
import { DeviceSync } from '../electron/core/sync/device';
import { spkiPinOfCert } from '../electron/core/sync/protocol/keys';
import { httpsTransport } from '../electron/core/sync/transport';
import { getDeviceSigningKey } from '../electron/core/vault/index';
import { insertDeviceKey } from '../electron/core/vault/meta';
import { openServerApp } from '../server/app';
import { approveEnrollment } from '../server/enroll';
import { STORE_FILE } from '../server/app';
import type { SealedEnvelope } from '../shared/sync/protocol';

/**
 * `npm run bench -- sync [DEVICES] [ENTRIES_PER_DEVICE] [BATCH]`
 *
 * One hospital server (`rsched server start`, its own process, TLS on 127.0.0.1) and N simulated
 * devices (real audit logs in real device databases, enrolled like the app does). Each device's
 * sealed batches are built first (device-side cost, reported apart); then all devices push at once
 * over pinned HTTPS, each also re-sending one of its batches (a duplicate delivery). The server
 * runs every check: decrypt, signatures, every leaf hash recomputed, every entry parsed against the
 * audit schema, new root, consistency proof, compare-and-set store, signed receipt.
 * Afterwards the server's store is read back: zero lost (every entry of every device present and
 * its root equal to the device's) and zero duplicated (no (device, seq) twice).
 */
const [devicesArg, entriesArg, batchArg] = process.argv.slice(2);
const DEVICES = Number(devicesArg ?? 20);
const PER_DEVICE = Number(entriesArg ?? 10_000);
const BATCH = Number(batchArg ?? 2000);
const repo = join(fileURLToPath(new URL('.', import.meta.url)), '..');

const root = mkdtempSync(join(tmpdir(), 'rsched-bench-sync-'));
const quiet = createLogger({ level: 'error' });
const clock = new ManualClock('2026-07-01T12:00:00.000Z');

/** utime + stime of a process from /proc (Linux), in seconds; null elsewhere. */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks; USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

function say(s: string): void {
  process.stdout.write(s + '\n');
}

try {
  // TLS certificate for 127.0.0.1.
  const keyPath = join(root, 'server.key.pem');
  const certPath = join(root, 'server.cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=bench'], { stdio: 'ignore' });
  const pin = spkiPinOfCert(readFileSync(certPath));
  const dataDir = join(root, 'server');

  // Devices: real device databases, audit logs filled with entries.
  const t0 = performance.now();
  const devices: Array<{ id: string; sync: DeviceSync; db: DeviceDatabase.Database; log: AuditLog }> = [];
  for (let d = 0; d < DEVICES; d++) {
    const dir = join(root, `device-${d}`);
    mkdirSync(dir);
    const db = new DeviceDatabase(join(dir, 'vault.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    runMigrations(db, { clock });
    insertDeviceKey(db, `bench-device-${String(d).padStart(2, '0')}`, clock.now().toISOString());
    const log = AuditLog.open(db, { clock, signer: signerFromKey(getDeviceSigningKey(db)), anchorPath: null, checkpointEvery: 1_000_000 });
    db.transaction(() => {
      log.beginUnit();
      for (let i = 0; i < PER_DEVICE; i++) {
        log.append({
          actor: { type: 'user', userId: `user-${i % 40}`, role: 'coordinator', sessionId: 'sess-1' },
          action: i % 3 === 0 ? 'user.update' : 'auth.login',
          resource: { type: 'user', id: `user-${i % 97}` },
          outcome: 'success',
          details: { n: i, field: 'rotation' },
        });
      }
    })();
    const sync = new DeviceSync({ db, log: auditLogSource(log), key: deviceSigningKey(db), clock, logger: quiet, receiptCopyPath: null, maxEntriesPerBatch: BATCH });
    devices.push({ id: log.deviceId, sync, db, log });
  }
  const tGen = performance.now() - t0;

  // Enrollment (as `rsched server enroll` does), before the server process starts.
  const admin = openServerApp(dataDir, { clock, logger: quiet });
  for (const d of devices) {
    const req = d.sync.enrollmentRequest();
    const out = await approveEnrollment(req.file, admin, { url: 'https://127.0.0.1:1', tlsSpkiSha256: pin });
    d.sync.acceptEnrollment(JSON.parse(JSON.stringify(out.response)));
  }
  await admin.close();

  // Device side: sealed batches (chained), built before the clock starts.
  const t1 = performance.now();
  const plans = devices.map((d) => d.sync.exportBatches().map((b) => b.envelope));
  const tBuild = performance.now() - t1;
  const batches = plans.reduce((n, p) => n + p.length, 0);

  // The server: its own process, as an operator runs it.
  const prof = process.env.BENCH_SYNC_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SYNC_CPU_PROF] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'electron/cli/main.ts', 'server', 'start', '--data', dataDir, '--port', '0', '--tls-key', keyPath, '--tls-cert', certPath], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, RSCHED_LOG_LEVEL: 'error' },
  });
  let cpuAtListen: number | null = null;
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /listening on (https:\/\/[^\s]+)/.exec(buf);
      if (m?.[1]) {
        cpuAtListen = cpuSeconds(child.pid);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });

  try {
    const transport = httpsTransport({ url, tlsSpkiSha256: pin, timeoutMs: 60_000 });
    let duplicatesSent = 0;
    let duplicatesSame = 0;
    const c2 = process.cpuUsage();
    const t2 = performance.now();
    await Promise.all(
      plans.map(async (plan: SealedEnvelope[], di) => {
        const receipts: string[] = [];
        for (const env of plan) {
          const a = await transport.push(env);
          if (!a.ok) throw new Error(`device ${di}: ${a.error.refusal} ${a.error.message}`);
          receipts.push(JSON.stringify(a.receipt));
        }
        // A duplicate delivery of one batch: must return the identical receipt, store nothing.
        const k = di % plan.length;
        const again = await transport.push(plan[k] as SealedEnvelope);
        duplicatesSent++;
        if (again.ok && JSON.stringify(again.receipt) === receipts[k]) duplicatesSame++;
        // The device applies its final receipt (verifies the server signature and its own root).
        const last = JSON.parse(receipts[receipts.length - 1] as string) as unknown;
        devices[di]?.sync.applyReceipt(last);
      }),
    );
    const tPush = performance.now() - t2;
    const cc = process.cpuUsage(c2);
    const clientCpu = (cc.user + cc.system) / 1e6;
    const serverCpu = cpuSeconds(child.pid);

    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    // Read the server's store back.
    const db = new Database(join(dataDir, STORE_FILE), { readonly: true });
    const total = Number(db.prepare('SELECT count(*) FROM entries').pluck().get());
    const distinct = Number(db.prepare('SELECT count(*) FROM (SELECT DISTINCT device_id, seq FROM entries)').pluck().get());
    let lost = 0;
    let rootsEqual = 0;
    for (const d of devices) {
      const row = db.prepare('SELECT size, root FROM devices WHERE device_id = ?').get(d.id) as { size: number; root: Buffer } | undefined;
      const have = Number(db.prepare('SELECT count(*) FROM entries WHERE device_id = ?').pluck().get(d.id));
      const seqOk = Number(db.prepare('SELECT count(*) FROM entries WHERE device_id = ? AND seq BETWEEN 0 AND ?').pluck().get(d.id, PER_DEVICE - 1));
      lost += Math.max(0, PER_DEVICE - Math.min(have, seqOk));
      if (row && row.size === PER_DEVICE && row.root.equals(d.log.rootAt(PER_DEVICE))) rootsEqual++;
      if (d.sync.status().ackedSize !== PER_DEVICE) lost += 0; // acked state is reported below
    }
    const alerts = Number(db.prepare('SELECT count(*) FROM alerts').pluck().get());
    db.close();
    const duplicated = total - distinct;
    const expected = DEVICES * PER_DEVICE;
    const entriesPerSec = Math.round(expected / (tPush / 1000));
    const acked = devices.filter((d) => d.sync.status().ackedSize === PER_DEVICE).length;

    say(`sync bench: ${DEVICES} devices x ${PER_DEVICE} entries = ${expected} entries in ${batches} sealed batches of <= ${BATCH} (+${duplicatesSent} duplicate deliveries)`);
    say(`  device side: audit logs filled in ${(tGen / 1000).toFixed(2)} s; batches built, signed and sealed in ${(tBuild / 1000).toFixed(2)} s`);
    say(`  server (own process, TLS, full verification): ${expected} entries ingested in ${(tPush / 1000).toFixed(2)} s = ${entriesPerSec} entries/s`);
    say(`  stored ${total} rows, ${distinct} distinct (device, seq); lost ${lost}, duplicated ${duplicated}; roots equal ${rootsEqual}/${DEVICES}; devices acked ${acked}/${DEVICES}; duplicate deliveries answered with the same receipt ${duplicatesSame}/${duplicatesSent}; alerts ${alerts}`);
    const cpuUsed = serverCpu !== null && cpuAtListen !== null ? serverCpu - cpuAtListen : null;
    const perCpuSec = cpuUsed ? Math.round(expected / cpuUsed) : null;
    say(`  the 20 device clients (this process, TLS + JSON) used ${clientCpu.toFixed(2)} s of CPU meanwhile`);
    if (cpuUsed !== null) say(`  server CPU time for the ingest: ${cpuUsed.toFixed(2)} s = ${perCpuSec} entries per server CPU-second (load average now ${(await import('node:os')).loadavg()[0]?.toFixed(1)})`);
    say(`  target >= 20000 entries/s: ${entriesPerSec >= 20_000 ? 'met' : 'NOT met'}`);
    say(
      JSON.stringify({
        bench: 'sync',
        devices: DEVICES,
        entries: expected,
        batches,
        seconds: Number((tPush / 1000).toFixed(3)),
        entriesPerSec,
        serverCpuSeconds: cpuUsed,
        clientCpuSeconds: Number(clientCpu.toFixed(2)),
        entriesPerServerCpuSec: perCpuSec,
        lost,
        duplicated,
        rootsEqual,
        acked,
        duplicateReceiptsSame: duplicatesSame,
        alerts,
      }),
    );
    if (lost !== 0 || duplicated !== 0 || rootsEqual !== DEVICES || duplicatesSame !== duplicatesSent) process.exitCode = 1;
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  for (const d of devices) d.db.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
