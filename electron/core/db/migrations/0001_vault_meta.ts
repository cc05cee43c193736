import type { Migration } from '../migration';

/**
 * Vault identity and the device signing key.
 * - vault_meta: exactly one row (CHECK id = 1). The schema version is PRAGMA user_version, not a
 *   column here, so the two can never disagree.
 * - device_keys: the Ed25519 key pair generated at vault creation. It signs destruction
 *   certificates and audit checkpoints; the private key never leaves the encrypted database.
 */
export const migration0001VaultMeta: Migration = {
  version: 1,
  name: 'vault_meta',
  up(db) {
    db.exec(`
      CREATE TABLE vault_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        vault_id TEXT NOT NULL,
        program_name TEXT NOT NULL,
        time_zone TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by_app TEXT NOT NULL
      ) STRICT;
      CREATE TABLE device_keys (
        device_id TEXT PRIMARY KEY,
        algorithm TEXT NOT NULL CHECK (algorithm = 'ed25519'),
        public_key_pem TEXT NOT NULL,
        private_key_pkcs8 BLOB NOT NULL,
        created_at TEXT NOT NULL,
        retired_at TEXT
      ) STRICT;
    `);
  },
};
