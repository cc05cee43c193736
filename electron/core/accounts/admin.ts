import { usernameKey } from '../../../shared/accounts/username';
import type { AccountPolicies, UserSummary } from '../../../shared/contract/users';
import { AppError } from '../../../shared/errors';
import { canManageRole, type Role } from '../../../shared/rbac';
import type { Caller } from '../session';
import type { AccountsContext } from './context';
import { setSlotPassword } from './login';
import { generateTemporaryPassword, hashPassword, TEMPORARY_PASSWORD_LIFETIME_MS } from './passwords';
import { current } from './self-service';
import { refreshCheckpoint } from './signin-sync';
import {
  auditView,
  getPolicies,
  getUser,
  getUserByKey,
  insertUser,
  listUsers,
  newUserRow,
  replaceRecoveryCodes,
  setPolicies,
  toSummary,
  updateUser,
  type UserRow,
} from './user-store';
import { userSlotId } from './vault-port';

/**
 * Account administration. The dispatcher has already checked 'users.manage'; here the per-record
 * rule: who may manage an account depends on its role (and on the role it would get), so a
 * coordinator can neither touch an admin or coordinator account nor create one.
 */
function actor(ctx: AccountsContext, caller: Caller): UserRow {
  return current(ctx, caller).user;
}

function target(ctx: AccountsContext, userId: string): UserRow {
  const row = getUser(ctx.state.db, userId);
  if (!row) throw new AppError('NOT_FOUND');
  return row;
}

function assertMayManage(ctx: AccountsContext, who: UserRow, roles: readonly Role[], correlationId: string, subjectUserId: string | null): void {
  if (roles.every((r) => canManageRole(who.role, r))) return;
  ctx.audit.recordOutcome(ctx.state.db, {
    action: 'auth.access_denied',
    actorUserId: who.id,
    subjectUserId,
    outcome: 'denied',
    severity: 'warning',
    details: { rule: 'account_role', roles: roles.join(',') },
    correlationId,
  });
  throw new AppError('FORBIDDEN', 'Your role cannot manage accounts with that role.');
}

function temporaryExpiry(ctx: AccountsContext): string {
  return new Date(ctx.clock.nowMs() + TEMPORARY_PASSWORD_LIFETIME_MS).toISOString();
}

export function list(ctx: AccountsContext): { users: UserSummary[] } {
  return { users: listUsers(ctx.state.db).map(toSummary) };
}

export async function create(
  ctx: AccountsContext,
  caller: Caller,
  input: { username: string; displayName: string; email: string; role: Role; personId?: string | undefined },
  correlationId: string,
): Promise<{ user: UserSummary; temporaryPassword: string; expiresAt: string }> {
  const who = actor(ctx, caller);
  assertMayManage(ctx, who, [input.role], correlationId, null);
  const db = ctx.state.db;
  const key = usernameKey(input.username);
  if (getUserByKey(db, key)) throw new AppError('CONFLICT', 'That user name is taken.', { issues: [{ path: 'username', message: 'taken' }] });
  const id = ctx.ids.id();
  const temporaryPassword = generateTemporaryPassword();
  const expiresAt = temporaryExpiry(ctx);
  const hash = await hashPassword(temporaryPassword);
  await ctx.state.vault.addPasswordSlot(userSlotId(id), temporaryPassword);
  const now = ctx.nowIso();
  const row = newUserRow(
    {
      id,
      username: input.username,
      display_name: input.displayName,
      email: input.email,
      role: input.role,
      person_id: input.personId ?? null,
      password_hash: hash,
      must_change_password: 1,
      temp_password_expires_at: expiresAt,
    },
    now,
  );

  try {
    ctx.audit.unitOfWork(db, (record) => {
      insertUser(db, row);
      record({ action: 'users.created', actorUserId: who.id, subjectUserId: id, outcome: 'success', severity: 'warning', after: auditView(row), correlationId });
    });
  } catch (err) {
    // The slot would open the vault for an account that does not exist: take it back.
    await ctx.state.vault.removeSlot(userSlotId(id)).catch(() => undefined);
    throw err;
  }
  refreshCheckpoint(ctx);
  return { user: toSummary(row), temporaryPassword, expiresAt };
}

