/**
 * Sign-in throttling (NIST 800-63B 5.2.2, ASVS V6.3): no delay for the first four consecutive
 * failures (typos), then an exponential delay from the fifth, and a lock at the twentieth that only
 * an administrator or the recovery key lifts. Counting is per account; the scrypt cost of every
 * attempt on a locked vault bounds guessing across accounts too.
 */
export const THROTTLE = {
  delayFromFailure: 5,
  lockAtFailure: 20,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
} as const;

export interface AttemptState {
  failures: number;
  lastFailureAtMs: number | null;
  locked: boolean;
}

export const NO_ATTEMPTS: AttemptState = { failures: 0, lastFailureAtMs: null, locked: false };

/** How long after the last failure the next attempt must wait (0 = no wait). */
export function delayAfter(failures: number): number {
  if (failures < THROTTLE.delayFromFailure) return 0;
  const exp = failures - THROTTLE.delayFromFailure;
  return Math.min(THROTTLE.maxDelayMs, THROTTLE.baseDelayMs * 2 ** Math.min(exp, 30));
}

export type AttemptVerdict = { kind: 'allowed' } | { kind: 'locked' } | { kind: 'throttled'; retryAfterMs: number };

export function judgeAttempt(state: AttemptState, nowMs: number): AttemptVerdict {
  if (state.locked || state.failures >= THROTTLE.lockAtFailure) return { kind: 'locked' };
  const wait = delayAfter(state.failures);
  if (wait > 0 && state.lastFailureAtMs !== null) {
    const retryAfterMs = state.lastFailureAtMs + wait - nowMs;
    if (retryAfterMs > 0) return { kind: 'throttled', retryAfterMs };
  }
  return { kind: 'allowed' };
}

export function afterFailure(state: AttemptState, nowMs: number): AttemptState {
  const failures = state.failures + 1;
  return { failures, lastFailureAtMs: nowMs, locked: state.locked || failures >= THROTTLE.lockAtFailure };
}
