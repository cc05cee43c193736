import type { authCalls } from '../../../shared/contract/auth';
import type { usersCalls } from '../../../shared/contract/users';
import { PASSWORD_POLICY, contextWords } from '../../../shared/accounts/password-policy';
import { AppError } from '../../../shared/errors';
import type { Handlers } from '../dispatcher';
import * as admin from './admin';
import { endBreakGlass, startBreakGlass } from './break-glass';
import type { AccountsContext } from './context';
import { contextFor, login, recover, setup } from './login';
import { acceptNotice, changePassword, current, mfaBegin, mfaConfirm, mfaDisable } from './self-service';
import { sessionInfo } from './session-info';

export type AccountCalls = typeof authCalls & typeof usersCalls;

/** Thin: each call to the function that does the work, with the caller and correlation id. */
export function accountHandlers(ctx: AccountsContext): Handlers<AccountCalls> {
  return {
    'auth.setup': (input, c) => setup(ctx, input, c.correlationId),
    'auth.passwordPolicy': (_input, c) => {
      let words: string[] = [];
      try {
        const found = ctx.state.isOpen ? ctx.sessions.check(c.caller) : null;
        if (found) words = contextWords(contextFor(ctx, found.user));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
      }
      return {
        minLength: PASSWORD_POLICY.minLength,
        minLengthWithMfa: PASSWORD_POLICY.minLengthWithMfa,
        maxLength: PASSWORD_POLICY.maxLength,
        maxBytes: PASSWORD_POLICY.maxBytes,
        contextWords: words,
      };
    },
    'auth.login': (input, c) => login(ctx, input, c.caller, c.correlationId),
    'auth.session': (_input, c) => {
      // The dispatcher resolved the session (timeouts applied) before this ran.
      if (!c.session) return { session: null };
      const { live, user } = current(ctx, c.caller);
      return { session: sessionInfo(ctx, live, user) };
    },
    'auth.activity': (_input, c) => {
      const { live } = current(ctx, c.caller);
      live.lastActivityAtMs = ctx.clock.nowMs();
      return { idleExpiresAt: new Date(live.lastActivityAtMs + ctx.sessions.idleMs()).toISOString() };
    },
    'auth.logout': (_input, c) => {
      const { live, user } = current(ctx, c.caller);
      ctx.audit.unitOfWork(ctx.state.db, (record) =>
        record({ action: 'auth.logout', actorUserId: user.id, outcome: 'success', severity: 'info', correlationId: c.correlationId }),
      );
      ctx.sessions.end(live, 'logout');
      const last = ctx.sessions.count === 0;
      if (last) ctx.lock('logout');
      return { vaultLocked: last };
    },
    'auth.lock': () => {
      ctx.lock('user');
      return { vaultLocked: true as const };
    },
    'auth.notice': (_input, c) => {
      const { user } = current(ctx, c.caller);
      return { version: ctx.notice.version, text: ctx.notice.text, acceptedVersion: user.accepted_notice_version };
    },
    'auth.acceptNotice': (input, c) => acceptNotice(ctx, c.caller, input.version, c.correlationId),
    'auth.changePassword': (input, c) => changePassword(ctx, c.caller, input, c.correlationId),
    'auth.mfaBegin': (_input, c) => mfaBegin(ctx, c.caller),
    'auth.mfaConfirm': (input, c) => mfaConfirm(ctx, c.caller, input, c.correlationId),
    'auth.mfaDisable': (input, c) => mfaDisable(ctx, c.caller, input.currentPassword, c.correlationId),
    'auth.breakGlass': (input, c) => startBreakGlass(ctx, c.caller, input, c.correlationId),
    'auth.endBreakGlass': (_input, c) => endBreakGlass(ctx, c.caller, c.correlationId),
    'auth.recover': (input, c) => recover(ctx, input, c.correlationId),

    'users.list': () => admin.list(ctx),
    'users.create': (input, c) => admin.create(ctx, c.caller, input, c.correlationId),
    'users.update': (input, c) => admin.update(ctx, c.caller, input, c.correlationId),
    'users.setStatus': (input, c) => admin.setStatus(ctx, c.caller, input, c.correlationId),
    'users.resetPassword': (input, c) => admin.resetPassword(ctx, c.caller, input.userId, c.correlationId),
    'users.unlock': (input, c) => admin.unlock(ctx, c.caller, input.userId, c.correlationId),
    'users.resetMfa': (input, c) => admin.resetMfa(ctx, c.caller, input.userId, c.correlationId),
    'users.getPolicies': () => admin.readPolicies(ctx),
    'users.setPolicies': (input, c) => admin.writePolicies(ctx, c.caller, input, c.correlationId),
  };
}
