import type { ErrorCode, WireResult } from '../../../shared/errors';

const SESSION_ENDING_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['UNAUTHENTICATED', 'SESSION_EXPIRED', 'ACCOUNT_DISABLED', 'VAULT_LOCKED', 'VAULT_MISSING']);

/** Whether a refusal means the session is over (signed out, timed out, disabled, vault locked or gone). */
export function endsSession(code: ErrorCode): boolean {
  return SESSION_ENDING_CODES.has(code);
}

/**
 * Whether a session check says the session is over: the core answered that nobody is signed in, or
 * refused for a reason that ends it. A busy or failing core (a rekey swapping its connection, a
 * dropped bridge request) is asked again at the next check instead of signing the person out.
 */
export function sessionEnded(result: WireResult<{ session: unknown }>): boolean {
  if (result.ok) return result.value.session === null;
  return endsSession(result.error.code);
}
