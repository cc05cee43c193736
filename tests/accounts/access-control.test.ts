import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/contract/auth';
import { authCalls } from '../../shared/contract/auth';
import { contract } from '../../shared/contract/index';
import { usersCalls } from '../../shared/contract/users';
import { ROLES, roleHas, type Permission, type Role } from '../../shared/rbac';
import type { Caller } from '../../electron/core/session';
import { ADMIN, ADMIN_CLIENT, addUser, expectError, setupAndSignInAdmin, startCore, type Harness } from './helpers';

/**
 * The role matrix through the real dispatcher and session manager: one signed-in account per
 * role, every call, allowed or FORBIDDEN exactly as shared/rbac.ts says.
 */
describe('access control', () => {
  let h: Harness;
  let recoveryKey = '';
  const as = {} as Record<Role, { userId: string; caller: Caller; password: string }>;
  let target = '';
  beforeAll(async () => {
    h = startCore();
    ({ recoveryKey } = await setupAndSignInAdmin(h));
    const admin = await h.ok<{ session: SessionInfo }>('auth.session', {});
    as.admin = { userId: admin.session.userId, caller: ADMIN_CLIENT, password: ADMIN.password };
    for (const role of ROLES.filter((r) => r !== 'admin')) as[role] = await addUser(h, role, `${role.replace('_', '')}.one`, { personId: `person-${role}` });
    target = (await addUser(h, 'resident', 'target.resident')).userId;
  }, 240_000);
  afterAll(() => h.stop());

  const accessOf = (name: string): string => (contract as Record<string, { access: string }>)[name]!.access;

  it('every call in the contract, every role: FORBIDDEN exactly where the matrix says, before input is even read', async () => {
    const rows: string[] = [];
    for (const name of Object.keys(contract).sort()) {
      const access = accessOf(name);
      if (access === 'public' || access === 'session') continue;
      for (const role of ROLES) {
        const r = await h.call(name, { deliberately: 'not valid input' }, as[role].caller);
        const code = r.ok ? 'ok' : r.error.code;
        const allowed = roleHas(role, access as Permission);
        if (allowed) expect(code, `${name} as ${role}`).not.toBe('FORBIDDEN');
        else expect(code, `${name} as ${role}`).toBe('FORBIDDEN');
        rows.push(`${name}:${role}:${allowed ? 'allow' : 'deny'}`);
      }
    }
    expect(rows.length).toBeGreaterThanOrEqual(10 * ROLES.length);
  });

  const validInput = (name: string, role: Role): unknown => {
    switch (name) {
      case 'users.list':
      case 'users.getPolicies':
        return {};
      case 'users.create':
        return { username: `made.by.${role}`, displayName: 'New Person', email: `new.${role}@example.org`, role: 'clinical_staff' };
      case 'users.update':
        return { userId: target, displayName: `Renamed by ${role}` };
      case 'users.setStatus':
        return { userId: target, status: 'active' };
      case 'users.resetPassword':
      case 'users.unlock':
      case 'users.resetMfa':
        return { userId: target };
      case 'users.setPolicies':
        return { idleTimeoutMinutes: 15, mfaRequiredRoles: [], breakGlassMinutes: 60 };
      case 'auth.breakGlass':
        return { reason: 'Mass casualty drill, need call roster', proof: { kind: 'recovery_key', recoveryKey } };
      default:
        throw new Error(`no sample input for ${name}`);
    }
  };

  it('accounts calls with valid input: allowed roles get a result, others FORBIDDEN and nothing changes', { timeout: 240_000 }, async () => {
    const names = [...Object.keys(usersCalls), ...Object.keys(authCalls)].filter((n) => !['public', 'session'].includes(accessOf(n))).sort();
    expect(names).toContain('auth.breakGlass');
    for (const name of names) {
      for (const role of ROLES) {
        const before = JSON.stringify((await h.ok<{ users: unknown[] }>('users.list', {})).users.length);
        const r = await h.call(name, validInput(name, role), as[role].caller);
        if (roleHas(role, accessOf(name) as Permission)) {
          expect(r.ok ? 'ok' : r.error.code, `${name} as ${role}`).toBe('ok');
        } else {
          expectError(r, 'FORBIDDEN');
          expect(JSON.stringify((await h.ok<{ users: unknown[] }>('users.list', {})).users.length)).toBe(before);
        }
        if (name === 'auth.breakGlass' && r.ok) await h.ok('auth.endBreakGlass', {}, as[role].caller);
        // A reset ends the target's sessions and issues a temporary password: harmless here.
      }
    }
    const denied = h.audit().filter((e) => e.action === 'auth.access_denied');
    expect(denied.length).toBeGreaterThan(0);
  });

  it('session-level calls work for every role; public ones without a session', async () => {
    for (const role of ROLES) {
      const s = await h.ok<{ session: SessionInfo }>('auth.session', {}, as[role].caller);
      expect(s.session.role).toBe(role);
      expect(s.session.permissions.every((p) => roleHas(role, p))).toBe(true);
      await h.ok('auth.notice', {}, as[role].caller);
    }
    await h.ok('auth.passwordPolicy', {}, { clientId: 'nobody', transport: 'in-process' });
  });

  it('coordinators cannot create or change admin, program director or coordinator accounts', async () => {
    const c = as.coordinator.caller;
    for (const role of ['admin', 'coordinator', 'program_director'] as const) {
      expectError(await h.call('users.create', { username: `coord.made.${role}`.replace('_', ''), displayName: 'X', email: 'x@example.org', role }, c), 'FORBIDDEN');
    }
    expectError(await h.call('users.update', { userId: as.admin.userId, displayName: 'Hijacked' }, c), 'FORBIDDEN');
    expectError(await h.call('users.resetPassword', { userId: as.admin.userId }, c), 'FORBIDDEN');
    expectError(await h.call('users.setStatus', { userId: as.program_director.userId, status: 'disabled' }, c), 'FORBIDDEN');
    expectError(await h.call('users.update', { userId: target, role: 'coordinator' }, c), 'FORBIDDEN');
    expectError(await h.call('users.update', { userId: as.coordinator.userId, role: 'resident' }, c), 'FORBIDDEN');
    // ...while residents are theirs to manage.
    await h.ok('users.update', { userId: target, role: 'faculty' }, c);
    await h.ok('users.update', { userId: target, role: 'resident' }, c);
    // A program director manages coordinators but not admins.
    await h.ok('users.update', { userId: as.coordinator.userId, displayName: 'Coord Renamed' }, as.program_director.caller);
    expectError(await h.call('users.update', { userId: as.admin.userId, displayName: 'Nope' }, as.program_director.caller), 'FORBIDDEN');
    const users = (await h.ok<{ users: Array<{ id: string; displayName: string }> }>('users.list', {})).users;
    expect(users.find((u) => u.id === as.admin.userId)?.displayName).toBe(ADMIN.displayName);
  });

  it('a role change takes effect on the very next call, without signing in again', async () => {
    const faculty = as.faculty;
    expectError(await h.call('users.list', {}, faculty.caller), 'FORBIDDEN');
    await h.ok('users.update', { userId: faculty.userId, role: 'coordinator' });
    expect((await h.ok<{ users: unknown[] }>('users.list', {}, faculty.caller)).users.length).toBeGreaterThan(1);
    await h.ok('users.update', { userId: faculty.userId, role: 'faculty' });
    expectError(await h.call('users.list', {}, faculty.caller), 'FORBIDDEN');
    expect(h.audit().filter((e) => e.action === 'users.role_changed' && e.subjectUserId === faculty.userId)).toHaveLength(2);
  });

  it('disabling an account ends its session on its next call; it cannot sign in until re-enabled', async () => {
    const r = as.resident;
    await h.ok('auth.activity', {}, r.caller);
    await h.ok('users.setStatus', { userId: r.userId, status: 'disabled' });
    expectError(await h.call('auth.activity', {}, r.caller), 'ACCOUNT_DISABLED');
    expectError(await h.call('auth.activity', {}, r.caller), 'UNAUTHENTICATED');
    expectError(await h.call('auth.login', { username: 'resident.one', password: r.password }, r.caller), 'ACCOUNT_DISABLED');
    await h.ok('users.setStatus', { userId: r.userId, status: 'active' });
    await h.ok('auth.login', { username: 'resident.one', password: r.password }, r.caller);
    expectError(await h.call('users.setStatus', { userId: as.admin.userId, status: 'disabled' }), 'FORBIDDEN'); // not oneself
  });

  it('an admin reset issues a one-time temporary password that forces a change and expires in 24 h', { timeout: 120_000 }, async () => {
    const reset = await h.ok<{ temporaryPassword: string; expiresAt: string }>('users.resetPassword', { userId: as.clinical_staff.userId });
    expect(Date.parse(reset.expiresAt) - h.clock.nowMs()).toBe(24 * 60 * 60_000);
    // The old password stops working and the old session ends.
    expectError(await h.call('auth.activity', {}, as.clinical_staff.caller), 'SESSION_EXPIRED');
    expectError(await h.call('auth.login', { username: 'clinicalstaff.one', password: as.clinical_staff.password }, as.clinical_staff.caller), 'WRONG_CREDENTIALS');
    const s = await h.ok<SessionInfo>('auth.login', { username: 'clinicalstaff.one', password: reset.temporaryPassword }, as.clinical_staff.caller);
    expect(s.pending).toEqual(['password_change']);
    expectError(await h.call('auth.notice', { bogus: 1 }, as.clinical_staff.caller), 'BAD_INPUT');
    const weak = await h.call('auth.changePassword', { currentPassword: reset.temporaryPassword, newPassword: 'clinicalstaff rules ok' }, as.clinical_staff.caller);
    expectError(weak, 'WEAK_PASSWORD');
    await h.ok('auth.changePassword', { currentPassword: reset.temporaryPassword, newPassword: 'pelican orchard basalt tulip' }, as.clinical_staff.caller);
    // The admin saw only the temporary password; the chosen one appears in no response or log.
    expect(JSON.stringify(h.logs.records)).not.toContain('pelican orchard basalt tulip');
    // A second reset left unused expires after 24 hours.
    const again = await h.ok<{ temporaryPassword: string }>('users.resetPassword', { userId: as.clinical_staff.userId });
    h.clock.advance(24 * 60 * 60_000 + 1);
    h.core.accounts.sweep();
    expect(h.core.isUnlocked()).toBe(false);
    const expired = await h.call('auth.login', { username: 'clinicalstaff.one', password: again.temporaryPassword }, as.clinical_staff.caller);
    expectError(expired, 'WRONG_CREDENTIALS');
    expect(!expired.ok && expired.error.message).toContain('expired');
    // That unlock also retired the expired password's key slot: it no longer opens the vault.
    h.clock.advance(60_000);
    const again2 = await h.call('auth.login', { username: 'clinicalstaff.one', password: again.temporaryPassword }, as.clinical_staff.caller);
    expect(!again2.ok && again2.error.message).not.toContain('expired');
    expect(h.core.isUnlocked()).toBe(false);
  });
});
