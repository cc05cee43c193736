import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/contract/auth';
import type { KeySlotView, VaultInfoView } from '../../shared/contract/vault';
import { restoreBackup, unlockWithRecoveryKey, verifyRecoveryKey } from '../../electron/core/vault';
import { PRODUCTION_KDF } from '../../electron/core/vault/kdf';
import { ADMIN, addUser, expectError, setupAndSignInAdmin, startCore, type Harness } from '../accounts/helpers';
import { codeOf, dekOf, rawOpen } from './helpers';

/**
 * The vault's key operations through the contract (dispatcher, sessions, permissions, audit), on a
 * real SQLCipher vault with the production key-derivation settings.
 */

const PASSPHRASE = 'harbour lantern quiver meadow 1987';

interface AuditRow {
  action: string;
  outcome: string;
  actorUserId: string | null;
  details: Record<string, unknown>;
}

function entries(h: Harness, action: string): AuditRow[] {
  const rows = h.core.accounts.vault().db.prepare('SELECT entry FROM audit_entry WHERE action = ? ORDER BY seq').pluck().all(action) as string[];
  return rows.map((r) => {
    const e = JSON.parse(r) as { action: string; outcome: string; actor: { userId?: string }; details?: Record<string, unknown> };
    return { action: e.action, outcome: e.outcome, actorUserId: e.actor.userId ?? null, details: e.details ?? {} };
  });
}

async function renameProgram(h: Harness, name: string): Promise<void> {
  const settings = await h.ok<Record<string, unknown>>('program.get', {});
  await h.ok('program.update', { settings: { ...settings, name } });
}

