import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/contract/auth';
import { createLogger } from '../../electron/core/logger';
import { readSignin } from '../../electron/core/accounts/signin-file';
import { delayAfter, THROTTLE } from '../../electron/core/accounts/throttle';
import { restoreBackup } from '../../electron/core/vault';
import { ADMIN, addUser, caller, expectError, setupAndSignInAdmin, startCore, type Harness } from './helpers';

/**
 * A vault restored from an encrypted backup into a new folder: its users sign in with their own
 * passwords (the sign-in file, which is not in the backup, is rebuilt from the restored database,
 * failure counters and locks included), the first unlock does not report the rebuilt file as
 * tampering but records the restore, and a file altered afterwards still is.
 */
describe('sign-in after restoring a backup', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });

  it('both the administrator and a second user sign in with their passwords; counters and locks carry over; tampering is still found', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rsched-restore-signin-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const original = startCore(join(root, 'original'));
    cleanups.push(() => original.stop());
    await setupAndSignInAdmin(original);
    const cora = await addUser(original, 'coordinator', 'cora');
    await addUser(original, 'coordinator', 'lena');
    // Failures against accounts are in the database, so in the backup; an unknown name's only in the folder's file.
    expectError(await original.call('auth.login', { username: 'cora', password: 'not coras password at all' }, caller('cora-2')), 'WRONG_CREDENTIALS');
    for (let i = 0; i < THROTTLE.lockAtFailure; i++) {
      expectError(await original.call('auth.login', { username: 'lena', password: `not lenas password ${i} x` }, caller('lena-2')), 'WRONG_CREDENTIALS');
      // Past the throttle's delay, the administrator active meanwhile (the idle timeout is 15 minutes).
      for (let left = delayAfter(i + 1) + 1000; left > 0; left -= 600_000) {
        original.clock.advance(Math.min(left, 600_000));
        await original.ok('auth.activity', {});
      }
    }
    expectError(await original.call('auth.login', { username: 'lena', password: 'still not lenas password' }, caller('lena-2')), 'ACCOUNT_LOCKED');
    expectError(await original.call('auth.login', { username: 'mallory', password: 'guessing a password here' }, caller('mallory')), 'WRONG_CREDENTIALS');
    const passphrase = 'harbour lantern quiver meadow 1987';
    const backup = await original.ok<{ data: string }>('vault.backup', { currentPassword: ADMIN.password, passphrase });
    const file = join(root, 'vault.rsbk');
    writeFileSync(file, Buffer.from(backup.data, 'base64'));
    original.stop();

    const dir = join(root, 'restored');
    await restoreBackup({ file, dir, passphrase, clock: original.clock, logger: createLogger({ level: 'error' }) });
    const rebuilt = readSignin(dir);
    expect(rebuilt.state).toBe('present');
    expect(Object.keys(rebuilt.body.index)).toHaveLength(3);
    const counters = Object.values(rebuilt.body.accounts).sort((a, b) => a.failures - b.failures);
    expect(counters.map((c) => [c.failures, c.locked])).toEqual([
      [1, false],
      [THROTTLE.lockAtFailure, true],
    ]);
    expect(rebuilt.body.pending).toEqual([]);

    const h: Harness = startCore(dir, original.clock);
    cleanups.push(() => h.stop());
    // The locked account is refused before any password work: the restore gave it no fresh budget.
    expectError(await h.call('auth.login', { username: 'lena', password: 'a fresh guess at lenas password' }, caller('lena-3')), 'ACCOUNT_LOCKED');
    expect(h.core.isUnlocked()).toBe(false);
    const admin = await h.ok<SessionInfo>('auth.login', { username: ADMIN.username, password: ADMIN.password });
    expect(admin.username).toBe(ADMIN.username);
    expect(admin.pending).not.toContain('password_change'); // a password sign-in, not a recovery
    const coraSession = await h.ok<SessionInfo>('auth.login', { username: 'cora', password: cora.password }, cora.caller);
    expect(coraSession.userId).toBe(cora.userId);
    expect(h.audit().filter((e) => e.action === 'auth.signin_file_tampered')).toEqual([]);
    // The first unlock recorded the restore, once.
    const restored = h.audit().filter((e) => e.action === 'auth.vault_restored');
    expect(restored).toHaveLength(1);
    expect(restored[0]).toMatchObject({ severity: 'high', occurredAt: original.clock.now().toISOString() });
    const after = readSignin(dir).body;
    expect(Object.values(after.accounts).map((c) => [c.failures, c.locked])).toEqual([[THROTTLE.lockAtFailure, true]]);
    expect(after.generation).toBeGreaterThan(rebuilt.body.generation);

    // Signed out and locked, the file is altered: the next unlock still reports it.
    await h.ok('auth.logout', {}, cora.caller);
    await h.ok('auth.logout', {});
    expect(h.core.isUnlocked()).toBe(false);
    const path = join(dir, 'signin.json');
    const body = JSON.parse(readFileSync(path, 'utf8')) as { accounts: Record<string, unknown> };
    body.accounts['forged'] = { failures: 0, lastFailureAtMs: null, locked: false };
    writeFileSync(path, JSON.stringify(body));
    await h.ok<SessionInfo>('auth.login', { username: ADMIN.username, password: ADMIN.password });
    const tampered = h.audit().filter((e) => e.action === 'auth.signin_file_tampered');
    expect(tampered).toHaveLength(1);
    expect(tampered[0]?.details?.finding).toBe('bad_mac');
  }, 180_000);
});
