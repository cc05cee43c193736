import type { Database } from 'better-sqlite3-multiple-ciphers';
import { usernameKey } from '../../../shared/accounts/username';
import type { AccountPolicies, UserSummary } from '../../../shared/contract/users';
import { DEFAULT_MFA_REQUIRED_ROLES, ROLES, type Role } from '../../../shared/rbac';
import { AppError } from '../../../shared/errors';

/**
 * Plain database functions for accounts (Signal's style: `(db, ...args)`), no policy. Callers run
 * writes inside the unit of work so each change and its audit entry commit together.
 */
export interface UserRow {
  id: string;
  username: string;
  username_key: string;
  display_name: string;
  email: string;
  role: Role;
  status: 'active' | 'disabled';
  person_id: string | null;
  password_hash: string;
  password_changed_at: string;
  must_change_password: 0 | 1;
  temp_password_expires_at: string | null;
  mfa_secret: string | null;
  mfa_enrolled_at: string | null;
  mfa_last_step: number | null;
  failed_attempts: number;
  last_failed_at: string | null;
  locked_at: string | null;
  accepted_notice_version: string | null;
  accepted_notice_at: string | null;
  session_epoch: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

/** A new active account: its identity and credentials; every counter, MFA and consent field starts empty. */
export function newUserRow(
  f: Pick<UserRow, 'id' | 'username' | 'display_name' | 'email' | 'role' | 'person_id' | 'password_hash' | 'must_change_password' | 'temp_password_expires_at'>,
  now: string,
): UserRow {
  return {
    ...f,
    username_key: usernameKey(f.username),
    status: 'active',
    password_changed_at: now,
    mfa_secret: null,
    mfa_enrolled_at: null,
    mfa_last_step: null,
    failed_attempts: 0,
    last_failed_at: null,
    locked_at: null,
    accepted_notice_version: null,
    accepted_notice_at: null,
    session_epoch: 0,
    created_at: now,
    updated_at: now,
    last_login_at: null,
  };
}

export function getUser(db: Database, id: string): UserRow | null {
  return (db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined) ?? null;
}

export function getUserByKey(db: Database, usernameKey: string): UserRow | null {
  return (db.prepare('SELECT * FROM users WHERE username_key = ?').get(usernameKey) as UserRow | undefined) ?? null;
}

export function listUsers(db: Database): UserRow[] {
  return db.prepare('SELECT * FROM users ORDER BY username_key').all() as UserRow[];
}

export function countUsers(db: Database): number {
  return Number(db.prepare('SELECT count(*) FROM users').pluck().get());
}

export function insertUser(db: Database, row: UserRow): void {
  const cols = Object.keys(row);
  db.prepare(`INSERT INTO users (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
}

const UPDATABLE = new Set<keyof UserRow>([
  'username', 'username_key', 'display_name', 'email', 'role', 'status', 'person_id', 'password_hash', 'password_changed_at',
  'must_change_password', 'temp_password_expires_at', 'mfa_secret', 'mfa_enrolled_at', 'mfa_last_step', 'failed_attempts',
  'last_failed_at', 'locked_at', 'accepted_notice_version', 'accepted_notice_at', 'session_epoch', 'updated_at', 'last_login_at',
]);

/** Updates the given columns and returns the row after the change. */
export function updateUser(db: Database, id: string, patch: Partial<UserRow>): UserRow {
  const cols = Object.keys(patch) as Array<keyof UserRow>;
  for (const c of cols) if (!UPDATABLE.has(c)) throw new Error(`users.${String(c)} is not updatable`);
  if (cols.length > 0) {
    db.prepare(`UPDATE users SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({ ...patch, id });
  }
  const row = getUser(db, id);
  if (!row) throw new AppError('NOT_FOUND');
  return row;
}

export function toSummary(row: UserRow): UserSummary {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    status: row.status,
    personId: row.person_id,
    mfaEnrolled: row.mfa_enrolled_at !== null,
    locked: row.locked_at !== null,
    failedAttempts: row.failed_attempts,
    mustChangePassword: row.must_change_password === 1,
    acceptedNoticeVersion: row.accepted_notice_version,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}

/**
 * What an audit entry may record of an account: no hash, no TOTP secret, no email (it is not
 * needed to tell who changed what, and the audit trail is kept for years).
 */
export function auditView(row: UserRow): Record<string, string | number | boolean | null> {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    status: row.status,
    personId: row.person_id,
    mfaEnrolled: row.mfa_enrolled_at !== null,
    locked: row.locked_at !== null,
    mustChangePassword: row.must_change_password === 1,
  };
}

// -- Recovery codes ----------------------------------------------------------------------------

export function replaceRecoveryCodes(db: Database, userId: string, hashes: readonly string[], now: string): void {
  db.prepare('DELETE FROM user_recovery_codes WHERE user_id = ?').run(userId);
  const ins = db.prepare('INSERT INTO user_recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)');
  for (const h of hashes) ins.run(userId, h, now);
}

/** Marks an unused code used; false when there is no such unused code. */
export function consumeRecoveryCode(db: Database, userId: string, hash: string, now: string): boolean {
  return db.prepare('UPDATE user_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL').run(now, userId, hash).changes === 1;
}

export function hasUnusedRecoveryCode(db: Database, userId: string, hash: string): boolean {
  return db.prepare('SELECT 1 FROM user_recovery_codes WHERE user_id = ? AND code_hash = ? AND used_at IS NULL').get(userId, hash) !== undefined;
}

export function remainingRecoveryCodes(db: Database, userId: string): number {
  return Number(db.prepare('SELECT count(*) FROM user_recovery_codes WHERE user_id = ? AND used_at IS NULL').pluck().get(userId));
}

// -- Settings ------------------------------------------------------------------------------------

export function getSetting(db: Database, key: string): string | null {
  return (db.prepare('SELECT value FROM account_settings WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
}

export function setSetting(db: Database, key: string, value: string): void {
  db.prepare('INSERT INTO account_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

export const DEFAULT_POLICIES: AccountPolicies = {
  idleTimeoutMinutes: 15,
  mfaRequiredRoles: [...DEFAULT_MFA_REQUIRED_ROLES],
  breakGlassMinutes: 60,
};

export function getPolicies(db: Database): AccountPolicies {
  const raw = getSetting(db, 'policies');
  if (!raw) return DEFAULT_POLICIES;
  const parsed = JSON.parse(raw) as Partial<AccountPolicies>;
  return {
    idleTimeoutMinutes: parsed.idleTimeoutMinutes ?? DEFAULT_POLICIES.idleTimeoutMinutes,
    mfaRequiredRoles: (parsed.mfaRequiredRoles ?? DEFAULT_POLICIES.mfaRequiredRoles).filter((r) => (ROLES as readonly string[]).includes(r)),
    breakGlassMinutes: parsed.breakGlassMinutes ?? DEFAULT_POLICIES.breakGlassMinutes,
  };
}

export function setPolicies(db: Database, p: AccountPolicies): void {
  setSetting(db, 'policies', JSON.stringify(p));
}
