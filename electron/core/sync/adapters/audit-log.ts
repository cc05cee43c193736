import type { Database } from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../../../shared/errors';
import type { WireCheckpoint } from '../../../../shared/sync/protocol';
import type { AuditLog } from '../../audit/log';

/**
 * Adapter over the audit trail's log (electron/core/audit/log.ts): everything sync reads from it.
 * Entries are the canonical texts stored at write time (audit_entry.entry), never re-serialized.
 */
export interface SyncLogSource {
  readonly deviceId: string;
  readonly origin: string;
  size(): number;
  rootAt(size: number): Uint8Array;
  /** Canonical JSON of entries seq in [from, to). */
  entries(from: number, to: number): string[];
  consistencyProof(size1: number, size2: number): Uint8Array[];
  /** Sizes of checkpoints the log itself signed, in (after, atMost], ascending. */
  checkpointSizes(after: number, atMost: number): number[];
  storedCheckpoint(size: number): WireCheckpoint | null;
  /** A signed checkpoint of the whole log now (the log signs at most one per size). */
  checkpointHead(): WireCheckpoint;
}

export function auditLogSource(log: AuditLog): SyncLogSource {
  const db: Database = log.db;
  const entryRange = db.prepare<[number, number], { seq: number; entry: string | null }>('SELECT seq, entry FROM audit_entry WHERE seq >= ? AND seq < ? ORDER BY seq');
  const sizes = db.prepare<[number, number], number>('SELECT size FROM audit_checkpoint WHERE size > ? AND size <= ? ORDER BY size').pluck();
  const atSize = db.prepare<[number], { body: string; signature: Buffer }>('SELECT body, signature FROM audit_checkpoint WHERE size = ?');
  return {
    deviceId: log.deviceId,
    origin: log.origin,
    size: () => log.size,
    rootAt: (size) => new Uint8Array(log.rootAt(size)),
    entries(from, to) {
      const rows = entryRange.all(from, to);
      if (rows.length !== to - from) throw new AppError('AUDIT_TAMPERED', 'audit entries are missing from the log');
      return rows.map((r, i) => {
        if (r.seq !== from + i) throw new AppError('AUDIT_TAMPERED', 'audit entries are out of sequence');
        // Retention destroyed this payload before it was synced: the server could not verify it.
        if (r.entry === null) throw new AppError('CONFLICT', `audit entry ${r.seq} was destroyed by retention before it was synced`);
        return r.entry;
      });
    },
    consistencyProof: (s1, s2) => log.proveConsistency(s1, s2).map((b) => new Uint8Array(b)),
    checkpointSizes: (after, atMost) => sizes.all(after, atMost),
    storedCheckpoint(size) {
      const r = atSize.get(size);
      return r ? { body: r.body, signature: r.signature.toString('base64') } : null;
    },
    checkpointHead() {
      const cp = log.checkpoint();
      return { body: cp.body, signature: cp.signature.toString('base64') };
    },
  };
}
