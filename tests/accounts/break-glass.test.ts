import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/contract/auth';
import { addUser, expectError, setupAndSignInAdmin, startCore, type Harness } from './helpers';

describe('break-glass emergency access', () => {
  let h: Harness;
  let recoveryKey = '';
  let chief: Awaited<ReturnType<typeof addUser>>;
  let admin2: Awaited<ReturnType<typeof addUser>>;
  beforeAll(async () => {
    h = startCore();
    ({ recoveryKey } = await setupAndSignInAdmin(h));
    chief = await addUser(h, 'chief_resident', 'chief.one');
    admin2 = await addUser(h, 'admin', 'second.admin');
  }, 120_000);
  afterAll(() => h.stop());

  const reason = 'Resident unreachable during mass casualty event';

  it('needs a stated reason and a valid proof; refusals are audited at high severity', async () => {
    expectError(await h.call('auth.breakGlass', { reason: 'short', proof: { kind: 'recovery_key', recoveryKey } }, chief.caller), 'BAD_INPUT');
    const wrongKey = recoveryKey.replace(/[0-9]/, (d) => String((Number(d) + 1) % 10));
    expectError(await h.call('auth.breakGlass', { reason, proof: { kind: 'recovery_key', recoveryKey: wrongKey } }, chief.caller), 'FORBIDDEN');
    expectError(await h.call('auth.breakGlass', { reason, proof: { kind: 'admin_approval', username: 'second.admin', password: 'wrong wrong wrong wrong' } }, chief.caller), 'FORBIDDEN');
    // The requester cannot approve themself, nor can a non-admin approve.
    expectError(await h.call('auth.breakGlass', { reason, proof: { kind: 'admin_approval', username: 'chief.one', password: chief.password } }, chief.caller), 'FORBIDDEN');
    const refused = h.audit().filter((e) => e.action === 'auth.breakglass_started' && e.outcome === 'denied');
    expect(refused).toHaveLength(3);
    expect(refused.every((e) => e.severity === 'high' && e.flags?.includes('break_glass'))).toBe(true);
    // A wrong approver password counts as a failed sign-in for that admin.
    expect(h.audit().some((e) => e.action === 'auth.login_failed' && e.subjectUserId === admin2.userId)).toBe(true);
    // Roles without breakglass.use cannot ask.
    const resident = await addUser(h, 'resident', 'res.bg');
    expectError(await h.call('auth.breakGlass', { reason, proof: { kind: 'recovery_key', recoveryKey } }, resident.caller), 'FORBIDDEN');
  });

  it('grants read-only elevation for 60 minutes, audits every call under it, and expires by itself', async () => {
    const before = (await h.ok<{ session: SessionInfo }>('auth.session', {}, chief.caller)).session;
    expect(before.permissions).not.toContain('absence.read_details');
    const s = await h.ok<SessionInfo>('auth.breakGlass', { reason, proof: { kind: 'admin_approval', username: 'second.admin', password: admin2.password } }, chief.caller);
    expect(s.breakGlass?.until).toBe(new Date(h.clock.nowMs() + 60 * 60_000).toISOString());
    expect(s.permissions).toEqual(expect.arrayContaining(['absence.read_details', 'schedule.read', 'people.read']));
    expect(s.permissions).not.toContain('people.edit');
    const started = h.audit().filter((e) => e.action === 'auth.breakglass_started' && e.outcome === 'success');
    expect(started.at(-1)).toMatchObject({ severity: 'high', subjectUserId: admin2.userId, details: { reason, proof: 'admin_approval', minutes: 60 } });

    const actionsBefore = h.audit().filter((e) => e.action === 'auth.breakglass_action').length;
    await h.ok('auth.activity', {}, chief.caller);
    expectError(await h.call('users.list', {}, chief.caller), 'FORBIDDEN'); // elevation is read-only, not account admin
    const actions = h.audit().filter((e) => e.action === 'auth.breakglass_action').slice(actionsBefore);
    expect(actions.map((e) => e.details?.call)).toEqual(['auth.activity']);
    expect(actions.every((e) => e.severity === 'high' && e.flags?.includes('break_glass'))).toBe(true);
    expect(h.audit().some((e) => e.action === 'auth.access_denied' && e.severity === 'high' && e.details?.call === 'users.list')).toBe(true);

    for (let i = 0; i < 6; i++) {
      h.clock.advance(10 * 60_000);
      await h.ok('auth.activity', {}); // the admin keeps the vault open meanwhile
      await h.ok('auth.activity', {}, chief.caller);
    }
    const after = (await h.ok<{ session: SessionInfo }>('auth.session', {}, chief.caller)).session;
    expect(after.breakGlass).toBeNull();
    expect(after.permissions).not.toContain('absence.read_details');
    expect(h.audit().filter((e) => e.action === 'auth.breakglass_ended').at(-1)).toMatchObject({ severity: 'high', details: { how: 'expired' } });
  });

  it('the recovery key also approves, and the person can end it early', async () => {
    const s = await h.ok<SessionInfo>('auth.breakGlass', { reason, proof: { kind: 'recovery_key', recoveryKey } }, chief.caller);
    expect(s.breakGlass).not.toBeNull();
    const ended = await h.ok<SessionInfo>('auth.endBreakGlass', {}, chief.caller);
    expect(ended.breakGlass).toBeNull();
    expect(h.audit().filter((e) => e.action === 'auth.breakglass_ended').at(-1)?.details?.how).toBe('ended_by_user');
  });
});
