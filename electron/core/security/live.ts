import type { Database } from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../clock';
import type { IdGenerator } from '../ids';
import type { Logger } from '../logger';
import type { Workspace } from '../workspace';
import { evaluateTail } from './engine';
import { reconcileEvidence } from './evidence';

/** Entries evaluated per turn of the event loop (about 10-20 ms on this machine). */
const SLICE = 500;

/**
 * Detection as entries are written: the audit log tells the workspace after each unit of work, and
 * this evaluates the new entries right after the commit, whichever path wrote them (a contract call,
 * the CLI, a service called directly). Never inside the writing transaction: a unit nested in an
 * enclosing one is evaluated on the next turn of the event loop, after that transaction ended. The
 * alerts it raises commit on their own, and a failure here is logged (codes only) and retried by
 * the next commit or the sweep: it can never undo or fail the change that was written.
 * The first time it sees a connection (the unlock) it first reports tamper evidence recorded while
 * the vault was locked (evidence.ts).
 */
export function liveDetection(services: { dataDir: string; clock: Clock; ids: IdGenerator; logger: Logger }): (ws: Workspace) => void {
  let running = false;
  const deferred = new WeakSet<Database>();
  const run = (ws: Workspace): void => {
    // The alert.raise entries of an evaluation come back here: the running evaluation owns them.
    if (running || !ws.db.open) return;
    if (ws.db.inTransaction) {
      schedule(ws);
      return;
    }
    running = true;
    let more = false;
    try {
      // First sight of a connection is its unlock: report what was found while it was locked.
      reconcileEvidence(ws, services);
      more = evaluateTail({ db: ws.db, audit: ws.audit, clock: services.clock, ids: services.ids }, { maxRows: SLICE }).more;
    } catch (err) {
      services.logger.error('security evaluation after commit failed', { errorCode: err instanceof AppError ? err.code : 'INTERNAL' });
    } finally {
      running = false;
    }
    // A long backlog (a large import, the first run on an old trail) goes in slices, each its own
    // turn of the event loop, so no call waits behind all of it.
    if (more) schedule(ws);
  };
  const schedule = (ws: Workspace): void => {
    if (deferred.has(ws.db)) return;
    deferred.add(ws.db);
    setImmediate(() => {
      deferred.delete(ws.db);
      run(ws);
    });
  };
  return run;
}
