import type { Migration } from '../migration';

/**
 * The tamper-evident audit log (docs/audit-trail.md).
 *
 * - audit_entry: one row per entry. `entry` holds the canonical JSON text exactly as hashed,
 *   written once. The searchable columns are VIRTUAL generated columns computed by SQLite from that
 *   text, so they can never disagree with what was hashed (there is nothing stored to tamper with
 *   separately); the indexes make search fast. `entry` becomes NULL only through the retention
 *   path, which destroys the payload while the leaf hash stays in audit_node.
 * - audit_node: the Merkle tree. Level 0 holds every leaf hash; level h >= 1 holds each perfect
 *   subtree of 2^h leaves once complete. Proofs read O(log n) rows from it.
 * - audit_checkpoint: signed checkpoints {origin, size, root, time}.
 * Triggers abort UPDATE and DELETE on all three (append-only), and an insert whose seq is not the
 * next one. Someone holding the key can drop triggers; verification (verifyAudit) is what detects
 * that, including a changed schema (it compares the current statements, AUDIT_SCHEMA in
 * 0011_audit_leaf_guard.ts, with sqlite_schema).
 *
 * This list is what version 10 created and never changes; later versions alter it.
 */
export const AUDIT_SCHEMA_V10: ReadonlyArray<{ type: 'table' | 'index' | 'trigger'; name: string; sql: string }> = [
  {
    type: 'table',
    name: 'audit_entry',
    sql: `CREATE TABLE audit_entry (
  seq INTEGER PRIMARY KEY CHECK (seq >= 0),
  entry TEXT,
  time TEXT GENERATED ALWAYS AS (json_extract(entry, '$.time')) VIRTUAL,
  actor_type TEXT GENERATED ALWAYS AS (json_extract(entry, '$.actor.type')) VIRTUAL,
  actor_user_id TEXT GENERATED ALWAYS AS (json_extract(entry, '$.actor.userId')) VIRTUAL,
  action TEXT GENERATED ALWAYS AS (json_extract(entry, '$.action')) VIRTUAL,
  resource_type TEXT GENERATED ALWAYS AS (json_extract(entry, '$.resource.type')) VIRTUAL,
  resource_id TEXT GENERATED ALWAYS AS (json_extract(entry, '$.resource.id')) VIRTUAL,
  subject_id TEXT GENERATED ALWAYS AS (json_extract(entry, '$.subject')) VIRTUAL,
  outcome TEXT GENERATED ALWAYS AS (json_extract(entry, '$.outcome')) VIRTUAL
) STRICT`,
  },
  { type: 'index', name: 'audit_entry_time', sql: 'CREATE INDEX audit_entry_time ON audit_entry (time)' },
  { type: 'index', name: 'audit_entry_action', sql: 'CREATE INDEX audit_entry_action ON audit_entry (action)' },
  {
    type: 'index',
    name: 'audit_entry_actor',
    sql: 'CREATE INDEX audit_entry_actor ON audit_entry (actor_user_id) WHERE actor_user_id IS NOT NULL',
  },
  {
    type: 'index',
    name: 'audit_entry_resource',
    sql: 'CREATE INDEX audit_entry_resource ON audit_entry (resource_type, resource_id)',
  },
  {
    type: 'index',
    name: 'audit_entry_subject',
    sql: 'CREATE INDEX audit_entry_subject ON audit_entry (subject_id) WHERE subject_id IS NOT NULL',
  },
  {
    type: 'index',
    name: 'audit_entry_not_success',
    sql: "CREATE INDEX audit_entry_not_success ON audit_entry (outcome) WHERE outcome <> 'success'",
  },
  {
    type: 'table',
    name: 'audit_node',
    sql: `CREATE TABLE audit_node (
  level INTEGER NOT NULL CHECK (level >= 0 AND level < 64),
  idx INTEGER NOT NULL CHECK (idx >= 0),
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
) WITHOUT ROWID, STRICT`,
  },
  {
    type: 'table',
    name: 'audit_checkpoint',
    sql: `CREATE TABLE audit_checkpoint (
  size INTEGER PRIMARY KEY CHECK (size > 0),
  root BLOB NOT NULL CHECK (length(root) = 32),
  time TEXT NOT NULL,
  origin TEXT NOT NULL,
  body TEXT NOT NULL,
  signature BLOB NOT NULL,
  device_id TEXT NOT NULL,
  public_key_pem TEXT NOT NULL
) STRICT`,
  },
  ...(['audit_entry', 'audit_node', 'audit_checkpoint'] as const).flatMap((table) => [
    {
      type: 'trigger' as const,
      name: `${table}_no_update`,
      sql: `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
    },
    {
      type: 'trigger' as const,
      name: `${table}_no_delete`,
      sql: `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
    },
  ]),
  {
    type: 'trigger',
    name: 'audit_entry_next_seq',
    sql: `CREATE TRIGGER audit_entry_next_seq BEFORE INSERT ON audit_entry
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq) + 1, 0) FROM audit_entry)
BEGIN SELECT RAISE(ABORT, 'audit_entry: seq must be the next one'); END`,
  },
];

export const migration0010AuditLog: Migration = {
  version: 10,
  name: 'audit_log',
  up(db) {
    for (const item of AUDIT_SCHEMA_V10) db.exec(item.sql);
  },
};
