import type { Migration } from '../migration';

/**
 * Security operations (docs/security-operations.md). Table names avoid the `audit` prefix: audit
 * verification treats any other object on audit* tables as tampering.
 * - security_settings: one JSON document (thresholds, retention schedule), validated by
 *   shared/security/settings.ts on every read and write.
 * - security_state: detection bookkeeping (last evaluated audit seq, last sync alert seen, the
 *   latest entry time seen, last verification and purge).
 * - security_alert: alerts raised by the detection rules; `data` is the SecurityAlert JSON.
 * - security_outbox: alerts queued for the hospital server. The sync module reads unsent rows
 *   (sent_at IS NULL) in id order and marks them sent once the server acknowledged them; the
 *   payload carries no PHI (rule, severity, counts, user ids).
 * - security_incident: the incident register; `data` is the incident JSON.
 * - security_purge: one row per purge run with its signed destruction certificate.
 */
export const migration0060Security: Migration = {
  version: 60,
  name: 'security operations',
  up(db) {
    db.exec(`
      CREATE TABLE security_settings (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL) STRICT;
      CREATE TABLE security_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE security_alert (
        id TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        dedupe_key TEXT NOT NULL,
        raised_at TEXT NOT NULL,
        last_seq INTEGER,
        status TEXT NOT NULL,
        data TEXT NOT NULL
      ) STRICT;
      CREATE INDEX security_alert_by_rule ON security_alert (rule, dedupe_key, raised_at);
      CREATE INDEX security_alert_by_time ON security_alert (raised_at);
      CREATE TABLE security_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        ref_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        sent_at TEXT
      ) STRICT;
      CREATE INDEX security_outbox_unsent ON security_outbox (id) WHERE sent_at IS NULL;
      CREATE TABLE security_incident (
        id TEXT PRIMARY KEY,
        number INTEGER NOT NULL UNIQUE,
        status TEXT NOT NULL,
        closed_at TEXT,
        data TEXT NOT NULL
      ) STRICT;
      CREATE TABLE security_purge (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        certificate TEXT NOT NULL,
        signature TEXT NOT NULL
      ) STRICT;
    `);
  },
};
