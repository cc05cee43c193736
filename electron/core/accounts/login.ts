import { usernameKey } from '../../../shared/accounts/username';
import type { SessionInfo } from '../../../shared/contract/auth';
import { AppError } from '../../../shared/errors';
import type { Caller } from '../session';
import { inSigninQueue, type AccountsContext } from './context';
import { checkTotp, hashRecoveryCode } from './mfa';
import { burnVerifyTime, enforcePolicy, hashPassword, verifyPassword } from './passwords';
import { sessionInfo } from './session-info';
import { checkAttempt, enforceVerdict, reconcileAtUnlock, recordFailure, refreshCheckpoint } from './signin-sync';
import { auditView, consumeRecoveryCode, hasUnusedRecoveryCode, getSetting, getUserByKey, insertUser, newUserRow, setSetting, updateUser, type UserRow } from './user-store';
import { userSlotId } from './vault-port';

/** The words a password may not contain: program, institution, the person's own names. */
export function contextFor(ctx: AccountsContext, user: Pick<UserRow, 'username' | 'display_name' | 'email'>): string[] {
  const words = [user.username, user.display_name, user.email.split('@')[0] ?? ''];
  if (ctx.state.isOpen) {
    const info = ctx.state.vault.info();
    words.push(info.programName, getSetting(ctx.state.db, 'institution') ?? '');
  }
  return words.filter((w) => w.length > 0);
}

export interface SetupInput {
  programName: string;
  institution?: string | undefined;
  timeZone: string;
  admin: { username: string; displayName: string; email: string; password: string };
}

/** First run: the vault, its first administrator (no default accounts), and the recovery key. */
export async function setup(ctx: AccountsContext, input: SetupInput, correlationId: string): Promise<{ userId: string; recoveryKey: string }> {
  return inSigninQueue(ctx, async () => {
    if (ctx.vault.exists(ctx.dataDir) || ctx.state.isOpen) throw new AppError('VAULT_EXISTS');
    const a = input.admin;
    const password = await enforcePolicy(a.password, {
      mfa: false,
      context: [input.programName, input.institution ?? '', a.username, a.displayName, a.email.split('@')[0] ?? ''],
    }, 'admin.password');
    const userId = ctx.ids.id();
    const hash = await hashPassword(password);
    const { vault, recoveryKey } = await ctx.vault.create({
      dir: ctx.dataDir,
      programName: input.programName,
      timeZone: input.timeZone,
      slotId: userSlotId(userId),
      password,
    });
    ctx.state.open(vault);
    try {
      const now = ctx.nowIso();
      const row = newUserRow(
        { id: userId, username: a.username, display_name: a.displayName, email: a.email, role: 'admin', person_id: null, password_hash: hash, must_change_password: 0, temp_password_expires_at: null },
        now,
      );

      const db = ctx.state.db;
      ctx.audit.unitOfWork(db, (record) => {
        insertUser(db, row);
        if (input.institution) setSetting(db, 'institution', input.institution);
        record({ action: 'auth.vault_created', actorUserId: userId, outcome: 'success', severity: 'high', details: { timeZone: input.timeZone }, correlationId });
        record({ action: 'users.created', actorUserId: userId, subjectUserId: userId, outcome: 'success', severity: 'high', after: auditView(row), details: { firstAdmin: true }, correlationId });
      });
      await reconcileAtUnlock(ctx);
    } finally {
      // Setup does not sign in: the administrator signs in next, through the normal path.
      ctx.closeIfUnused();
    }
    return { userId, recoveryKey };
  });
}

export interface LoginInput {
  username: string;
  password: string;
  otp?: string | undefined;
  recoveryCode?: string | undefined;
}

/**
 * Sign-in. On a locked vault the password first opens the user's key slot (scrypt), then is checked
 * again against the account's bcrypt hash inside the database; on an open vault only the latter.
 * Throttle and lockout are judged before any password work, from the sign-in file.
 */
