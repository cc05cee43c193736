import type { Role } from '../../shared/rbac';

/** A signed-in user as the core sees them. Lives only in the main process. */
export interface Session {
  id: string;
  userId: string;
  role: Role;
  /** The person record this account belongs to (residents and faculty see their own details). */
  personId: string | null;
  startedAtMs: number;
  lastActivityAtMs: number;
  /** Gates that must be cleared before anything but the listed calls works. */
  pending: ReadonlyArray<'consent' | 'password_change' | 'mfa_enrollment'>;
  /** Break-glass elevation: until when (epoch ms), if active. */
  breakGlassUntilMs: number | null;
}

/** Who is calling, as established by the transport (never by the renderer's own say-so). */
export interface Caller {
  /** Stable per renderer: a webContents id in Electron, a page id over the preview bridge. */
  clientId: string;
  transport: 'electron' | 'preview' | 'in-process';
}

/**
 * Resolves the session bound to a caller. The accounts module implements it (idle and absolute
 * timeouts, role changes taking effect on the next call); the dispatcher only asks.
 */
export interface SessionProvider {
  /** The live session for this caller, or null. Throws AppError('SESSION_EXPIRED') when it just timed out. */
  resolve(caller: Caller): Session | null;
  /** Called after every successful authenticated call (idle timer). */
  touch(session: Session): void;
}

/** Sessions kept in memory; enough for transports and tests until accounts replace it. */
export class MemorySessions implements SessionProvider {
  private byClient = new Map<string, Session>();
  bind(caller: Caller, session: Session): void {
    this.byClient.set(caller.clientId, session);
  }
  end(caller: Caller): void {
    this.byClient.delete(caller.clientId);
  }
  endAll(): void {
    this.byClient.clear();
  }
  resolve(caller: Caller): Session | null {
    return this.byClient.get(caller.clientId) ?? null;
  }
  touch(): void {}
}
