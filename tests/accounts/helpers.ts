import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { SessionInfo } from '../../shared/contract/auth';
import type { WireResult } from '../../shared/errors';
import type { Role } from '../../shared/rbac';
import type { AccountsAuditEntry } from '../../electron/core/accounts/audit-port';
import { createCore, type Core } from '../../electron/core/app';
import { ManualClock } from '../../electron/core/clock';
import { sequentialIds } from '../../electron/core/ids';
import { createLogger, memorySink } from '../../electron/core/logger';
import type { Caller } from '../../electron/core/session';

export const ADMIN = { username: 'ada.admin', displayName: 'Ada Admin', email: 'ada@example.org', password: 'quietly fossil tangerine orbit' };
export const PROGRAM = { programName: 'Lakeside Family Medicine', institution: 'Lakeside General', timeZone: 'America/Chicago' };

export interface Harness {
  core: Core;
  clock: ManualClock;
  dir: string;
  logs: ReturnType<typeof memorySink>;
  locks: string[];
  call<T = unknown>(name: string, input: unknown, caller?: Caller): Promise<WireResult<T>>;
  ok<T = unknown>(name: string, input: unknown, caller?: Caller): Promise<T>;
  /** Accounts audit entries that committed to the vault's audit log, in order. */
  audit(): AccountsAuditEntry[];
  stop(): void;
}

export function caller(id: string): Caller {
  return { clientId: id, transport: 'in-process' };
}
export const ADMIN_CLIENT = caller('admin-window');

export function startCore(dir?: string, clock = new ManualClock('2026-07-01T12:00:00Z')): Harness {
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'rsched-accounts-'));
  const logs = memorySink();
  const locks: string[] = [];
  const entries: AccountsAuditEntry[] = [];
  const core = createCore({
    auditTap: (e) => entries.push(e),
    dataDir: folder,
    transport: 'in-process',
    clock,
    ids: sequentialIds('u'),
    logger: createLogger({ sink: logs, level: 'debug', clock }),
    onLocked: (r) => locks.push(r),
    sweepEveryMs: 0,
  });
  const call = <T,>(name: string, input: unknown, c: Caller = ADMIN_CLIENT): Promise<WireResult<T>> =>
    core.dispatcher.dispatch(name, input, c) as Promise<WireResult<T>>;
  return {
    core,
    clock,
    dir: folder,
    logs,
    locks,
    call,
    ok: async <T,>(name: string, input: unknown, c: Caller = ADMIN_CLIENT): Promise<T> => {
      const r = await call<T>(name, input, c);
      if (!r.ok) throw new Error(`${name} failed: ${r.error.code} ${r.error.message} ${JSON.stringify(r.error.issues ?? [])}`);
      return r.value;
    },
    audit: () => entries,
    stop: () => {
      core.shutdown();
      if (!dir) rmSync(folder, { recursive: true, force: true });
    },
  };
}

export function expectError(r: WireResult<unknown>, code: string): void {
  expect(r.ok ? 'ok' : r.error.code).toBe(code);
}

/** Setup + the admin's first sign-in with every gate cleared (MFA policy relaxed unless asked). */
export async function setupAndSignInAdmin(h: Harness, opts: { keepMfaPolicy?: boolean } = {}): Promise<{ recoveryKey: string; session: SessionInfo }> {
  const { recoveryKey } = await h.ok<{ recoveryKey: string }>('auth.setup', { ...PROGRAM, admin: ADMIN });
  await h.ok<SessionInfo>('auth.login', { username: ADMIN.username, password: ADMIN.password });
  const notice = await h.ok<{ version: string }>('auth.notice', {});
  let session = await h.ok<SessionInfo>('auth.acceptNotice', { version: notice.version });
  if (!opts.keepMfaPolicy) {
    // The admin's MFA gate blocks settings too: relax it through the audited path a test can take,
    // by enrolling first. Most suites do not need MFA, so they then drop the requirement.
    await enrollMfa(h, ADMIN_CLIENT, ADMIN.password);
    await h.ok('users.setPolicies', { idleTimeoutMinutes: 15, mfaRequiredRoles: [], breakGlassMinutes: 60 });
    await h.ok('auth.mfaDisable', { currentPassword: ADMIN.password });
    session = (await h.ok<{ session: SessionInfo }>('auth.session', {})).session;
  }
  return { recoveryKey, session };
}

export async function enrollMfa(h: Harness, c: Caller, password: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const { totpAt } = await import('../../electron/core/accounts/mfa');
  const begun = await h.ok<{ secret: string }>('auth.mfaBegin', {}, c);
  const otp = await totpAt(begun.secret, h.clock.nowMs());
  const done = await h.ok<{ recoveryCodes: string[] }>('auth.mfaConfirm', { otp, currentPassword: password }, c);
  // The next code must come from a later time step (replay protection).
  h.clock.advance(30_000);
  return { secret: begun.secret, recoveryCodes: done.recoveryCodes };
}

let userCounter = 0;

/** Creates an account and takes it through its first sign-in (consent, own password). */
export async function addUser(h: Harness, role: Role, name: string, opts: { personId?: string } = {}): Promise<{ userId: string; caller: Caller; password: string }> {
  const created = await h.ok<{ user: { id: string }; temporaryPassword: string }>('users.create', {
    username: name,
    displayName: `${name} Person`,
    email: `${name}@example.org`,
    role,
    ...(opts.personId ? { personId: opts.personId } : {}),
  });
  const c = caller(`${name}-window`);
  await h.ok('auth.login', { username: name, password: created.temporaryPassword }, c);
  const notice = await h.ok<{ version: string }>('auth.notice', {}, c);
  await h.ok('auth.acceptNotice', { version: notice.version }, c);
  const password = `velvet harbor quartz meadow ${++userCounter}`;
  await h.ok('auth.changePassword', { currentPassword: created.temporaryPassword, newPassword: password }, c);
  return { userId: created.user.id, caller: c, password };
}
