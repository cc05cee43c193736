import type { SessionInfo } from '../../../shared/contract/auth';
import { PERMISSIONS, sessionHas, type Permission } from '../../../shared/rbac';
import type { AccountsContext } from './context';
import { ABSOLUTE_SESSION_MS, gatesFor, type LiveSession } from './sessions';
import type { UserRow } from './user-store';

export function sessionInfo(ctx: AccountsContext, live: LiveSession, user: UserRow): SessionInfo {
  const now = ctx.clock.nowMs();
  const policies = ctx.state.policies();
  const breakGlass = live.breakGlassUntilMs !== null && live.breakGlassUntilMs > now;
  const idleMs = policies.idleTimeoutMinutes * 60_000;
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    personId: user.person_id,
    permissions: (Object.keys(PERMISSIONS) as Permission[]).filter((p) => sessionHas(user.role, p, breakGlass)),
    pending: gatesFor(user, ctx.notice.version, policies),
    mfaEnrolled: user.mfa_enrolled_at !== null,
    mfaRequired: policies.mfaRequiredRoles.includes(user.role),
    idleTimeoutMs: idleMs,
    idleExpiresAt: new Date(live.lastActivityAtMs + idleMs).toISOString(),
    absoluteExpiresAt: new Date(live.startedAtMs + ABSOLUTE_SESSION_MS).toISOString(),
    temporaryPasswordExpiresAt: user.must_change_password === 1 ? user.temp_password_expires_at : null,
    breakGlass: breakGlass && live.breakGlassUntilMs !== null ? { until: new Date(live.breakGlassUntilMs).toISOString() } : null,
  };
}
