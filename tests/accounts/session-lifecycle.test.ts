import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SessionInfo } from '../../shared/contract/auth';
import { ADMIN, ADMIN_CLIENT, PROGRAM, caller, expectError, startCore, type Harness } from './helpers';

/**
 * One vault for the whole file (scrypt N=2^17 and bcrypt cost 12 are real: each locked-vault
 * sign-in costs ~0.8 s). Tests run in order and leave the vault locked for the next.
 */
describe('setup, sign-in, gates and automatic logoff', () => {
  let h: Harness;
  let recoveryKey = '';
  beforeAll(async () => {
    h = startCore();
    const status = await h.ok<{ vault: string }>('system.status', {});
    expect(status.vault).toBe('absent');
    ({ recoveryKey } = await h.ok<{ recoveryKey: string }>('auth.setup', { ...PROGRAM, admin: ADMIN }));
  });
  afterAll(() => h.stop());

  it('setup creates the vault and its first admin, shows the recovery key, and leaves the vault locked', async () => {
    expect(recoveryKey).toMatch(/^([0-9A-Z]{8}-){7}[0-9A-Z]{8}$/);
    expect((await h.ok<{ vault: string }>('system.status', {})).vault).toBe('locked');
    expectError(await h.call('auth.setup', { ...PROGRAM, admin: ADMIN }), 'VAULT_EXISTS');
    expect(h.audit().map((e) => e.action)).toEqual(expect.arrayContaining(['auth.vault_created', 'users.created']));
    // No default accounts: only the admin typed at setup can sign in.
    expectError(await h.call('auth.login', { username: 'admin', password: 'admin' }), 'WRONG_CREDENTIALS');
  });

  it('setup refuses a weak first password, naming the problem and never the value', async () => {
    const other = startCore();
    try {
      const r = await other.call('auth.setup', { ...PROGRAM, admin: { ...ADMIN, password: 'lakeside general hospital' } });
      expectError(r, 'WEAK_PASSWORD');
      expect(JSON.stringify(r)).not.toContain('lakeside general hospital');
      expect(existsSync(join(other.dir, 'vault.db'))).toBe(false);
    } finally {
      other.stop();
    }
  });

  it('typed errors for unknown key, wrong type and missing session, with no handler run', async () => {
    const spy = vi.spyOn(h.core.accounts.handlers, 'users.list');
    const unknown = await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password, admin: true });
    expectError(unknown, 'BAD_INPUT');
    expect(!unknown.ok && unknown.error.issues?.[0]?.message).toContain('admin');
    expectError(await h.call('auth.login', { username: ADMIN.username, password: 12345 }), 'BAD_INPUT');
    expectError(await h.call('users.list', {}), 'UNAUTHENTICATED');
    expectError(await h.call('users.nope', {}), 'UNKNOWN_CALL');
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('sign-in opens the vault with the user\'s slot; nothing works until the notice is accepted', async () => {
    const session = await h.ok<SessionInfo>('auth.login', { username: 'ADA.Admin', password: ADMIN.password });
    expect(h.core.isUnlocked()).toBe(true);
    expect(session.pending).toEqual(['consent', 'mfa_enrollment']);
    expectError(await h.call('users.list', {}), 'CONSENT_REQUIRED');
    expectError(await h.call('auth.changePassword', { currentPassword: ADMIN.password, newPassword: 'x'.repeat(20) }), 'CONSENT_REQUIRED');
    const notice = await h.ok<{ version: string; text: string; acceptedVersion: string | null }>('auth.notice', {});
    expect(notice).toMatchObject({ version: '2026-07-01', acceptedVersion: null });
    expect(notice.text).toContain('confidential');
    expectError(await h.call('auth.acceptNotice', { version: '1999-01-01' }), 'CONFLICT');
    const after = await h.ok<SessionInfo>('auth.acceptNotice', { version: notice.version });
    expect(after.pending).toEqual(['mfa_enrollment']);
    expect(h.audit().some((e) => e.action === 'auth.consent_accepted' && e.actorUserId === session.userId)).toBe(true);
    // ...and it is in the vault's tamper-evident log, as the user, in the same transaction as the change.
    const logged = h.core.accounts
      .vault()
      .db.prepare('SELECT entry FROM audit_entry ORDER BY seq')
      .pluck()
      .all()
      .map((t) => JSON.parse(t as string) as { action: string; actor: { type: string; userId?: string; role?: string }; outcome: string });
    expect(logged.find((e) => e.action === 'auth.consent_accept')).toMatchObject({ actor: { type: 'user', userId: session.userId, role: 'admin' }, outcome: 'success' });
    expect(logged.filter((e) => e.action === 'vault.create')).toHaveLength(1);
  });

  it('the admin\'s MFA gate: only enrollment works until TOTP is confirmed', async () => {
    const { totpAt } = await import('../../electron/core/accounts/mfa');
    expectError(await h.call('users.list', {}), 'MFA_REQUIRED');
    const begun = await h.ok<{ secret: string; otpauthUri: string; qrDataUrl: string }>('auth.mfaBegin', {});
    expect(begun.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(begun.otpauthUri).toContain('otpauth://totp/');
    expectError(await h.call('auth.mfaConfirm', { otp: '000000', currentPassword: ADMIN.password }), 'WRONG_CREDENTIALS');
    const otp = await totpAt(begun.secret, h.clock.nowMs());
    expectError(await h.call('auth.mfaConfirm', { otp, currentPassword: 'not my password at all' }), 'WRONG_CREDENTIALS');
    const done = await h.ok<{ recoveryCodes: string[]; session: SessionInfo }>('auth.mfaConfirm', { otp, currentPassword: ADMIN.password });
    expect(done.recoveryCodes).toHaveLength(10);
    expect(done.session.pending).toEqual([]);
    expect((await h.ok<{ users: unknown[] }>('users.list', {})).users).toHaveLength(1);
    expect(h.audit().some((e) => e.action === 'auth.mfa_enrolled')).toBe(true);
    // Remember for the next tests.
    secret = begun.secret;
    codes = done.recoveryCodes;
  });
  let secret = '';
  let codes: string[] = [];

  it('idle lock: after 15 minutes the session ends, the database closes, keys are wiped, the renderer is told', async () => {
    const vault = h.core.accounts.vault();
    h.clock.advance(14 * 60_000);
    await h.ok('auth.activity', {});
    h.clock.advance(14 * 60_000);
    h.core.accounts.sweep();
    expect(h.core.isUnlocked()).toBe(true); // activity restarted the timer
    // Polling the session (a public call) is not activity.
    await h.ok('auth.session', {});
    h.clock.advance(60_001);
    h.core.accounts.sweep();
    expect(h.core.isUnlocked()).toBe(false);
    expect(h.locks).toEqual(['idle']);
    expect(() => vault.db).toThrow(/locked/i);
    expect(h.core.accounts.sessions.count).toBe(0);
    expect(existsSync(join(h.dir, 'vault.session'))).toBe(false); // the vault's "open" marker is gone
    expectError(await h.call('users.list', {}), 'UNAUTHENTICATED');
    expect((await h.ok<{ session: SessionInfo | null }>('auth.session', {})).session).toBeNull();
  });

  it('MFA at sign-in: the password alone is not enough; a code or a one-time recovery code is', async () => {
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password }), 'MFA_REQUIRED');
    expect(h.core.isUnlocked()).toBe(false); // a half sign-in does not leave the vault open
    const { totpAt } = await import('../../electron/core/accounts/mfa');
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password, otp: '123456' }), 'WRONG_CREDENTIALS');
    const otp = await totpAt(secret, h.clock.nowMs());
    await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password, otp });
    await h.ok('auth.logout', {});
    expect(h.core.isUnlocked()).toBe(false);
    // The same code cannot be replayed within its window.
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password, otp }), 'WRONG_CREDENTIALS');
    await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password, recoveryCode: codes[0]!.toUpperCase() });
    await h.ok('auth.logout', {});
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password, recoveryCode: codes[0]! }), 'WRONG_CREDENTIALS');
  });

  it('absolute timeout: 12 hours after sign-in, however active', async () => {
    const { totpAt } = await import('../../electron/core/accounts/mfa');
    h.clock.advance(60_000);
    await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password, otp: await totpAt(secret, h.clock.nowMs()) });
    for (let i = 0; i < 12 * 6; i++) {
      h.clock.advance(10 * 60_000);
      const r = await h.call('auth.activity', {});
      if (!r.ok) {
        expect(r.error.code).toBe('SESSION_EXPIRED');
        expect(i).toBe(12 * 6 - 1);
      }
    }
    expect(h.core.isUnlocked()).toBe(false);
    expect(h.audit().filter((e) => e.action === 'auth.session_expired').map((e) => e.details?.reason)).toEqual(['idle', 'absolute']);
  });

  it('core.lock() (OS lock screen) ends every session and closes the vault', async () => {
    const { totpAt } = await import('../../electron/core/accounts/mfa');
    h.clock.advance(60_000);
    await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password, otp: await totpAt(secret, h.clock.nowMs()) });
    const before = h.locks.length;
    h.core.lockAll();
    expect(h.core.isUnlocked()).toBe(false);
    expect(h.locks.slice(before)).toEqual(['os-lock-screen']);
    expectError(await h.call('auth.activity', {}), 'UNAUTHENTICATED');
    expect(h.audit().filter((e) => e.action === 'auth.lock').length).toBeGreaterThan(0);
  });

  it('never writes a password, code or secret to the logs', () => {
    const text = JSON.stringify(h.logs.records);
    expect(text).not.toContain(ADMIN.password);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(recoveryKey);
    expect(readFileSync(join(h.dir, 'signin.json'), 'utf8')).not.toContain(ADMIN.username);
  });

  it('a second window signs in on the open vault without a second unlock', async () => {
    const { totpAt } = await import('../../electron/core/accounts/mfa');
    h.clock.advance(60_000);
    await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password, otp: await totpAt(secret, h.clock.nowMs()) });
    h.clock.advance(30_000);
    const other = caller('second-window');
    await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password, otp: await totpAt(secret, h.clock.nowMs()) }, other);
    expect(h.core.accounts.sessions.count).toBe(2);
    expect((await h.ok<{ vaultLocked: boolean }>('auth.logout', {}, other)).vaultLocked).toBe(false);
    expect((await h.ok<{ vaultLocked: boolean }>('auth.logout', {}, ADMIN_CLIENT)).vaultLocked).toBe(true);
  });
});
