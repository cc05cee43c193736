import { AppError } from '../../../shared/errors';
import type { CoreServices, DeniedCall } from '../dispatcher';
import type { Caller, Session } from '../session';
import type { AuditPort } from './audit-port';
import { VaultState, type AccountsContext, type LockReason } from './context';
import { accountHandlers } from './handlers';
import { loadNotice, type Notice } from './notice';
import { SessionManager, type EndReason, type LiveSession } from './sessions';
import { contextFor } from './login';
import { current, reauthenticate } from './self-service';
import { getUser, type UserRow } from './user-store';
import { createVaultPort, type VaultPort } from './vault-port';

export { ABSOLUTE_SESSION_MS } from './sessions';
export type { LockReason } from './context';

export interface AccountsOptions {
  dataDir: string;
  services: CoreServices;
  vault?: VaultPort;
  /** Where every authentication event and account change is recorded (required: no silent default). */
  audit: AuditPort;
  notice?: Notice;
  /** The vault was locked: the shell reloads the renderer so no data stays in its memory. */
  onLocked?: (reason: LockReason) => void;
  /** Checks timeouts this often (ms); 0 disables the timer (tests call sweep()). */
  sweepEveryMs?: number;
}

/**
 * Emergency destruction's hold on sign-in. From beginDestruction() until end(), sign-in, recovery,
 * setup and emergency access are refused (VAULT_IN_USE) and a second destruction is refused.
 */
export interface DestructionHold {
  /**
   * Waits for any sign-in under way, locks (every session ends, the vault closes and its keys are
   * zeroed), then runs the destruction's file work, all in the sign-in queue: nothing reopens the
   * vault in between.
   */
  closeThen<T>(work: () => Promise<T>): Promise<T>;
  end(): void;
}

/** Gates, in the order they must be cleared, and what still works while each is open. */
const ALWAYS_WHILE_PENDING = ['auth.session', 'auth.activity', 'auth.notice', 'auth.logout', 'auth.lock', 'auth.passwordPolicy'];
export const ALLOWED_WHILE_PENDING: Record<Session['pending'][number], ReadonlySet<string>> = {
  consent: new Set([...ALWAYS_WHILE_PENDING, 'auth.acceptNotice']),
  password_change: new Set([...ALWAYS_WHILE_PENDING, 'auth.changePassword']),
  mfa_enrollment: new Set([...ALWAYS_WHILE_PENDING, 'auth.changePassword', 'auth.mfaBegin', 'auth.mfaConfirm']),
};

/** Session ends that are audited as expiries (the others are audited by the call that caused them). */
const EXPIRY_REASONS: ReadonlySet<EndReason> = new Set(['idle', 'absolute', 'disabled', 'credentials_changed', 'temporary_password_expired']);

