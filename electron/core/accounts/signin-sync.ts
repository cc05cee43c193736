import { randomBytes } from 'node:crypto';
import { usernameKey } from '../../../shared/accounts/username';
import { AppError } from '../../../shared/errors';
import type { AccountsContext } from './context';
import {
  appendPending,
  attemptState,
  checkIntegrity,
  checkpointFromAccounts,
  readSignin,
  Restored,
  RESTORED_SETTING,
  rowAttempts,
  usernameHash,
  writeCheckpoint,
  type SigninBody,
} from './signin-file';
import { THROTTLE, afterFailure, judgeAttempt, type AttemptVerdict } from './throttle';
import { getSetting, getUser, listUsers, setSetting, updateUser, auditView, type UserRow } from './user-store';
import { userSlotId } from './vault-port';

/**
 * Keeps the sign-in file (counters, name index) and the database in step: failures are counted in
 * the file while the vault is locked and in the database (audited) while it is open, and every
 * unlock folds the file's pending failures into the database and its audit trail.
 */

export interface AttemptCheck {
  key: string;
  userId: string | null;
  verdict: AttemptVerdict;
}

export function checkAttempt(ctx: AccountsContext, username: string): AttemptCheck {
  const { body } = readSignin(ctx.dataDir);
  const key = usernameHash(body, usernameKey(username));
  return { key, userId: body.index[key] ?? null, verdict: judgeAttempt(attemptState(body, key), ctx.clock.nowMs()) };
}

/** Rewrites the file from the database (vault open): a fresh MAC'd checkpoint, nothing pending. */
export function refreshCheckpoint(ctx: AccountsContext, base?: SigninBody): void {
  const db = ctx.state.db;
  const body = base ?? readSignin(ctx.dataDir).body;
  const { index, accounts } = checkpointFromAccounts(body, listUsers(db));
  // Names that match no account keep their counters, so an unknown name throttles like a known one.
  for (const key of Object.keys(body.accounts)) if (!(key in index)) accounts[key] = attemptState(body, key);
  for (const e of body.pending) if (!(e.key in index) && e.kind === 'failure' && !(e.key in accounts)) accounts[e.key] = attemptState(body, e.key);
  const generation = Math.max(body.generation, Number(getSetting(db, 'signin_generation') ?? 0)) + 1;
  writeCheckpoint(ctx.dataDir, ctx.state.macKey, body, { generation, index, accounts });
  // Bookkeeping of the file beside the vault, not account data: no audit entry of its own (the
  // event that caused the refresh has one).
  setSetting(db, 'signin_generation', String(generation));
}

/**
 * At every unlock: load the MAC key, check the file, audit and apply what happened while locked,
 * retire expired temporary passwords' key slots, and write a fresh checkpoint.
 */
export async function reconcileAtUnlock(ctx: AccountsContext): Promise<void> {
  const db = ctx.state.db;
  let macHex = getSetting(db, 'signin_mac_key');
  if (!macHex) {
    // Created once per vault, at its first unlock (setup); a key, not account data.
    macHex = randomBytes(32).toString('hex');
    setSetting(db, 'signin_mac_key', macHex);
  }
  ctx.state.setMacKey(Buffer.from(macHex, 'hex'));

  const read = readSignin(ctx.dataDir);
  const expected = Number(getSetting(db, 'signin_generation') ?? 0);
  const integrity = checkIntegrity(read, ctx.state.macKey, expected);
  if (integrity !== 'ok') {
    ctx.audit.recordOutcome(db, {
      action: 'auth.signin_file_tampered',
      actorUserId: null,
      outcome: 'failure',
      severity: 'high',
      details: { finding: integrity, expectedGeneration: expected, foundGeneration: read.body.generation },
    });
  }

  const byKey = new Map<string, UserRow>();
  for (const row of listUsers(db)) byKey.set(usernameHash(read.body, row.username_key), row);
  for (const event of read.body.pending) {
    const row = byKey.get(event.key) ?? null;
    const occurredAt = new Date(event.atMs).toISOString();
    if (event.kind === 'refused_locked' || !row) {
      ctx.audit.recordOutcome(db, {
        action: 'auth.login_failed',
        actorUserId: null,
        subjectUserId: row?.id ?? null,
        outcome: 'denied',
        severity: 'warning',
        occurredAt,
        details: { whileVaultLocked: true, reason: event.kind === 'refused_locked' ? 'account_locked' : 'unknown_account' },
      });
      continue;
    }
    byKey.set(event.key, applyFailure(ctx, row, event.atMs, { whileVaultLocked: true, occurredAt }));
  }

  recordRestore(ctx);

  // A temporary password that expired must not keep opening the vault offline: drop its slot.
  const now = ctx.clock.nowMs();
  for (const row of listUsers(db)) {
    if (row.must_change_password === 1 && row.temp_password_expires_at && Date.parse(row.temp_password_expires_at) <= now) {
      // Even when it is the slot that just opened the vault: the open handle keeps its key, and
      // the sign-in that used it is refused for the expired password anyway.
      const slot = userSlotId(row.id);
      if (ctx.state.vault.listSlots().some((s) => s.slotId === slot)) await ctx.state.vault.removeSlot(slot);
    }
  }
  refreshCheckpoint(ctx, read.body);
}

