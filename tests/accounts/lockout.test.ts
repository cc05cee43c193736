import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE, delayAfter } from '../../electron/core/accounts/throttle';
import { ADMIN, ADMIN_CLIENT, addUser, expectError, setupAndSignInAdmin, startCore, type Harness } from './helpers';

describe('throttling and lockout', () => {
  let h: Harness;
  let recoveryKey = '';
  let resident: Awaited<ReturnType<typeof addUser>>;
  beforeAll(async () => {
    h = startCore();
    ({ recoveryKey } = await setupAndSignInAdmin(h));
    resident = await addUser(h, 'resident', 'rory.resident');
  });
  afterAll(() => h.stop());

  /** Time passes while the admin keeps working in another window (so the vault stays open). */
  async function advanceWhileAdminActive(ms: number): Promise<void> {
    for (let left = ms; left > 0; left -= 5 * 60_000) {
      h.clock.advance(Math.min(left, 5 * 60_000));
      await h.ok('auth.activity', {}, ADMIN_CLIENT);
    }
  }

  it('the delay doubles from the 5th consecutive failure and the account locks at the 20th', () => {
    expect([1, 4, 5, 6, 7, 19].map(delayAfter)).toEqual([0, 0, 1000, 2000, 4000, 15 * 60_000]);
    expect(THROTTLE.lockAtFailure).toBe(20);
  });

  it('vault open: a resident guessing is throttled, locked at 20 even with the right password, and an admin unlocks', async () => {
    const r = (password: string) => h.call('auth.login', { username: 'rory.resident', password }, resident.caller);
    let throttledSeen = 0;
    for (let n = 1; n <= 20; n++) {
      expectError(await r(`wrong guess number ${n}`), 'WRONG_CREDENTIALS');
      if (n >= 5 && n < 20) {
        const t = await r(resident.password);
        expectError(t, 'THROTTLED');
        expect(!t.ok && t.error.details?.retryAfterMs).toBe(delayAfter(n));
        throttledSeen++;
        await advanceWhileAdminActive(delayAfter(n));
      }
    }
    expect(throttledSeen).toBe(15);
    expectError(await r(resident.password), 'ACCOUNT_LOCKED');
    await advanceWhileAdminActive(2 * 60 * 60_000); // time alone does not unlock
    expectError(await r(resident.password), 'ACCOUNT_LOCKED');
    const listed = await h.ok<{ users: Array<{ id: string; locked: boolean; failedAttempts: number }> }>('users.list', {});
    expect(listed.users.find((u) => u.id === resident.userId)).toMatchObject({ locked: true, failedAttempts: 20 });
    expect(h.audit().filter((e) => e.action === 'users.locked_out' && e.subjectUserId === resident.userId)).toHaveLength(1);
    expect(h.audit().filter((e) => e.action === 'auth.login_failed' && e.subjectUserId === resident.userId && e.outcome === 'failure')).toHaveLength(20);

    await h.ok('users.unlock', { userId: resident.userId });
    await h.ok('auth.login', { username: 'rory.resident', password: resident.password }, resident.caller);
    await h.ok('auth.logout', {}, resident.caller);
  });

  it('an unknown user name is throttled like a real one (no account enumeration)', async () => {
    for (let n = 1; n <= 5; n++) expectError(await h.call('auth.login', { username: 'nobody.here', password: `guess ${n}` }, resident.caller), 'WRONG_CREDENTIALS');
    expectError(await h.call('auth.login', { username: 'nobody.here', password: 'guess 6' }, resident.caller), 'THROTTLED');
  });

  it('vault locked: failures are counted in the file beside the vault, and audited at the next unlock', async () => {
    await h.ok('auth.logout', {}, ADMIN_CLIENT);
    expect(h.core.isUnlocked()).toBe(false);
    const before = h.audit().length;
    for (let n = 1; n <= 5; n++) expectError(await h.call('auth.login', { username: ADMIN.username, password: `not it ${n}` }), 'WRONG_CREDENTIALS');
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password }), 'THROTTLED');
    expect(h.audit().length).toBe(before); // nothing can reach the audit trail while locked...
    const file = JSON.parse(readFileSync(join(h.dir, 'signin.json'), 'utf8')) as { pending: unknown[] };
    expect(file.pending).toHaveLength(5);
    h.clock.advance(delayAfter(5));
    await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    // ...and all of it does at the next unlock, with the time each happened.
    const late = h.audit().slice(before).filter((e) => e.action === 'auth.login_failed');
    expect(late).toHaveLength(5);
    expect(late.every((e) => e.details?.whileVaultLocked === true && typeof e.occurredAt === 'string')).toBe(true);
    expect(JSON.parse(readFileSync(join(h.dir, 'signin.json'), 'utf8')).pending).toEqual([]);
  });

  it('locked vault, 20 failures: the right password no longer opens it; the recovery key does', async () => {
    await h.ok('auth.logout', {}, ADMIN_CLIENT);
    for (let n = 1; n <= 20; n++) {
      expectError(await h.call('auth.login', { username: ADMIN.username, password: `still not it ${n}` }), 'WRONG_CREDENTIALS');
      h.clock.advance(delayAfter(n));
    }
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password }), 'ACCOUNT_LOCKED');
    expect(h.core.isUnlocked()).toBe(false);
    expectError(await h.call('auth.recover', { recoveryKey: recoveryKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), username: ADMIN.username, newPassword: 'marble lantern weather quietly' }), 'WRONG_CREDENTIALS');
    await h.ok('auth.recover', { recoveryKey, username: ADMIN.username, newPassword: 'marble lantern weather quietly' });
    expect(h.core.isUnlocked()).toBe(false);
    const locked = h.audit().filter((e) => e.action === 'users.locked_out');
    expect(locked.at(-1)?.details?.consecutiveFailures).toBe(20);
    expect(h.audit().some((e) => e.action === 'auth.recovered' && e.outcome === 'success')).toBe(true);
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password }), 'WRONG_CREDENTIALS');
    await h.ok('auth.login', { username: ADMIN.username, password: 'marble lantern weather quietly' });
    ADMIN.password = 'marble lantern weather quietly';
  });

  it('an edited or deleted attempts file is reported at the next unlock (high severity)', async () => {
    await h.ok('auth.logout', {}, ADMIN_CLIENT);
    const path = join(h.dir, 'signin.json');
    const body = JSON.parse(readFileSync(path, 'utf8')) as { accounts: Record<string, { failures: number }> };
    body.accounts['forged'] = { failures: 0, lastFailureAtMs: null, locked: false } as never;
    writeFileSync(path, JSON.stringify(body));
    await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    expect(h.audit().filter((e) => e.action === 'auth.signin_file_tampered').map((e) => [e.details?.finding, e.severity])).toEqual([['bad_mac', 'high']]);
    await h.ok('auth.logout', {}, ADMIN_CLIENT);
    rmSync(path);
    // Without the file the name index is gone too: sign-in fails until the recovery key rebuilds it.
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password }), 'WRONG_CREDENTIALS');
    await h.ok('auth.recover', { recoveryKey, username: ADMIN.username, newPassword: 'copper violin autumn ferry' });
    expect(h.audit().filter((e) => e.action === 'auth.signin_file_tampered').map((e) => e.details?.finding)).toEqual(['bad_mac', 'missing']);
    await h.ok('auth.login', { username: ADMIN.username, password: 'copper violin autumn ferry' });
  });
});
