import { usernameKey } from '../../../shared/accounts/username';
import type { SessionInfo } from '../../../shared/contract/auth';
import { AppError } from '../../../shared/errors';
import type { Caller } from '../session';
import { refuseWhileDestroying, type AccountsContext } from './context';
import { checkTotp } from './mfa';
import { verifyPassword } from './passwords';
import { sessionInfo } from './session-info';
import { checkAttempt, enforceVerdict, recordFailure } from './signin-sync';
import { current } from './self-service';
import { getUserByKey, updateUser } from './user-store';

/**
 * Emergency access (HIPAA 164.312(a)(2)(ii)): a stated reason plus proof that someone trusted
 * agrees - the recovery key, or a second administrator at this computer entering their own
 * credentials. The elevation is read-only (BREAK_GLASS_PERMISSIONS), lasts the policy's minutes,
 * and every call made under it is audited at high severity with the 'break_glass' flag.
 */
export type BreakGlassProof =
  | { kind: 'recovery_key'; recoveryKey: string }
  | { kind: 'admin_approval'; username: string; password: string; otp?: string | undefined };

export async function startBreakGlass(ctx: AccountsContext, caller: Caller, input: { reason: string; proof: BreakGlassProof }, correlationId: string): Promise<SessionInfo> {
  refuseWhileDestroying(ctx.state);
  const { live, user } = current(ctx, caller);
  const db = ctx.state.db;
  let approver: string | null = null;
  const refuse = (why: string): never => {
    ctx.audit.recordOutcome(db, { action: 'auth.breakglass_started', actorUserId: user.id, outcome: 'denied', severity: 'high', flags: ['break_glass'], details: { reason: why }, correlationId });
    throw new AppError('FORBIDDEN', 'Emergency access was not approved.');
  };
  if (input.proof.kind === 'recovery_key') {
    if (!ctx.vault.verifyRecoveryKey(ctx.dataDir, input.proof.recoveryKey, ctx.state.vault.vaultId)) refuse('wrong_recovery_key');
  } else {
    const proof = input.proof;
    const check = checkAttempt(ctx, proof.username);
    enforceVerdict(ctx, check);
    const admin = getUserByKey(db, usernameKey(proof.username));
    if (!admin || admin.id === user.id || admin.role !== 'admin' || admin.status !== 'active' || admin.locked_at !== null) {
      if (admin) await verifyPassword(proof.password, admin.password_hash);
      refuse('approver_not_eligible');
    } else {
      const passwordOk = await verifyPassword(proof.password, admin.password_hash);
      let otpOk = true;
      let step: number | null = admin.mfa_last_step;
      if (passwordOk && admin.mfa_enrolled_at !== null && admin.mfa_secret) {
        step = proof.otp ? await checkTotp(admin.mfa_secret, proof.otp, ctx.clock.nowMs(), admin.mfa_last_step) : null;
        otpOk = step !== null;
      }
      if (!passwordOk || !otpOk) {
        recordFailure(ctx, check.key, admin.id, { correlationId, reason: 'breakglass_approval' });
        refuse('approver_credentials');
      }
      if (step !== admin.mfa_last_step) {
        ctx.audit.unitOfWork(db, (record) => {
          updateUser(db, admin.id, { mfa_last_step: step });
          record({ action: 'auth.login', actorUserId: admin.id, outcome: 'success', severity: 'info', details: { method: 'breakglass_approval' }, correlationId });
        });
      }
      approver = admin.id;
    }
  }
  const minutes = ctx.state.policies().breakGlassMinutes;
  const until = ctx.clock.nowMs() + minutes * 60_000;
  ctx.audit.unitOfWork(db, (record) =>
    record({
      action: 'auth.breakglass_started',
      actorUserId: user.id,
      subjectUserId: approver,
      outcome: 'success',
      severity: 'high',
      flags: ['break_glass'],
      details: { reason: input.reason, proof: input.proof.kind, minutes, until: new Date(until).toISOString() },
      correlationId,
    }),
  );
  live.breakGlassUntilMs = until;
  return sessionInfo(ctx, live, user);
}

export function endBreakGlass(ctx: AccountsContext, caller: Caller, correlationId: string): SessionInfo {
  const { live, user } = current(ctx, caller);
  if (live.breakGlassUntilMs !== null) {
    live.breakGlassUntilMs = null;
    ctx.audit.unitOfWork(ctx.state.db, (record) =>
      record({ action: 'auth.breakglass_ended', actorUserId: user.id, outcome: 'success', severity: 'high', flags: ['break_glass'], details: { how: 'ended_by_user' }, correlationId }),
    );
  }
  return sessionInfo(ctx, live, user);
}