/** The first unlock of a restored vault records the restore (the database was marked by restoreBackup). */
function recordRestore(ctx: AccountsContext): void {
  const db = ctx.state.db;
  const mark = getSetting(db, RESTORED_SETTING);
  if (mark === null) return;
  let restore: { restoredAt: string; backupCreatedAt: string } | null = null;
  try {
    restore = Restored.parse(JSON.parse(mark));
  } catch {
    restore = null; // recorded anyway, without the times
  }
  ctx.audit.unitOfWork(db, (record) => {
    db.prepare('DELETE FROM account_settings WHERE key = ?').run(RESTORED_SETTING);
    record({
      action: 'auth.vault_restored',
      actorUserId: null,
      outcome: 'success',
      severity: 'high',
      details: { restoredAt: restore?.restoredAt ?? null, backupCreatedAt: restore?.backupCreatedAt ?? null },
      ...(restore ? { occurredAt: restore.restoredAt } : {}),
    });
  });
}

/** One failed attempt against an existing account, in the database, audited; returns the row after. */
export function applyFailure(ctx: AccountsContext, row: UserRow, atMs: number, extra: { whileVaultLocked: boolean; occurredAt?: string; reason?: string; correlationId?: string }): UserRow {
  const db = ctx.state.db;
  const next = afterFailure(rowAttempts(row), atMs);
  const justLocked = next.locked && row.locked_at === null;
  return ctx.audit.unitOfWork(db, (record) => {
    const after = updateUser(db, row.id, {
      failed_attempts: next.failures,
      last_failed_at: new Date(atMs).toISOString(),
      ...(justLocked ? { locked_at: new Date(atMs).toISOString() } : {}),
    });
    record({
      action: 'auth.login_failed',
      actorUserId: null,
      subjectUserId: row.id,
      outcome: 'failure',
      severity: next.failures >= THROTTLE.delayFromFailure ? 'warning' : 'info',
      details: { consecutiveFailures: next.failures, whileVaultLocked: extra.whileVaultLocked, reason: extra.reason ?? 'wrong_credentials' },
      ...(extra.occurredAt ? { occurredAt: extra.occurredAt } : {}),
      ...(extra.correlationId ? { correlationId: extra.correlationId } : {}),
    });
    if (justLocked) {
      record({
        action: 'users.locked_out',
        actorUserId: null,
        subjectUserId: row.id,
        outcome: 'success',
        severity: 'high',
        before: auditView(row),
        after: auditView(after),
        details: { consecutiveFailures: next.failures },
      });
    }
    return after;
  });
}

/**
 * Records a failed attempt wherever it can be recorded now: the database when the vault is open,
 * the sign-in file's pending list when it is not.
 */
export function recordFailure(ctx: AccountsContext, key: string, userId: string | null, opts: { reason?: string; correlationId?: string } = {}): void {
  const atMs = ctx.clock.nowMs();
  if (!ctx.state.isOpen) {
    appendPending(ctx.dataDir, { key, atMs, kind: 'failure' });
    return;
  }
  const row = userId ? getUser(ctx.state.db, userId) : null;
  if (row) {
    applyFailure(ctx, row, atMs, { whileVaultLocked: false, ...opts });
    refreshCheckpoint(ctx);
    return;
  }
  ctx.audit.recordOutcome(ctx.state.db, {
    action: 'auth.login_failed',
    actorUserId: null,
    outcome: 'failure',
    severity: 'info',
    details: { reason: 'unknown_account', whileVaultLocked: false },
    ...(opts.correlationId ? { correlationId: opts.correlationId } : {}),
  });
  const { body } = readSignin(ctx.dataDir);
  body.accounts[key] = afterFailure(attemptState(body, key), atMs);
  refreshCheckpoint(ctx, body);
}

/** Throws the throttle's verdict as a typed error (and notes a refused attempt on a locked account). */
export function enforceVerdict(ctx: AccountsContext, check: AttemptCheck): void {
  if (check.verdict.kind === 'allowed') return;
  if (check.verdict.kind === 'locked') {
    if (!ctx.state.isOpen) appendPending(ctx.dataDir, { key: check.key, atMs: ctx.clock.nowMs(), kind: 'refused_locked' });
    else {
      ctx.audit.recordOutcome(ctx.state.db, {
        action: 'auth.login_failed',
        actorUserId: null,
        subjectUserId: check.userId,
        outcome: 'denied',
        severity: 'warning',
        details: { reason: 'account_locked', whileVaultLocked: false },
      });
    }
    throw new AppError('ACCOUNT_LOCKED');
  }
  throw new AppError('THROTTLED', undefined, { details: { retryAfterMs: check.verdict.retryAfterMs } });
}
