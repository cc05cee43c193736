import type { Database } from 'better-sqlite3-multiple-ciphers';
import { READ_ACTIONS, type AuditAction } from '../../../shared/audit/actions';
import type { AuditActor, AuditDetails } from '../../../shared/audit/entry';
import { AppError } from '../../../shared/errors';
import { diffFields, type FieldValues } from '../audit/diff';
import type { AuditInput } from '../audit/entry';
import type { Appended, AuditLog } from '../audit/log';

/**
 * The ONE way to change data: a unit of work runs the writes and their audit entries in a single
 * SQLite transaction. It refuses to commit a change that recorded no entry, and a change that
 * fails leaves no entry (the entries roll back with the writes). Attempts that were refused or
 * failed are recorded afterwards, outside the rolled-back transaction, with recordOutcome.
 */
export interface ChangeRecord {
  action: AuditAction;
  resourceType: string;
  resourceId: string | null;
  /** The person the change is about (owner of an absence, ...); person records set it themselves. */
  subject?: string;
  /**
   * The record before and after. Only changed fields are kept (diffFields). null before = created,
   * null after = removed. Omit both for changes without a record (e.g. a publish).
   */
  before?: Readonly<Record<string, unknown>> | null;
  after?: Readonly<Record<string, unknown>> | null;
  /** Fields never to copy into the log (secrets, password hashes). */
  omitFields?: readonly string[];
  reason?: string;
  details?: AuditDetails;
}

export interface ChangeTx {
  readonly db: Database;
  /** Records one audit entry for a write made in this transaction. */
  record(change: ChangeRecord): Appended;
  /** Entries recorded so far in this unit. */
  readonly recorded: number;
}

function toInput(actor: AuditActor, change: ChangeRecord, outcome: AuditInput['outcome']): AuditInput {
  const input: AuditInput = {
    actor,
    action: change.action,
    resource: { type: change.resourceType, id: change.resourceId },
    outcome,
  };
  if (change.subject !== undefined) input.subject = change.subject;
  if (change.reason !== undefined) input.reason = change.reason;
  if (change.details !== undefined) input.details = change.details;
  if (change.before !== undefined || change.after !== undefined) {
    const d = diffFields(change.before ?? null, change.after ?? null, { ignore: change.omitFields ?? [] });
    if (Object.keys(d.before).length > 0) input.before = d.before;
    if (Object.keys(d.after).length > 0) input.after = d.after;
  }
  return input;
}

/**
 * Runs `fn` and its audit entries atomically. Throws (and rolls everything back) if `fn` throws or
 * records nothing. If called inside an enclosing transaction it becomes a savepoint of it; the
 * log re-validates its cached state at the start of every unit, so an outer rollback is harmless.
 */
export function runChange<T>(db: Database, audit: AuditLog, actor: AuditActor, fn: (tx: ChangeTx) => T): T {
  if (audit.db !== db) throw new AppError('INTERNAL', 'The audit log belongs to another database connection.');
  const snapshot = audit.beginUnit();
  let recorded = 0;
  const tx: ChangeTx = {
    db,
    record(change) {
      const appended = audit.append(toInput(actor, change, 'success'));
      recorded++;
      return appended;
    },
    get recorded() {
      return recorded;
    },
  };
  let result: T;
  try {
    result = db.transaction(() => {
      const out = fn(tx);
      if (out instanceof Promise) {
        throw new AppError('INTERNAL', 'A unit of work must be synchronous (SQLite transactions cannot span an await).');
      }
      if (recorded === 0) throw new AppError('INTERNAL', 'A change must record at least one audit entry.');
      audit.checkpointIfDue();
      return out;
    }).immediate();
  } catch (err) {
    // Covers a throw in fn and a failed COMMIT alike: the database rolled back, so must our cache.
    audit.abortUnit(snapshot);
    throw err;
  }
  audit.flushAnchor();
  return result;
}

export interface OutcomeRecord extends Omit<ChangeRecord, 'before' | 'after' | 'omitFields'> {
  outcome: 'denied' | 'failed';
  /** What was attempted (the requested new values), if useful to an investigator. */
  attempted?: Readonly<Record<string, unknown>>;
}

/**
 * Records a refused or failed attempt. Runs in its own transaction and refuses to run inside one:
 * inside the failing change's transaction the record would be rolled back with it.
 */
export function recordOutcome(db: Database, audit: AuditLog, actor: AuditActor, rec: OutcomeRecord): Appended {
  if (db.inTransaction) {
    throw new AppError('INTERNAL', 'recordOutcome must run outside the failed transaction, or the record would roll back with it.');
  }
  const input = toInput(actor, rec, rec.outcome);
  if (rec.attempted) input.after = diffFields(null, rec.attempted).after as FieldValues;
  return appendAlone(db, audit, input);
}

export interface ReadRecord {
  action: AuditAction;
  resourceType: string;
  resourceId: string | null;
  subject?: string;
  reason?: string;
  details?: AuditDetails;
}

/**
 * Records a read that matters (absence details, the audit trail itself, exports, break-glass).
 * Joins the current transaction if there is one, else commits on its own.
 */
export function recordRead(db: Database, audit: AuditLog, actor: AuditActor, rec: ReadRecord): Appended {
  if (!READ_ACTIONS.includes(rec.action)) throw new AppError('INTERNAL', `recordRead: ${rec.action} is not a read action.`);
  const input = toInput(actor, rec, 'success');
  if (db.inTransaction) return audit.append(input);
  return appendAlone(db, audit, input);
}

function appendAlone(db: Database, audit: AuditLog, input: AuditInput): Appended {
  const snapshot = audit.beginUnit();
  let appended: Appended;
  try {
    appended = db.transaction(() => {
      const a = audit.append(input);
      audit.checkpointIfDue();
      return a;
    }).immediate();
  } catch (err) {
    audit.abortUnit(snapshot);
    throw err;
  }
  audit.flushAnchor();
  return appended;
}
