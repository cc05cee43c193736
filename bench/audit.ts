import Database from 'better-sqlite3-multiple-ciphers';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyInclusion } from '../shared/merkle/verify';
import { ANCHOR_FILE } from '../electron/core/audit/anchor';
import { nodeHasher } from '../electron/core/audit/hash';
import { AuditLog } from '../electron/core/audit/log';
import { signerFromKey } from '../electron/core/audit/signer';
import { verifyAudit } from '../electron/core/audit/verify';
import { ManualClock } from '../electron/core/clock';
import { migration0010AuditLog } from '../electron/core/db/migrations/0010_audit_log';
import { migration0011AuditLeafGuard } from '../electron/core/db/migrations/0011_audit_leaf_guard';
import { runChange } from '../electron/core/db/unit-of-work';

/**
 * npm run bench -- audit [ENTRIES]
 * On a SQLCipher (sqlcipher, legacy=4, raw key, WAL) temp database:
 *  - append throughput: units of work of 1000 entries (canonical JSON, leaf + node hashing, three
 *    inserts per entry, a signed checkpoint every 1000 entries);
 *  - full verification of ENTRIES (default 1,000,000) entries with worker threads;
 *  - inclusion proof at that size (read O(log n) stored nodes, checked against the signed root).
 * Targets: append >= 20,000/s, verify 1M <= 5 s, inclusion proof <= 1 ms.
 */
const total = Number(process.argv[2] ?? 1_000_000);
const BATCH = 1000;
const dir = mkdtempSync(join(tmpdir(), 'rsched-bench-audit-'));
const out = (s: string): void => void process.stdout.write(s + '\n');

try {
  const db = new Database(join(dir, 'vault.db'));
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  const dek = randomBytes(32);
  db.pragma(`key="x'${dek.toString('hex')}'"`);
  db.pragma('journal_mode=WAL');
  db.pragma('synchronous=FULL');
  db.transaction(() => {
    migration0010AuditLog.up(db);
    migration0011AuditLeafGuard.up(db);
  })();
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const signer = signerFromKey({ deviceId: 'bench-device', privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  const clock = new ManualClock('2026-07-01T00:00:00Z');
  const anchorPath = join(dir, ANCHOR_FILE);
  const log = AuditLog.open(db, { clock, signer, anchorPath, checkpointEvery: 1000 });
  const actor = { type: 'user', userId: '6f1c2e9a-0b7d-4c1e-9a55-3d2f8b7c1e01', role: 'coordinator', sessionId: 'a3f9c1d27b8e4f60' } as const;

  let seq = 0;
  const appendBatch = (): void => {
    runChange(db, log, actor, (tx) => {
      for (let i = 0; i < BATCH; i++, seq++) {
        clock.advance(250);
        tx.record({
          action: 'assignment.update',
          resourceType: 'assignment',
          resourceId: `3f0e4d9a-8a1b-4c55-9d7e-${String(seq).padStart(12, '0')}`,
          subject: `person-${seq % 120}`,
          before: { rotationId: 'rot-cardiology', blockNumber: 3 },
          after: { rotationId: 'rot-nephrology', blockNumber: 3 },
        });
      }
    });
  };

  // Append throughput, measured on the first 100k entries (the rest are filled the same way).
  const measureN = Math.min(total, 100_000);
  let t = performance.now();
  while (seq < measureN) appendBatch();
  const appendSec = (performance.now() - t) / 1000;
  const appendPerSec = Math.round(measureN / appendSec);
  out(`append: ${measureN} entries in ${appendSec.toFixed(2)} s = ${appendPerSec} entries/s (units of ${BATCH}, hashing + checkpoint every 1000)`);
  const entryBytes = db.prepare('SELECT avg(length(entry)) FROM audit_entry').pluck().get() as number;
  out(`average canonical entry: ${Math.round(entryBytes)} bytes`);

  t = performance.now();
  while (seq < total) appendBatch();
  if (total > measureN) out(`filled to ${total} entries in ${((performance.now() - t) / 1000).toFixed(1)} s more`);
  log.checkpoint();
  db.pragma('wal_checkpoint(TRUNCATE)');

  // Full verification (cold-ish: a fresh connection with an empty page cache would be colder still).
  t = performance.now();
  // As in the app: the worker threads read and decrypt their own chunks on their own connections.
  const report = await verifyAudit(db, { anchorPath, reader: { path: join(dir, 'vault.db'), dek } });
  const verifySec = (performance.now() - t) / 1000;
  out(`verify: ${report.size} entries in ${verifySec.toFixed(2)} s with ${report.workers} worker thread(s)${report.parallelReads ? ' reading in parallel' : ''}; ok=${report.ok}, checkpoints=${report.checkpointsVerified}`);
  if (!report.ok) out(`  problems: ${JSON.stringify(report.problems.slice(0, 3))}`);

  // Inclusion proofs at full size, random leaves, each checked against the signed root.
  const cp = log.latestCheckpoint();
  if (!cp) throw new Error('no checkpoint');
  const N = 2000;
  let verified = 0;
  t = performance.now();
  for (let i = 0; i < N; i++) {
    const s = Math.floor(Math.random() * cp.size);
    const p = log.proveInclusion(s, cp);
    verifyInclusion(nodeHasher, s, cp.size, p.leafHash, p.proof, cp.root);
    verified++;
  }
  const inclusionProofMs = (performance.now() - t) / N;
  out(`inclusion proof at size ${cp.size}: ${inclusionProofMs.toFixed(3)} ms per proof (${verified} built, self-checked and re-verified)`);
  db.close();

  const verify1MSeconds = Number(((verifySec * 1_000_000) / Math.max(1, report.size)).toFixed(2));
  out(
    JSON.stringify({
      entries: total,
      appendPerSec,
      verifySeconds: Number(verifySec.toFixed(2)),
      verify1MSeconds,
      verifyOk: report.ok,
      verifyWorkers: report.workers,
      verifyParallelReads: report.parallelReads,
      inclusionProofMs: Number(inclusionProofMs.toFixed(3)),
      avgEntryBytes: Math.round(entryBytes),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