export async function login(ctx: AccountsContext, input: LoginInput, caller: Caller, correlationId: string): Promise<SessionInfo> {
  return inSigninQueue(ctx, async () => {
    if (!ctx.vault.exists(ctx.dataDir)) throw new AppError('VAULT_MISSING');
    const check = checkAttempt(ctx, input.username);
    enforceVerdict(ctx, check);

    const openedHere = !ctx.state.isOpen;
    if (openedHere) {
      try {
        // An unknown name still costs one scrypt inside the vault module (no timing oracle).
        const vault = await ctx.vault.unlockWithPassword({ dir: ctx.dataDir, slotId: userSlotId(check.userId ?? 'none'), password: input.password });
        ctx.state.open(vault);
      } catch (err) {
        if (err instanceof AppError && err.code === 'WRONG_CREDENTIALS') {
          recordFailure(ctx, check.key, check.userId, { correlationId });
          throw new AppError('WRONG_CREDENTIALS');
        }
        throw err;
      }
      try {
        await reconcileAtUnlock(ctx);
      } catch (err) {
        ctx.closeIfUnused();
        throw err;
      }
    }
    try {
      return await completeLogin(ctx, input, caller, check.key, openedHere, correlationId);
    } finally {
      ctx.closeIfUnused();
    }
  });
}

async function completeLogin(ctx: AccountsContext, input: LoginInput, caller: Caller, key: string, openedHere: boolean, correlationId: string): Promise<SessionInfo> {
  const db = ctx.state.db;
  const user = getUserByKey(db, usernameKey(input.username));
  if (!user) {
    await burnVerifyTime(input.password);
    recordFailure(ctx, key, null, { correlationId });
    throw new AppError('WRONG_CREDENTIALS');
  }
  if (openedHere && ctx.state.vault.unlockedWith.kind === 'password' && ctx.state.vault.unlockedWith.slotId !== userSlotId(user.id)) {
    // The name index pointed at someone else's slot: never sign in across accounts.
    recordFailure(ctx, key, user.id, { correlationId, reason: 'slot_mismatch' });
    throw new AppError('WRONG_CREDENTIALS');
  }
  if (!(await verifyPassword(input.password, user.password_hash))) {
    recordFailure(ctx, key, user.id, { correlationId });
    throw new AppError('WRONG_CREDENTIALS');
  }
  if (user.locked_at !== null) {
    enforceVerdict(ctx, { key, userId: user.id, verdict: { kind: 'locked' } });
  }
  if (user.status === 'disabled') {
    ctx.audit.recordOutcome(db, { action: 'auth.login_failed', actorUserId: null, subjectUserId: user.id, outcome: 'denied', severity: 'warning', details: { reason: 'account_disabled' }, correlationId });
    throw new AppError('ACCOUNT_DISABLED');
  }
  const now = ctx.clock.nowMs();
  if (user.must_change_password === 1 && user.temp_password_expires_at && Date.parse(user.temp_password_expires_at) <= now) {
    recordFailure(ctx, key, user.id, { correlationId, reason: 'temporary_password_expired' });
    throw new AppError('WRONG_CREDENTIALS', 'That temporary password has expired. Ask an administrator for a new one.');
  }

  let method = 'password';
  let mfaStep: number | null = user.mfa_last_step;
  let usedRecoveryCode: string | null = null;
  if (user.mfa_enrolled_at !== null && user.mfa_secret) {
    if (input.otp) {
      mfaStep = await checkTotp(user.mfa_secret, input.otp, now, user.mfa_last_step);
      if (mfaStep === null) {
        recordFailure(ctx, key, user.id, { correlationId, reason: 'wrong_otp' });
        throw new AppError('WRONG_CREDENTIALS', 'That code was not accepted.');
      }
      method = 'password+totp';
    } else if (input.recoveryCode) {
      usedRecoveryCode = hashRecoveryCode(input.recoveryCode);
      if (!hasUnusedRecoveryCode(db, user.id, usedRecoveryCode)) {
        recordFailure(ctx, key, user.id, { correlationId, reason: 'wrong_recovery_code' });
        throw new AppError('WRONG_CREDENTIALS', 'That recovery code was not accepted.');
      }
      method = 'password+recovery_code';
    } else {
      // Not a failure: the password was right and the second factor is simply still to come.
      throw new AppError('MFA_REQUIRED');
    }
  }

  const signedIn = ctx.audit.unitOfWork(db, (record) => {
    // Checked above; re-checked here inside the write lock so a code is spent once only.
    if (usedRecoveryCode !== null && !consumeRecoveryCode(db, user.id, usedRecoveryCode, ctx.nowIso())) throw new AppError('WRONG_CREDENTIALS');
    const after = updateUser(db, user.id, { failed_attempts: 0, last_failed_at: null, last_login_at: ctx.nowIso(), mfa_last_step: mfaStep });
    record({ action: 'auth.login', actorUserId: user.id, outcome: 'success', severity: 'info', details: { method, vaultUnlocked: openedHere }, correlationId });
    return after;
  });
  refreshCheckpoint(ctx);
  const live = ctx.sessions.start(caller, signedIn);
  return sessionInfo(ctx, live, signedIn);
}