export function update(
  ctx: AccountsContext,
  caller: Caller,
  input: { userId: string; displayName?: string | undefined; email?: string | undefined; role?: Role | undefined; personId?: string | null | undefined },
  correlationId: string,
): { user: UserSummary } {
  const who = actor(ctx, caller);
  const before = target(ctx, input.userId);
  assertMayManage(ctx, who, input.role ? [before.role, input.role] : [before.role], correlationId, before.id);
  if (input.role && input.role !== before.role && before.id === who.id) {
    throw new AppError('FORBIDDEN', 'You cannot change your own role.');
  }
  if (before.role === 'admin' && input.role && input.role !== 'admin') assertNotLastAdmin(ctx, before.id);
  const db = ctx.state.db;
  const after = ctx.audit.unitOfWork(db, (record) => {
    const row = updateUser(db, before.id, {
      ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.personId !== undefined ? { person_id: input.personId } : {}),
      updated_at: ctx.nowIso(),
    });
    const roleChanged = input.role !== undefined && input.role !== before.role;
    record({
      action: roleChanged ? 'users.role_changed' : 'users.updated',
      actorUserId: who.id,
      subjectUserId: before.id,
      outcome: 'success',
      severity: roleChanged ? 'high' : 'info',
      before: auditView(before),
      after: auditView(row),
      correlationId,
    });
    return row;
  });
  return { user: toSummary(after) };
}

function assertNotLastAdmin(ctx: AccountsContext, userId: string): void {
  const others = listUsers(ctx.state.db).filter((u) => u.role === 'admin' && u.status === 'active' && u.id !== userId);
  if (others.length === 0) throw new AppError('CONFLICT', 'The last active administrator cannot be removed.');
}

export function setStatus(ctx: AccountsContext, caller: Caller, input: { userId: string; status: 'active' | 'disabled' }, correlationId: string): { user: UserSummary } {
  const who = actor(ctx, caller);
  const before = target(ctx, input.userId);
  assertMayManage(ctx, who, [before.role], correlationId, before.id);
  if (input.status === 'disabled' && before.id === who.id) throw new AppError('FORBIDDEN', 'You cannot disable your own account.');
  if (input.status === 'disabled' && before.role === 'admin') assertNotLastAdmin(ctx, before.id);
  const db = ctx.state.db;
  const after = ctx.audit.unitOfWork(db, (record) => {
    const row = updateUser(db, before.id, {
      status: input.status,
      // Disabling ends live sessions on their next call (the session's epoch no longer matches).
      session_epoch: input.status === 'disabled' ? before.session_epoch + 1 : before.session_epoch,
      updated_at: ctx.nowIso(),
    });
    record({ action: 'users.status_changed', actorUserId: who.id, subjectUserId: before.id, outcome: 'success', severity: 'high', before: auditView(before), after: auditView(row), correlationId });
    return row;
  });
  return { user: toSummary(after) };
}

/**
 * Admin reset: a one-time temporary password, valid 24 hours, that must be changed at sign-in. The
 * admin hands it over and never learns the password the person then chooses.
 */