describe('vault key operations through the contract', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });
  const folder = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'rsched-keyops-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const start = (dir?: string): Harness => {
    const h = startCore(dir);
    cleanups.push(() => h.stop());
    return h;
  };

  it('vault.info describes the cipher, formats and key slots with their accounts, never key material', async () => {
    const h = start();
    await setupAndSignInAdmin(h);
    const coordinator = await addUser(h, 'coordinator', 'cora');
    const info = await h.ok<VaultInfoView>('vault.info', {});
    expect(info.cipher.description).toMatch(/^SQLCipher 4 \(AES-256-CBC, HMAC-SHA512 per 4096-byte page\)$/);
    expect(info.format).toMatchObject({ app: 'rsched-vault/1', keystore: 'rsched-keystore', keystoreVersion: 1 });
    expect(info.databaseBytes).toBeGreaterThan(0);
    expect(info.lastBackupAt).toBeNull();
    expect(info.slots.map((s) => [s.kind, s.username, s.needsReset]).sort()).toEqual([
      ['password', 'ada.admin', false],
      ['password', 'cora', false],
      ['recovery', null, false],
    ]);
    expect(info.slots.find((s) => s.username === 'cora')?.userId).toBe(coordinator.userId);
    expect(JSON.stringify(info)).not.toMatch(/"(wrap|wrappedKey|salt|iv|tag|kek|dek)"/i);
    expect(entries(h, 'vault.inspect')).toHaveLength(1);
  });

  it('a backup downloaded through vault.backup restores with the recovery key and with its passphrase', async () => {
    const h = start();
    const { recoveryKey } = await setupAndSignInAdmin(h);
    await renameProgram(h, 'Backed-up Family Medicine');
    const out = await h.ok<{ fileName: string; data: string; bytes: number; opensWith: string[]; createdAt: string }>('vault.backup', {
      currentPassword: ADMIN.password,
      passphrase: PASSPHRASE,
    });
    expect(out.fileName).toMatch(/^vault-backup-.*\.rsbk$/);
    expect(out.opensWith).toEqual(['recovery-key', 'passphrase']);
    const bytes = Buffer.from(out.data, 'base64');
    expect(bytes.length).toBe(out.bytes);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('RSCHEDBK');
    expect(bytes.includes(Buffer.from('Backed-up Family Medicine'))).toBe(false);
    expect(entries(h, 'vault.backup')).toMatchObject([{ outcome: 'success', details: { via: 'app', withPassphrase: true } }]);
    expect((await h.ok<VaultInfoView>('vault.info', {})).lastBackupAt).toBe(out.createdAt);

    const file = join(folder(), out.fileName);
    writeFileSync(file, bytes);
    const { clock } = h;
    const logger = h.core.services.logger;

    // With the recovery key. The device's sign-in index is not part of a backup, so on the restored
    // copy the recovery key opens the vault first (and sets the password), as after a lost password.
    const byKey = join(folder(), 'restored-by-key');
    await restoreBackup({ file, dir: byKey, recoveryKey, clock, logger });
    const restored = start(byKey);
    const newPassword = 'copper willow atlas drift 5521';
    await restored.ok('auth.recover', { recoveryKey, username: ADMIN.username, newPassword });
    await restored.ok<SessionInfo>('auth.login', { username: ADMIN.username, password: newPassword });
    expect((await restored.ok<{ name: string }>('program.get', {})).name).toBe('Backed-up Family Medicine');

    // With the passphrase (someone without the recovery key); a wrong one restores nothing.
    const byPassphrase = join(folder(), 'restored-by-passphrase');
    expect(await codeOf(restoreBackup({ file, dir: byPassphrase, passphrase: 'not the passphrase at all 42', clock, logger }))).toBe('WRONG_CREDENTIALS');
    await restoreBackup({ file, dir: byPassphrase, passphrase: PASSPHRASE, clock, logger });
    const opened = await unlockWithRecoveryKey({ dir: byPassphrase, recoveryKey, clock, logger });
    try {
      expect(opened.db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(1);
    } finally {
      opened.close();
    }
  });

  it('a backup passphrase must pass the password policy, and the current password is required', async () => {
    const h = start();
    await setupAndSignInAdmin(h);
    const weak = await h.call('vault.backup', { currentPassword: ADMIN.password, passphrase: 'password' });
    expectError(weak, 'WEAK_PASSWORD');
    if (!weak.ok) expect(weak.error.issues?.[0]?.path).toBe('passphrase');
    expectError(await h.call('vault.backup', { currentPassword: 'not my password at all' }), 'WRONG_CREDENTIALS');
    expect(entries(h, 'vault.backup').map((e) => e.outcome)).toEqual(['failed', 'denied']);
  });

  it('vault.rekey replaces the data key and the recovery key; data survives; other accounts must be reset', async () => {
    const h = start();
    const { recoveryKey: oldRecoveryKey, session } = await setupAndSignInAdmin(h);
    const coordinator = await addUser(h, 'coordinator', 'cora');
    await renameProgram(h, 'Rekeyed Internal Medicine');
    const oldDek = await dekOf(h.dir, PRODUCTION_KDF, `user:${session.userId}`, ADMIN.password);

    const r = await h.ok<{ recoveryKey: string; slotsNeedingReset: KeySlotView[] }>('vault.rekey', { currentPassword: ADMIN.password });
    expect(r.recoveryKey).not.toBe(oldRecoveryKey);
    expect(r.slotsNeedingReset.map((s) => s.username)).toEqual(['cora']);
    expect(entries(h, 'vault.rekey')).toMatchObject([{ outcome: 'success', actorUserId: session.userId, details: { slotsNeedingReset: 1 } }]);

    // The session goes on, on the rekeyed file, and the data is all there.
    expect((await h.ok<{ name: string }>('program.get', {})).name).toBe('Rekeyed Internal Medicine');
    const slots = (await h.ok<VaultInfoView>('vault.info', {})).slots;
    expect(slots.filter((s) => s.needsReset).map((s) => s.username)).toEqual(['cora']);

    // The old data key no longer opens vault.db; the old recovery key no longer opens the vault.
    const raw = rawOpen(join(h.dir, 'vault.db'), oldDek);
    try {
      expect(() => raw.prepare('SELECT count(*) FROM sqlite_schema').get()).toThrow(/not a database|encrypted/i);
    } finally {
      raw.close();
    }
    expect(verifyRecoveryKey({ dir: h.dir, recoveryKey: oldRecoveryKey })).toBe(false);
    expect(verifyRecoveryKey({ dir: h.dir, recoveryKey: r.recoveryKey })).toBe(true);

    // Locked: the administrator's own password still opens it, the other account's does not.
    await h.ok('auth.lock', {});
    expectError(await h.call('auth.login', { username: 'cora', password: coordinator.password }, coordinator.caller), 'WRONG_CREDENTIALS');
    await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    expect((await h.ok<{ name: string }>('program.get', {})).name).toBe('Rekeyed Internal Medicine');
    // An administrator's reset gives the account a slot under the new key again.
    const reset = await h.ok<{ temporaryPassword: string }>('users.resetPassword', { userId: coordinator.userId });
    expect((await h.ok<VaultInfoView>('vault.info', {})).slots.some((s) => s.needsReset && s.kind === 'password')).toBe(false);
    await h.ok('auth.lock', {});
    await h.ok('auth.login', { username: 'cora', password: reset.temporaryPassword }, coordinator.caller);
    h.core.lock();

    // The new recovery key opens the locked vault.
    const byKey = await unlockWithRecoveryKey({ dir: h.dir, recoveryKey: r.recoveryKey, clock: h.clock, logger: h.core.services.logger });
    byKey.close();
    expect(await codeOf(unlockWithRecoveryKey({ dir: h.dir, recoveryKey: oldRecoveryKey, clock: h.clock, logger: h.core.services.logger }))).toBe('WRONG_CREDENTIALS');
  });

  it("vault.revokeSlot removes another account's key slot, never one's own; a password reset gives it a new one", async () => {
    const h = start();
    const { session } = await setupAndSignInAdmin(h);
    const coordinator = await addUser(h, 'coordinator', 'cora');
    expectError(await h.call('vault.revokeSlot', { userId: session.userId }), 'BAD_INPUT');
    const r = await h.ok<{ slots: KeySlotView[] }>('vault.revokeSlot', { userId: coordinator.userId });
    expect(r.slots.map((s) => s.username).sort()).toEqual(['ada.admin', null]);
    expect(entries(h, 'vault.slot_remove')).toMatchObject([{ outcome: 'success', actorUserId: session.userId, details: { slotId: `user:${coordinator.userId}` } }]);
    expectError(await h.call('vault.revokeSlot', { userId: coordinator.userId }), 'NOT_FOUND');

    await h.ok('auth.lock', {});
    expectError(await h.call('auth.login', { username: 'cora', password: coordinator.password }, coordinator.caller), 'WRONG_CREDENTIALS');
    await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    const reset = await h.ok<{ temporaryPassword: string }>('users.resetPassword', { userId: coordinator.userId });
    await h.ok('auth.lock', {});
    await h.ok('auth.login', { username: 'cora', password: reset.temporaryPassword }, coordinator.caller);
  });

  it('vault.rekey with a wrong password is refused, audited, and changes nothing', async () => {
    const h = start();
    const { recoveryKey } = await setupAndSignInAdmin(h);
    const r = await h.call('vault.rekey', { currentPassword: 'definitely not the password' });
    expectError(r, 'WRONG_CREDENTIALS');
    expect(entries(h, 'vault.rekey')).toMatchObject([{ outcome: 'denied', details: { code: 'WRONG_CREDENTIALS' } }]);
    expect(h.audit().filter((e) => e.action === 'auth.login_failed').at(-1)?.details).toMatchObject({ reason: 'reauthentication' });
    expect(verifyRecoveryKey({ dir: h.dir, recoveryKey })).toBe(true);
  });

  it('a resident may not see or use key operations, and the refusal is audited', async () => {
    const h = start();
    await setupAndSignInAdmin(h);
    const resident = await addUser(h, 'resident', 'rory');
    for (const [name, input] of [
      ['vault.info', {}],
      ['vault.backup', { currentPassword: resident.password }],
      ['vault.rekey', { currentPassword: resident.password }],
      ['vault.revokeSlot', { userId: resident.userId }],
    ] as const) {
      expectError(await h.call(name, input, resident.caller), 'FORBIDDEN');
    }
    const denied = h.audit().filter((e) => e.action === 'auth.access_denied' && e.actorUserId === resident.userId).map((e) => e.details?.call);
    expect(denied).toEqual(['vault.info', 'vault.backup', 'vault.rekey', 'vault.revokeSlot']);
    expect(entries(h, 'vault.rekey')).toEqual([]);
    expect(h.core.isUnlocked()).toBe(true);
  });
});
