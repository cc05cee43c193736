import type { ErrorCode, WireResult } from '../../../shared/errors';

const SESSION_ENDING_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['UNAUTHENTICATED', 'SESSION_EXPIRED', 'ACCOUNT_DISABLED', 'VAULT_LOCKED', 'VAULT_MISSING']);

/** Whether a refusal means the session is over (signed out, timed out, disabled, vault locked or gone). */
export function endsSession(code: ErrorCode): boolean {
  return SESSION_ENDING_CODES.has(code);
}

/**
 * Whether a periodic session check ends the workspace. It fails closed: anything but a live session
 * signs out (a core that cannot be reached cannot enforce its idle timeout either), except CONFLICT,
 * the vault being busy for a moment (a rekey swapping its connection), which is asked again at the
 * next check.
 */
export function sessionEnded(result: WireResult<{ session: unknown }>): boolean {
  if (result.ok) return result.value.session === null;
  return result.error.code !== 'CONFLICT';
}