/**
 * The recovery path for a forgotten password or a locked account: the vault's recovery key sets a
 * new password for one account and unlocks it. Audited at high severity.
 */
export async function recover(ctx: AccountsContext, input: { recoveryKey: string; username: string; newPassword: string }, correlationId: string): Promise<{ userId: string }> {
  return inSigninQueue(ctx, async () => {
    if (!ctx.vault.exists(ctx.dataDir)) throw new AppError('VAULT_MISSING');
    if (ctx.state.isOpen) {
      if (!ctx.vault.verifyRecoveryKey(ctx.dataDir, input.recoveryKey, ctx.state.vault.vaultId)) {
        ctx.audit.recordOutcome(ctx.state.db, { action: 'auth.recovered', actorUserId: null, outcome: 'failure', severity: 'high', details: { reason: 'wrong_recovery_key' }, correlationId });
        throw new AppError('WRONG_CREDENTIALS', 'That recovery key does not open this vault.');
      }
    } else {
      ctx.state.open(await ctx.vault.unlockWithRecoveryKey({ dir: ctx.dataDir, recoveryKey: input.recoveryKey }));
      await reconcileAtUnlock(ctx);
    }
    try {
      const user = getUserByKey(ctx.state.db, usernameKey(input.username));
      if (!user) throw new AppError('NOT_FOUND', 'No account has that user name.');
      const password = await enforcePolicy(input.newPassword, { mfa: user.mfa_enrolled_at !== null, context: contextFor(ctx, user) });
      const hash = await hashPassword(password);
      await setSlotPassword(ctx, user.id, password);
      // Read after the awaits: a rekey meanwhile replaces the connection.
      const db = ctx.state.db;
      ctx.audit.unitOfWork(db, (record) => {
        const after = updateUser(db, user.id, {
          password_hash: hash,
          password_changed_at: ctx.nowIso(),
          must_change_password: 0,
          temp_password_expires_at: null,
          failed_attempts: 0,
          last_failed_at: null,
          locked_at: null,
          session_epoch: user.session_epoch + 1,
          updated_at: ctx.nowIso(),
        });
        record({ action: 'auth.recovered', actorUserId: null, subjectUserId: user.id, outcome: 'success', severity: 'high', before: auditView(user), after: auditView(after), correlationId });
      });
      ctx.sessions.endForUser(user.id, 'credentials_changed');
      refreshCheckpoint(ctx);
      return { userId: user.id };
    } finally {
      ctx.closeIfUnused();
    }
  });
}

/** Points the user's key slot at a new password, creating the slot if it was retired. */
export async function setSlotPassword(ctx: AccountsContext, userId: string, password: string): Promise<void> {
  const slot = userSlotId(userId);
  const vault = ctx.state.vault;
  if (vault.listSlots().some((s) => s.slotId === slot)) await vault.rewrapSlot(slot, password);
  else await vault.addPasswordSlot(slot, password);
}
