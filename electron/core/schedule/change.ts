import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { AuditActor } from '../../../shared/audit/entry';
import type { AuditLog } from '../audit/log';
import { recordRead, runChange, type ChangeTx, type ReadRecord } from '../db/unit-of-work';

/** The audited unit of work, bound to one open vault: data change and audit entries in one transaction. */
export type Unit = <T>(actor: AuditActor, work: (tx: ChangeTx) => T) => T;
export type RecordRead = (actor: AuditActor, read: ReadRecord) => void;

export function bindUnit(db: Database, audit: AuditLog): { unit: Unit; read: RecordRead } {
  return {
    unit: (actor, work) => runChange(db, audit, actor, work),
    read: (actor, rec) => void recordRead(db, audit, actor, rec),
  };
}

/** A plain copy of a record for the audit entry's before/after (the log keeps only changed fields). */
export function asRecord(value: object | null): Record<string, unknown> | null {
  return value ? ({ ...value } as Record<string, unknown>) : null;
}
