import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANCHOR_FILE } from '../electron/core/audit/anchor';
import { AuditLog } from '../electron/core/audit/log';
import { signerFromKey } from '../electron/core/audit/signer';
import { ManualClock } from '../electron/core/clock';
import { runMigrations } from '../electron/core/db/migrate';
import { recordOutcome, recordRead } from '../electron/core/db/unit-of-work';
import { sequentialIds } from '../electron/core/ids';
import { evaluateTail } from '../electron/core/security/engine';
import { getDeviceSigningKey } from '../electron/core/vault/index';
import { insertDeviceKey } from '../electron/core/vault/meta';

/**
 * npm run bench -- detect [HISTORY]
 * What detection at commit costs (issue 10). A SQLCipher temp database (WAL, synchronous=FULL)
 * holds HISTORY audit entries (default 100,000: person reads by 50 users, a failed sign-in every
 * 500 entries). Then 2,000 single-entry commits (reads, failed sign-ins, other writes in turn),
 * each followed by the evaluation the audit log triggers after a commit; the commit and the
 * evaluation are timed apart. Window rules keep incremental state, so the evaluation should not
 * grow with HISTORY. Figures are per commit, in ms.
 */
const history = Number(process.argv[2] ?? 100_000);
const COMMITS = 2000;
const dir = mkdtempSync(join(tmpdir(), 'rsched-bench-detect-'));
const out = (s: string): void => void process.stdout.write(s + '\n');

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

try {
  const db = new Database(join(dir, 'vault.db'));
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.pragma(`key="x'${randomBytes(32).toString('hex')}'"`);
  db.pragma('journal_mode=WAL');
  db.pragma('synchronous=FULL');
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  runMigrations(db, { clock });
  insertDeviceKey(db, 'bench-device', clock.now().toISOString());
  const audit = AuditLog.open(db, { clock, signer: signerFromKey(getDeviceSigningKey(db)), anchorPath: join(dir, ANCHOR_FILE) });
  const deps = { db, audit, clock, ids: sequentialIds('a') };
  const user = (i: number) => ({ type: 'user' as const, userId: `user-${i % 50}`, role: 'coordinator' as const, sessionId: null });

  const system = { type: 'system' as const, component: 'accounts' };
  const kindOf = (i: number): 'login' | 'other' | 'read' => (i % 500 === 0 ? 'login' : i % 3 === 2 ? 'other' : 'read');
  /** One entry in its own unit of work, as the app writes them. */
  const write = (i: number): void => {
    const k = kindOf(i);
    if (k === 'login') recordOutcome(db, audit, system, { action: 'auth.login', resourceType: 'user', resourceId: null, outcome: 'failed', details: { reason: 'wrong_credentials' } });
    else if (k === 'other') recordOutcome(db, audit, user(i), { action: 'user.update', resourceType: 'user', resourceId: `user-${i % 50}`, outcome: 'failed' });
    else recordRead(db, audit, user(i), { action: 'person.read_details', resourceType: 'person', resourceId: `p-${i % 400}`, subject: `p-${i % 400}` });
  };
  /** The same entry appended inside a larger transaction (building the history fast). */
  const append = (i: number): void => {
    const k = kindOf(i);
    if (k === 'login') audit.append({ actor: system, action: 'auth.login', resource: { type: 'user', id: null }, outcome: 'failed', details: { reason: 'wrong_credentials' } });
    else if (k === 'other') audit.append({ actor: user(i), action: 'user.update', resource: { type: 'user', id: `user-${i % 50}` }, outcome: 'failed' });
    else audit.append({ actor: user(i), action: 'person.read_details', resource: { type: 'person', id: `p-${i % 400}` }, subject: `p-${i % 400}`, outcome: 'success' });
  };

  // History, in big transactions (fast to build); evaluated once afterwards.
  let t = performance.now();
  const batch = 5000;
  for (let i = 0; i < history; i += batch) {
    audit.beginUnit();
    db.transaction(() => {
      for (let j = i; j < Math.min(history, i + batch); j++) {
        clock.advance(20_000);
        append(j);
      }
      audit.checkpointIfDue();
    })();
    audit.flushAnchor();
  }
  out(`history: ${history} entries written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  const first = evaluateTail(deps, { persist: true });
  const firstMs = performance.now() - t;
  out(`first evaluation of the whole history: ${first.evaluated} entries in ${firstMs.toFixed(0)} ms (${((firstMs * 1000) / Math.max(1, first.evaluated)).toFixed(1)} us per entry), ${first.raised.length} alerts`);

  const commitMs: number[] = [];
  const evalMs: number[] = [];
  let raised = 0;
  for (let i = 0; i < COMMITS; i++) {
    clock.advance(20_000);
    let s = performance.now();
    write(history + i);
    commitMs.push(performance.now() - s);
    s = performance.now();
    raised += evaluateTail(deps).raised.length;
    evalMs.push(performance.now() - s);
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  out(`${COMMITS} single-entry commits after ${history} entries of history (${raised} alerts raised):`);
  out(`  commit (fsync):          mean ${mean(commitMs).toFixed(3)} ms, p50 ${pct(commitMs, 50).toFixed(3)}, p95 ${pct(commitMs, 95).toFixed(3)}`);
  out(`  evaluation after commit: mean ${mean(evalMs).toFixed(3)} ms, p50 ${pct(evalMs, 50).toFixed(3)}, p95 ${pct(evalMs, 95).toFixed(3)}, max ${Math.max(...evalMs).toFixed(3)}`);
  db.close();
  out(
    JSON.stringify({
      bench: 'detect',
      history,
      commits: COMMITS,
      firstEvaluationMs: Math.round(firstMs),
      commitMeanMs: Number(mean(commitMs).toFixed(3)),
      evalMeanMs: Number(mean(evalMs).toFixed(3)),
      evalP95Ms: Number(pct(evalMs, 95).toFixed(3)),
      alertsRaised: raised,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
