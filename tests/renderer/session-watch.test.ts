import { describe, expect, it } from 'vitest';
import { AppError, type WireResult } from '../../shared/errors';
import { endsSession, sessionEnded } from '../../renderer/src/state/session-watch';

const refused = (code: AppError['code']): WireResult<{ session: unknown }> => ({
  ok: false,
  error: { code, message: new AppError(code).message, correlationId: 'c1' },
});

describe("the workspace's session watch", () => {
  it('signs out when nobody is signed in, on a refusal that ends the session, and on any failure it cannot read as transient', () => {
    expect(sessionEnded({ ok: true, value: { session: null } })).toBe(true);
    for (const code of ['UNAUTHENTICATED', 'SESSION_EXPIRED', 'ACCOUNT_DISABLED', 'VAULT_LOCKED', 'VAULT_MISSING', 'INTERNAL'] as const) {
      expect(sessionEnded(refused(code))).toBe(true);
    }
  });

  it('keeps a live session, and keeps the workspace through a vault busy with a rekey (asked again at the next check)', () => {
    expect(sessionEnded({ ok: true, value: { session: { userId: 'u1' } } })).toBe(false);
    expect(sessionEnded(refused('CONFLICT'))).toBe(false);
  });
});

describe('refusals that end a session for any call', () => {
  it('are the signed-out, expired, disabled, locked and missing-vault answers, not a busy vault or a fault', () => {
    for (const code of ['UNAUTHENTICATED', 'SESSION_EXPIRED', 'ACCOUNT_DISABLED', 'VAULT_LOCKED', 'VAULT_MISSING'] as const) expect(endsSession(code)).toBe(true);
    for (const code of ['CONFLICT', 'INTERNAL', 'FORBIDDEN', 'BAD_INPUT'] as const) expect(endsSession(code)).toBe(false);
  });
});
