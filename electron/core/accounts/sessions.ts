import { randomUUID } from 'node:crypto';
import type { AccountPolicies } from '../../../shared/contract/users';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../clock';
import type { Caller, Session, SessionProvider } from '../session';
import type { UserRow } from './user-store';

/** HIPAA automatic logoff: the idle limit is a policy (default 15 min); this one is fixed. */
export const ABSOLUTE_SESSION_MS = 12 * 60 * 60 * 1000;
const MFA_ENROLLMENT_WINDOW_MS = 10 * 60 * 1000;

export type EndReason = 'logout' | 'idle' | 'absolute' | 'disabled' | 'credentials_changed' | 'temporary_password_expired' | 'replaced' | 'lock' | 'vault_closed';
type Gate = Session['pending'][number];

/** What the main process keeps per signed-in renderer. Never sent anywhere as is. */
export interface LiveSession {
  id: string;
  userId: string;
  clientId: string;
  /** The account's session_epoch at sign-in: a reset or disable bumps it and ends this session. */
  epoch: number;
  startedAtMs: number;
  lastActivityAtMs: number;
  breakGlassUntilMs: number | null;
  /** A TOTP secret offered for enrollment, not yet confirmed. */
  mfaPending: { secret: string; expiresAtMs: number } | null;
}

export interface SessionDeps {
  clock: Clock;
  /** The account as it stands now, or null when the vault is locked or the row is gone. */
  loadUser(userId: string): UserRow | null;
  policies(): AccountPolicies;
  noticeVersion: string;
  /** A session ended other than by the user's own request; the accounts module audits and may lock. */
  onEnded(live: LiveSession, reason: EndReason): void;
  onBreakGlassExpired(live: LiveSession): void;
}

export function gatesFor(user: UserRow, noticeVersion: string, policies: AccountPolicies): Gate[] {
  const gates: Gate[] = [];
  if (user.accepted_notice_version !== noticeVersion) gates.push('consent');
  if (user.must_change_password === 1) gates.push('password_change');
  if (user.mfa_enrolled_at === null && policies.mfaRequiredRoles.includes(user.role)) gates.push('mfa_enrollment');
  return gates;
}

/**
 * The session provider the dispatcher asks on every call. It re-reads the account each time (one
 * primary-key SELECT), so disabling an account or changing its role takes effect on its next call,
 * and it enforces the idle and absolute timeouts and the break-glass time limit.
 */
export class SessionManager implements SessionProvider {
  private byClient = new Map<string, LiveSession>();

  constructor(private readonly deps: SessionDeps) {}

  get count(): number {
    return this.byClient.size;
  }

  all(): LiveSession[] {
    return [...this.byClient.values()];
  }

  live(caller: Caller): LiveSession | null {
    return this.byClient.get(caller.clientId) ?? null;
  }

  idleMs(): number {
    return this.deps.policies().idleTimeoutMinutes * 60_000;
  }

  start(caller: Caller, user: UserRow): LiveSession {
    const previous = this.byClient.get(caller.clientId);
    if (previous) this.end(previous, 'replaced');
    const now = this.deps.clock.nowMs();
    const live: LiveSession = {
      id: randomUUID(),
      userId: user.id,
      clientId: caller.clientId,
      epoch: user.session_epoch,
      startedAtMs: now,
      lastActivityAtMs: now,
      breakGlassUntilMs: null,
      mfaPending: null,
    };
    this.byClient.set(caller.clientId, live);
    return live;
  }

  /** Ends one session; the hook decides about auditing and locking. */
  end(live: LiveSession, reason: EndReason): void {
    if (this.byClient.get(live.clientId) !== live) return;
    this.byClient.delete(live.clientId);
    live.mfaPending = null;
    this.deps.onEnded(live, reason);
  }

  /** Drops every session without per-session hooks (the vault is being locked as a whole). */
  clear(): LiveSession[] {
    const all = this.all();
    for (const live of all) live.mfaPending = null;
    this.byClient.clear();
    return all;
  }

  endForUser(userId: string, reason: EndReason): void {
    for (const live of this.all()) if (live.userId === userId) this.end(live, reason);
  }

  private timedOut(live: LiveSession, now: number): EndReason | null {
    if (now - live.lastActivityAtMs >= this.idleMs()) return 'idle';
    if (now - live.startedAtMs >= ABSOLUTE_SESSION_MS) return 'absolute';
    return null;
  }

  /** Ends sessions past their timeouts; the core's timer calls it so keys do not wait for a call. */
  sweep(): void {
    const now = this.deps.clock.nowMs();
    for (const live of this.all()) {
      const why = this.timedOut(live, now);
      if (why) this.end(live, why);
      else if (live.breakGlassUntilMs !== null && live.breakGlassUntilMs <= now) {
        live.breakGlassUntilMs = null;
        this.deps.onBreakGlassExpired(live);
      }
    }
  }

  /** The live session and its account, checked as resolve() does; throws the typed refusal. */
  check(caller: Caller): { live: LiveSession; user: UserRow } | null {
    const live = this.byClient.get(caller.clientId);
    if (!live) return null;
    const now = this.deps.clock.nowMs();
    const why = this.timedOut(live, now);
    if (why) {
      this.end(live, why);
      throw new AppError('SESSION_EXPIRED');
    }
    const user = this.deps.loadUser(live.userId);
    if (!user) {
      this.end(live, 'vault_closed');
      throw new AppError('SESSION_EXPIRED');
    }
    if (user.status === 'disabled') {
      this.end(live, 'disabled');
      throw new AppError('ACCOUNT_DISABLED');
    }
    if (user.session_epoch !== live.epoch || user.locked_at !== null) {
      this.end(live, 'credentials_changed');
      throw new AppError('SESSION_EXPIRED');
    }
    if (user.must_change_password === 1 && user.temp_password_expires_at !== null && Date.parse(user.temp_password_expires_at) <= now) {
      this.end(live, 'temporary_password_expired');
      throw new AppError('SESSION_EXPIRED');
    }
    if (live.breakGlassUntilMs !== null && live.breakGlassUntilMs <= now) {
      live.breakGlassUntilMs = null;
      this.deps.onBreakGlassExpired(live);
    }
    if (live.mfaPending && live.mfaPending.expiresAtMs <= now) live.mfaPending = null;
    return { live, user };
  }

  resolve(caller: Caller): Session | null {
    const found = this.check(caller);
    if (!found) return null;
    const { live, user } = found;
    return {
      id: live.id,
      userId: user.id,
      role: user.role,
      personId: user.person_id,
      startedAtMs: live.startedAtMs,
      lastActivityAtMs: live.lastActivityAtMs,
      pending: gatesFor(user, this.deps.noticeVersion, this.deps.policies()),
      breakGlassUntilMs: live.breakGlassUntilMs,
    };
  }

  touch(session: Session): void {
    for (const live of this.byClient.values()) {
      if (live.id === session.id) live.lastActivityAtMs = this.deps.clock.nowMs();
    }
  }

  offerMfaSecret(live: LiveSession, secret: string): void {
    live.mfaPending = { secret, expiresAtMs: this.deps.clock.nowMs() + MFA_ENROLLMENT_WINDOW_MS };
  }
}
