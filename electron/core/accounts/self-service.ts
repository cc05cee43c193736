import type { SessionInfo } from '../../../shared/contract/auth';
import { AppError } from '../../../shared/errors';
import type { Caller } from '../session';
import type { AccountsContext } from './context';
import { contextFor, setSlotPassword } from './login';
import { checkTotp, enrollmentMaterial, hashRecoveryCode, newRecoveryCodes, newTotpSecret } from './mfa';
import { enforcePolicy, hashPassword, verifyPassword } from './passwords';
import { sessionInfo } from './session-info';
import { checkAttempt, enforceVerdict, recordFailure } from './signin-sync';
import type { LiveSession } from './sessions';
import { auditView, replaceRecoveryCodes, updateUser, type UserRow } from './user-store';

/** The caller's live session and account; the dispatcher already refused callers without one. */
export function current(ctx: AccountsContext, caller: Caller): { live: LiveSession; user: UserRow } {
  const found = ctx.sessions.check(caller);
  if (!found) throw new AppError('UNAUTHENTICATED');
  return found;
}

/**
 * Re-authentication before a sensitive change (ASVS V6.2.3): the current password, under the same
 * throttle as sign-in, a wrong one counted as a failure.
 */
export async function reauthenticate(ctx: AccountsContext, user: UserRow, password: string, correlationId: string): Promise<void> {
  const check = checkAttempt(ctx, user.username);
  enforceVerdict(ctx, check);
  if (!(await verifyPassword(password, user.password_hash))) {
    recordFailure(ctx, check.key, user.id, { correlationId, reason: 'reauthentication' });
    throw new AppError('WRONG_CREDENTIALS', 'The current password is not correct.', { issues: [{ path: 'currentPassword', message: 'incorrect' }] });
  }
}

export function acceptNotice(ctx: AccountsContext, caller: Caller, version: string, correlationId: string): SessionInfo {
  const { live, user } = current(ctx, caller);
  if (version !== ctx.notice.version) throw new AppError('CONFLICT', 'The notice has changed. Please read the current version.');
  const db = ctx.state.db;
  const after = ctx.audit.unitOfWork(db, (record) => {
    const row = updateUser(db, user.id, { accepted_notice_version: version, accepted_notice_at: ctx.nowIso() });
    record({ action: 'auth.consent_accepted', actorUserId: user.id, outcome: 'success', severity: 'info', before: { noticeVersion: user.accepted_notice_version }, after: { noticeVersion: version }, correlationId });
    return row;
  });
  return sessionInfo(ctx, live, after);
}

export async function changePassword(ctx: AccountsContext, caller: Caller, input: { currentPassword: string; newPassword: string }, correlationId: string): Promise<SessionInfo> {
  const { live, user } = current(ctx, caller);
  await reauthenticate(ctx, user, input.currentPassword, correlationId);
  const password = await enforcePolicy(input.newPassword, { mfa: user.mfa_enrolled_at !== null, context: contextFor(ctx, user) });
  if (await verifyPassword(password, user.password_hash)) {
    throw new AppError('WEAK_PASSWORD', 'Choose a password different from the current one.', { issues: [{ path: 'newPassword', message: 'same as current' }] });
  }
  const hash = await hashPassword(password);
  // Slot first: if the database write then failed, the recovery key repairs the account; the
  // reverse order could leave a database that believes in a password the keystore never saw.
  await setSlotPassword(ctx, user.id, password);
  const db = ctx.state.db;
  const after = ctx.audit.unitOfWork(db, (record) => {
    const row = updateUser(db, user.id, {
      password_hash: hash,
      password_changed_at: ctx.nowIso(),
      must_change_password: 0,
      temp_password_expires_at: null,
      updated_at: ctx.nowIso(),
    });
    record({ action: 'auth.password_changed', actorUserId: user.id, outcome: 'success', severity: 'info', before: auditView(user), after: auditView(row), details: { wasTemporary: user.must_change_password === 1 }, correlationId });
    return row;
  });
  return sessionInfo(ctx, live, after);
}

export async function mfaBegin(ctx: AccountsContext, caller: Caller): Promise<{ secret: string; otpauthUri: string; qrDataUrl: string }> {
  const { live, user } = current(ctx, caller);
  if (user.mfa_enrolled_at !== null) throw new AppError('CONFLICT', 'An authenticator is already enrolled. Remove it first.');
  const secret = newTotpSecret();
  ctx.sessions.offerMfaSecret(live, secret);
  const label = `${ctx.state.vault.info().programName}:${user.username}`.replace(/:/g, ' ').slice(0, 100);
  return { secret, ...(await enrollmentMaterial(secret, label)) };
}

export async function mfaConfirm(ctx: AccountsContext, caller: Caller, input: { otp: string; currentPassword: string }, correlationId: string): Promise<{ recoveryCodes: string[]; session: SessionInfo }> {
  const { live, user } = current(ctx, caller);
  const pending = live.mfaPending;
  if (!pending) throw new AppError('CONFLICT', 'Start enrollment again: the offered secret expired.');
  await reauthenticate(ctx, user, input.currentPassword, correlationId);
  const step = await checkTotp(pending.secret, input.otp, ctx.clock.nowMs(), null);
  if (step === null) throw new AppError('WRONG_CREDENTIALS', 'That code was not accepted. Check the time on your device.', { issues: [{ path: 'otp', message: 'incorrect' }] });
  const codes = newRecoveryCodes();
  const db = ctx.state.db;
  const after = ctx.audit.unitOfWork(db, (record) => {
    const row = updateUser(db, user.id, { mfa_secret: pending.secret, mfa_enrolled_at: ctx.nowIso(), mfa_last_step: step, updated_at: ctx.nowIso() });
    replaceRecoveryCodes(db, user.id, codes.map(hashRecoveryCode), ctx.nowIso());
    record({ action: 'auth.mfa_enrolled', actorUserId: user.id, outcome: 'success', severity: 'info', before: auditView(user), after: auditView(row), details: { recoveryCodes: codes.length }, correlationId });
    return row;
  });
  live.mfaPending = null;
  return { recoveryCodes: codes, session: sessionInfo(ctx, live, after) };
}

export async function mfaDisable(ctx: AccountsContext, caller: Caller, currentPassword: string, correlationId: string): Promise<SessionInfo> {
  const { live, user } = current(ctx, caller);
  if (user.mfa_enrolled_at === null) throw new AppError('CONFLICT', 'No authenticator is enrolled.');
  if (ctx.state.policies().mfaRequiredRoles.includes(user.role)) throw new AppError('FORBIDDEN', 'Your role requires an authenticator.');
  await reauthenticate(ctx, user, currentPassword, correlationId);
  const db = ctx.state.db;
  const after = ctx.audit.unitOfWork(db, (record) => {
    const row = updateUser(db, user.id, { mfa_secret: null, mfa_enrolled_at: null, mfa_last_step: null, updated_at: ctx.nowIso() });
    replaceRecoveryCodes(db, user.id, [], ctx.nowIso());
    record({ action: 'auth.mfa_disabled', actorUserId: user.id, outcome: 'success', severity: 'warning', before: auditView(user), after: auditView(row), correlationId });
    return row;
  });
  return sessionInfo(ctx, live, after);
}
