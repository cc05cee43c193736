import type { Database } from 'better-sqlite3-multiple-ciphers';

/**
 * The accounts module's only contact with the audit trail. Every authentication event and every
 * account change is recorded through this port (HIPAA 164.312(b); issue 5 item 10), so when the
 * audit module's API settles, a rename is a change here and nowhere else.
 */
export const ACCOUNTS_AUDIT_ACTIONS = [
  'auth.vault_created',
  'auth.vault_restored',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.lock',
  'auth.session_expired',
  'auth.password_changed',
  'auth.recovered',
  'auth.mfa_enrolled',
  'auth.mfa_disabled',
  'auth.breakglass_started',
  'auth.breakglass_ended',
  'auth.breakglass_action',
  'auth.consent_accepted',
  'auth.signin_file_tampered',
  'auth.access_denied',
  'users.created',
  'users.updated',
  'users.role_changed',
  'users.status_changed',
  'users.password_reset',
  'users.unlocked',
  'users.locked_out',
  'users.mfa_reset',
  'users.policies_changed',
] as const;
export type AccountsAuditAction = (typeof ACCOUNTS_AUDIT_ACTIONS)[number];

export type AuditValue = string | number | boolean | null;
export type AuditRecord = Record<string, AuditValue>;

export interface AccountsAuditEntry {
  action: AccountsAuditAction;
  /** Who acted; null before anyone is signed in (a failed sign-in, setup). */
  actorUserId: string | null;
  /** The account acted upon, when not the actor. */
  subjectUserId?: string | null;
  outcome: 'success' | 'failure' | 'denied';
  severity: 'info' | 'warning' | 'high';
  /** 'break_glass' marks everything done under emergency access, for review. */
  flags?: readonly string[];
  before?: AuditRecord | null;
  after?: AuditRecord | null;
  /** Safe details: counts, reasons from a fixed list, the call name. Never a password or code. */
  details?: AuditRecord;
  /** When it happened, if earlier than now (failures counted while the vault was locked). */
  occurredAt?: string;
  correlationId?: string;
}

export interface AuditPort {
  /** Runs `fn` in one transaction; entries it records commit with its writes or not at all. */
  unitOfWork<T>(db: Database, fn: (record: (entry: AccountsAuditEntry) => void) => T): T;
  /** Records a refused or failed attempt on its own, outside the transaction that did not happen. */
  recordOutcome(db: Database, entry: AccountsAuditEntry): void;
}
