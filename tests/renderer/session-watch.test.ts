import { describe, expect, it } from 'vitest';
import { AppError, type WireResult } from '../../shared/errors';
import { sessionEnded } from '../../renderer/src/state/session-watch';

const refused = (code: AppError['code']): WireResult<{ session: unknown }> => ({
  ok: false,
  error: { code, message: new AppError(code).message, correlationId: 'c1' },
});

describe("the workspace's session watch", () => {
  it('signs out when the core says nobody is signed in, or refuses for a reason that ends the session', () => {
    expect(sessionEnded({ ok: true, value: { session: null } })).toBe(true);
    for (const code of ['UNAUTHENTICATED', 'SESSION_EXPIRED', 'ACCOUNT_DISABLED', 'VAULT_LOCKED', 'VAULT_MISSING'] as const) {
      expect(sessionEnded(refused(code))).toBe(true);
    }
  });

  it('keeps the session through a busy or failing core (a rekey swapping its connection) and asks again later', () => {
    expect(sessionEnded({ ok: true, value: { session: { userId: 'u1' } } })).toBe(false);
    for (const code of ['CONFLICT', 'INTERNAL', 'THROTTLED'] as const) expect(sessionEnded(refused(code))).toBe(false);
  });
});
