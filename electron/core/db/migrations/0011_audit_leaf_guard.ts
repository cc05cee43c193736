import type { Migration } from '../migration';
import { AUDIT_SCHEMA_V10 } from './0010_audit_log';

/**
 * Moves the "next sequence number" guard from audit_entry to the leaf hashes in audit_node.
 *
 * Version 10's BEFORE INSERT trigger on audit_entry made SQLite compute every generated search
 * column of the new row a second time just to run the trigger, about a third of the cost of an
 * append. The guard on audit_node (a plain table) keeps the same protection for the app's path,
 * where every entry is written together with its leaf hash in one unit of work: a leaf can only be
 * written for the newest entry and right after the previous leaf, so an entry that skips a number
 * (or is written behind the log's back) aborts the transaction at its leaf, and an entry without a
 * leaf is refused when the log is opened and reported by verification.
 */
export const AUDIT_LEAF_GUARD = {
  type: 'trigger' as const,
  name: 'audit_node_leaf_next',
  sql: `CREATE TRIGGER audit_node_leaf_next BEFORE INSERT ON audit_node
WHEN NEW.level = 0 AND (NOT EXISTS (SELECT 1 FROM audit_entry WHERE seq = NEW.idx)
  OR EXISTS (SELECT 1 FROM audit_entry WHERE seq = NEW.idx + 1)
  OR (NEW.idx > 0 AND NOT EXISTS (SELECT 1 FROM audit_node WHERE level = 0 AND idx = NEW.idx - 1)))
BEGIN SELECT RAISE(ABORT, 'audit_node: a leaf follows the previous one and belongs to the newest entry'); END`,
};

/** The audit tables, indexes and triggers as they are now: what verification expects to find. */
export const AUDIT_SCHEMA: ReadonlyArray<{ type: 'table' | 'index' | 'trigger'; name: string; sql: string }> = [
  ...AUDIT_SCHEMA_V10.filter((item) => item.name !== 'audit_entry_next_seq'),
  AUDIT_LEAF_GUARD,
];

export const migration0011AuditLeafGuard: Migration = {
  version: 11,
  name: 'audit_leaf_guard',
  up(db) {
    db.exec('DROP TRIGGER audit_entry_next_seq');
    db.exec(AUDIT_LEAF_GUARD.sql);
  },
};