export async function resetPassword(ctx: AccountsContext, caller: Caller, userId: string, correlationId: string): Promise<{ user: UserSummary; temporaryPassword: string; expiresAt: string }> {
  const who = actor(ctx, caller);
  const before = target(ctx, userId);
  assertMayManage(ctx, who, [before.role], correlationId, before.id);
  if (before.id === who.id) throw new AppError('FORBIDDEN', 'Use "change password" for your own account.');
  const temporaryPassword = generateTemporaryPassword();
  const expiresAt = temporaryExpiry(ctx);
  const hash = await hashPassword(temporaryPassword);
  await setSlotPassword(ctx, before.id, temporaryPassword);
  const db = ctx.state.db;
  const after = ctx.audit.unitOfWork(db, (record) => {
    const row = updateUser(db, before.id, {
      password_hash: hash,
      password_changed_at: ctx.nowIso(),
      must_change_password: 1,
      temp_password_expires_at: expiresAt,
      failed_attempts: 0,
      last_failed_at: null,
      locked_at: null,
      session_epoch: before.session_epoch + 1,
      updated_at: ctx.nowIso(),
    });
    record({ action: 'users.password_reset', actorUserId: who.id, subjectUserId: before.id, outcome: 'success', severity: 'high', before: auditView(before), after: auditView(row), details: { expiresAt }, correlationId });
    return row;
  });
  refreshCheckpoint(ctx);
  return { user: toSummary(after), temporaryPassword, expiresAt };
}

export function unlock(ctx: AccountsContext, caller: Caller, userId: string, correlationId: string): { user: UserSummary } {
  const who = actor(ctx, caller);
  const before = target(ctx, userId);
  assertMayManage(ctx, who, [before.role], correlationId, before.id);
  const db = ctx.state.db;
  const after = ctx.audit.unitOfWork(db, (record) => {
    const row = updateUser(db, before.id, { failed_attempts: 0, last_failed_at: null, locked_at: null, updated_at: ctx.nowIso() });
    record({ action: 'users.unlocked', actorUserId: who.id, subjectUserId: before.id, outcome: 'success', severity: 'warning', before: auditView(before), after: auditView(row), correlationId });
    return row;
  });
  refreshCheckpoint(ctx);
  return { user: toSummary(after) };
}

export function resetMfa(ctx: AccountsContext, caller: Caller, userId: string, correlationId: string): { user: UserSummary } {
  const who = actor(ctx, caller);
  const before = target(ctx, userId);
  assertMayManage(ctx, who, [before.role], correlationId, before.id);
  const db = ctx.state.db;
  const after = ctx.audit.unitOfWork(db, (record) => {
    const row = updateUser(db, before.id, { mfa_secret: null, mfa_enrolled_at: null, mfa_last_step: null, session_epoch: before.session_epoch + 1, updated_at: ctx.nowIso() });
    replaceRecoveryCodes(db, before.id, [], ctx.nowIso());
    record({ action: 'users.mfa_reset', actorUserId: who.id, subjectUserId: before.id, outcome: 'success', severity: 'high', before: auditView(before), after: auditView(row), correlationId });
    return row;
  });
  return { user: toSummary(after) };
}

export function readPolicies(ctx: AccountsContext): AccountPolicies {
  return getPolicies(ctx.state.db);
}

export function writePolicies(ctx: AccountsContext, caller: Caller, next: AccountPolicies, correlationId: string): AccountPolicies {
  const who = actor(ctx, caller);
  const db = ctx.state.db;
  const before = getPolicies(db);
  const normalized: AccountPolicies = { ...next, mfaRequiredRoles: [...new Set(next.mfaRequiredRoles)].sort() };
  ctx.audit.unitOfWork(db, (record) => {
    setPolicies(db, normalized);
    record({
      action: 'users.policies_changed',
      actorUserId: who.id,
      outcome: 'success',
      severity: 'high',
      before: { idleTimeoutMinutes: before.idleTimeoutMinutes, breakGlassMinutes: before.breakGlassMinutes, mfaRequiredRoles: before.mfaRequiredRoles.join(',') },
      after: { idleTimeoutMinutes: normalized.idleTimeoutMinutes, breakGlassMinutes: normalized.breakGlassMinutes, mfaRequiredRoles: normalized.mfaRequiredRoles.join(',') },
      correlationId,
    });
  });
  ctx.state.invalidatePolicies();
  return normalized;
}
