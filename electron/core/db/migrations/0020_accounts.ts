import type { Migration } from '../migration';

/**
 * User accounts (HIPAA 164.312(a)(2)(i) unique user identification, (d) person authentication).
 * - users: one row per account; `username_key` (NFKC, lower case) makes names unique regardless of
 *   case. The bcrypt hash re-checks the password inside the database (the key slot is the first
 *   check). `session_epoch` is bumped by a reset or disable so live sessions end on their next call.
 *   TOTP secrets stay here, inside the encrypted database, never in the keystore.
 * - user_recovery_codes: SHA-256 of each one-time MFA recovery code (random ~49-bit codes, usable
 *   only behind the sign-in throttle and inside the encrypted database, so a fast hash is enough),
 *   marked used rather than deleted so reuse is visible.
 * - account_settings: policies (JSON) and the bookkeeping of the sign-in attempts file kept
 *   beside the vault (its MAC key and generation), see electron/core/accounts/signin-file.ts.
 */
export const migration0020Accounts: Migration = {
  version: 20,
  name: 'accounts',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        username_key TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        email TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'program_director', 'coordinator', 'chief_resident', 'faculty',
          'resident', 'compliance_officer', 'clinical_staff')),
        status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
        person_id TEXT,
        password_hash TEXT NOT NULL,
        password_changed_at TEXT NOT NULL,
        must_change_password INTEGER NOT NULL CHECK (must_change_password IN (0, 1)),
        temp_password_expires_at TEXT,
        mfa_secret TEXT,
        mfa_enrolled_at TEXT,
        mfa_last_step INTEGER,
        failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
        last_failed_at TEXT,
        locked_at TEXT,
        accepted_notice_version TEXT,
        accepted_notice_at TEXT,
        session_epoch INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_login_at TEXT
      ) STRICT;
      CREATE TABLE user_recovery_codes (
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        used_at TEXT,
        PRIMARY KEY (user_id, code_hash)
      ) STRICT;
      CREATE TABLE account_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
  },
};
