/**
 * Typed errors that may cross the contract. Messages are fixed per code and written for a coordinator:
 * they never carry PHI, SQL or a stack trace. Details are limited to field paths and safe numbers.
 */
export const ERROR_CODES = [
  'BAD_INPUT',
  'UNKNOWN_CALL',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'FOREIGN_ORIGIN',
  'CONSENT_REQUIRED',
  'PASSWORD_CHANGE_REQUIRED',
  'MFA_REQUIRED',
  'SESSION_EXPIRED',
  'WRONG_CREDENTIALS',
  'THROTTLED',
  'ACCOUNT_LOCKED',
  'ACCOUNT_DISABLED',
  'VAULT_LOCKED',
  'VAULT_EXISTS',
  'VAULT_MISSING',
  'VAULT_TOO_NEW',
  'VAULT_IN_USE',
  'KEYSTORE_DAMAGED',
  'DATABASE_DAMAGED',
  'WEAK_PASSWORD',
  'NOT_FOUND',
  'CONFLICT',
  'CONFIRMATION_REQUIRED',
  'AUDIT_TAMPERED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  BAD_INPUT: 'The request was not valid.',
  UNKNOWN_CALL: 'That operation does not exist.',
  UNAUTHENTICATED: 'Please sign in first.',
  FORBIDDEN: 'Your role does not allow this.',
  FOREIGN_ORIGIN: 'Request refused: it did not come from this application.',
  CONSENT_REQUIRED: 'Please read and accept the confidentiality notice first.',
  PASSWORD_CHANGE_REQUIRED: 'You must change your password before continuing.',
  MFA_REQUIRED: 'A one-time code from your authenticator is required.',
  SESSION_EXPIRED: 'Your session has ended. Please sign in again.',
  WRONG_CREDENTIALS: 'User name or password is incorrect.',
  THROTTLED: 'Too many failed attempts. Please wait before trying again.',
  ACCOUNT_LOCKED: 'This account is locked. Ask an administrator to unlock it.',
  ACCOUNT_DISABLED: 'This account is disabled.',
  VAULT_LOCKED: 'The vault is locked.',
  VAULT_EXISTS: 'A vault already exists in that folder.',
  VAULT_MISSING: 'No vault was found in that folder.',
  VAULT_TOO_NEW: 'This vault was written by a newer version of Residency Scheduler. Please upgrade.',
  VAULT_IN_USE: 'The vault is open in another program. Close it there first.',
  KEYSTORE_DAMAGED: 'The keystore is damaged. Restore it from backup or use the recovery key.',
  DATABASE_DAMAGED: 'The database is damaged. Restore it from an encrypted backup.',
  WEAK_PASSWORD: 'That password does not meet the password policy.',
  NOT_FOUND: 'The record was not found.',
  CONFLICT: 'The change conflicts with existing data.',
  CONFIRMATION_REQUIRED: 'This change needs explicit confirmation.',
  AUDIT_TAMPERED: 'The audit trail failed verification.',
  INTERNAL: 'Something went wrong. The error has been logged.',
};

export interface IssueDetail {
  /** Dotted path of the offending field, e.g. "person.email". Never the value. */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: IssueDetail[] | undefined;
  /** Safe, non-PHI numbers a client may show (e.g. retryAfterMs). */
  readonly details: Record<string, number | string | boolean> | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    opts: { issues?: IssueDetail[]; details?: Record<string, number | string | boolean>; cause?: unknown } = {},
  ) {
    super(message ?? DEFAULT_MESSAGES[code], opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.issues = opts.issues;
    this.details = opts.details;
  }
}

export function defaultMessage(code: ErrorCode): string {
  return DEFAULT_MESSAGES[code];
}

/** What a failed call looks like on the wire, whatever the transport. */
export interface WireError {
  code: ErrorCode;
  message: string;
  correlationId: string;
  issues?: IssueDetail[];
  details?: Record<string, number | string | boolean>;
}

export type WireResult<T> = { ok: true; value: T } | { ok: false; error: WireError };
