import type { Migration } from '../migration';

/**
 * Device side of hospital sync (docs/sync-protocol.md). All inside the encrypted vault.
 * - sync_identity: the device's X25519 sealing key (the Ed25519 signing key is the vault's
 *   device_keys row) and, once approved, the server's keys, certificate pin and URL.
 * - sync_outbox: one row. What the server last acknowledged (size, root) and the batch in flight,
 *   kept as the exact sealed bytes so a retry after a crash or a cut connection resends the same
 *   batch (same checkpoint, same receipt) instead of signing a new one.
 * - sync_checkpoint: every checkpoint sync itself had signed, by size, so re-exporting a range
 *   reuses it: an honest device never presents two different checkpoints for one size, which is
 *   what lets the server treat a new smaller checkpoint as a rollback.
 * - sync_receipt: every signed receipt kept (the proof that the hospital holds the log to size n).
 * - sync_alert: tamper alerts raised on this device (log no longer extends a receipt, fork refusal).
 */
export const migration0050Sync: Migration = {
  version: 50,
  name: 'sync',
  up(db) {
    db.exec(`
      CREATE TABLE sync_identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        device_id TEXT NOT NULL,
        sealing_public TEXT NOT NULL,
        sealing_private_pkcs8 BLOB NOT NULL,
        created_at TEXT NOT NULL,
        server_id TEXT,
        server_signing_key TEXT,
        server_sealing_key TEXT,
        tls_spki_sha256 TEXT,
        server_url TEXT,
        approved_at TEXT,
        enrolled_at TEXT
      ) STRICT;
      CREATE TABLE sync_outbox (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        acked_size INTEGER NOT NULL DEFAULT 0 CHECK (acked_size >= 0),
        acked_root BLOB,
        pending_envelope TEXT,
        pending_base INTEGER,
        pending_size INTEGER,
        last_attempt_at TEXT,
        last_success_at TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        halted INTEGER NOT NULL DEFAULT 0 CHECK (halted IN (0, 1))
      ) STRICT;
      CREATE TABLE sync_checkpoint (
        size INTEGER PRIMARY KEY CHECK (size > 0),
        body TEXT NOT NULL,
        signature TEXT NOT NULL
      ) STRICT;
      CREATE TABLE sync_receipt (
        size INTEGER NOT NULL,
        root BLOB NOT NULL,
        received_at TEXT NOT NULL,
        receipt_json TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        PRIMARY KEY (size, received_at)
      ) STRICT;
      CREATE TABLE sync_alert (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL
      ) STRICT;
    `);
  },
};