export function createAccounts(opts: AccountsOptions) {
  const { clock, ids, logger } = opts.services;
  const state = new VaultState();
  const audit = opts.audit;
  const notice = opts.notice ?? loadNotice();
  let chain: Promise<unknown> = Promise.resolve();

  const auditSafely = (fn: () => void): void => {
    try {
      if (state.isOpen) fn();
    } catch (err) {
      logger.error('audit write failed', { error: err });
    }
  };

  const lock = (reason: LockReason): void => {
    const wasOpen = state.isOpen;
    const ended = sessions.clear();
    auditSafely(() => {
      const users = ended.length > 0 ? [...new Set(ended.map((s) => s.userId))] : [null];
      audit.unitOfWork(state.db, (record) => {
        for (const u of users) record({ action: 'auth.lock', actorUserId: u, outcome: 'success', severity: 'info', details: { reason } });
      });
    });
    state.close();
    // The logger learned every person name of the open vault (to mask them); forget them with it.
    logger.redactor.clearNames();
    if (wasOpen || ended.length > 0) {
      logger.info('vault locked', { trigger: reason });
      opts.onLocked?.(reason);
    }
  };

  const onEnded = (live: LiveSession, reason: EndReason): void => {
    if (EXPIRY_REASONS.has(reason)) {
      auditSafely(() =>
        audit.recordOutcome(state.db, { action: 'auth.session_expired', actorUserId: live.userId, outcome: 'success', severity: 'info', details: { reason } }),
      );
    }
    if (sessions.count === 0 && reason !== 'replaced' && reason !== 'logout' && reason !== 'lock') {
      lock(reason === 'idle' || reason === 'absolute' ? reason : 'unused');
    }
  };

  const sessions: SessionManager = new SessionManager({
    clock,
    loadUser: (userId) => (state.isOpen ? getUser(state.db, userId) : null),
    policies: () => state.policies(),
    noticeVersion: notice.version,
    onEnded,
    onBreakGlassExpired: (live) =>
      auditSafely(() =>
        audit.recordOutcome(state.db, { action: 'auth.breakglass_ended', actorUserId: live.userId, outcome: 'success', severity: 'high', flags: ['break_glass'], details: { how: 'expired' } }),
      ),
  });

  const ctx: AccountsContext = {
    dataDir: opts.dataDir,
    clock,
    ids,
    logger,
    vault: opts.vault ?? createVaultPort({ clock, logger }),
    audit,
    notice,
    state,
    sessions,
    serial: <T>(fn: () => Promise<T>): Promise<T> => {
      const run = chain.then(fn, fn);
      chain = run.catch(() => undefined);
      return run;
    },
    lock,
    closeIfUnused: () => {
      if (sessions.count === 0 && state.isOpen) state.close();
    },
    nowIso: () => clock.now().toISOString(),
  };

  const sweepEveryMs = opts.sweepEveryMs ?? 15_000;
  const timer = sweepEveryMs > 0 ? setInterval(() => sessions.sweep(), sweepEveryMs) : null;
  timer?.unref();

  return {
    handlers: accountHandlers(ctx),
    sessions,
    audit,
    notice,
    isUnlocked: (): boolean => state.isOpen,
    /** The open vault, for other modules' handlers (throws VAULT_LOCKED when locked). */
    vault: () => state.vault,
    lock,
    /**
     * Re-authentication before a sensitive operation of another module (key operations): the
     * caller's current password, throttled and counted like sign-in. Returns the account.
     */
    reauthenticate: async (caller: Caller, password: string, correlationId: string): Promise<UserRow> => {
      const { user } = current(ctx, caller);
      await reauthenticate(ctx, user, password, correlationId);
      return user;
    },
    /** The words a new secret of this account may not contain (program, institution, own names). */
    secretContext: (caller: Caller): string[] => contextFor(ctx, current(ctx, caller).user),
    /** Starts an emergency destruction; CONFLICT when one is already under way. */
    beginDestruction: (): DestructionHold => {
      if (state.destroying) throw new AppError('CONFLICT', 'An emergency destruction of this vault is already under way.');
      state.destroying = true;
      let ended = false;
      return {
        closeThen: <T>(work: () => Promise<T>): Promise<T> =>
          ctx.serial(async () => {
            lock('destroyed');
            return work();
          }),
        end: () => {
          if (ended) return;
          ended = true;
          state.destroying = false;
        },
      };
    },
    /** Applies idle, absolute and break-glass limits now (the timer does it every 15 s). */
    sweep: (): void => sessions.sweep(),
    allowedWhilePending: ALLOWED_WHILE_PENDING,
    /** Refused calls, recorded in the audit trail when the vault is open. */
    onDenied: (d: DeniedCall): void => {
      auditSafely(() =>
        audit.recordOutcome(state.db, {
          action: 'auth.access_denied',
          actorUserId: d.session?.userId ?? null,
          outcome: 'denied',
          severity: d.session?.breakGlassUntilMs ? 'high' : 'warning',
          details: { call: d.callName, code: d.code },
          correlationId: d.correlationId,
        }),
      );
    },
    /** Every call made under break-glass: high severity, flagged for review. */
    onBreakGlassCall: (info: { callName: string; session: Session; correlationId: string; outcome: string }): void => {
      auditSafely(() =>
        audit.recordOutcome(state.db, {
          action: 'auth.breakglass_action',
          actorUserId: info.session.userId,
          outcome: info.outcome === 'ok' ? 'success' : 'failure',
          severity: 'high',
          flags: ['break_glass'],
          details: { call: info.callName, result: info.outcome },
          correlationId: info.correlationId,
        }),
      );
    },
    dispose: (): void => {
      if (timer) clearInterval(timer);
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
