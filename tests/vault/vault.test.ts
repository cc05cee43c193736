import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import {
  getDeviceSigningKey,
  unlockWithPassword,
  unlockWithRecoveryKey,
  vaultExists,
  createVault,
  verifyRecoveryKey,
  formatRecoveryKey,
} from '../../electron/core/vault';
import { PASSWORD, makeVault, tempRoot, testContext } from './helpers';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'NO_ERROR';
}

describe('vault lifecycle', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ root, cleanup } = tempRoot()));
  afterEach(() => cleanup());

  it('creates a vault with db + keystore + prev, runs migrations, and reopens with the password', async () => {
    const dir = join(root, 'v');
    expect(vaultExists(dir)).toBe(false);
    const { vault, recoveryKey, ctx } = await makeVault(dir);
    expect(vaultExists(dir)).toBe(true);
    expect(recoveryKey).toMatch(/^([0-9A-HJKMNP-TV-Z]{8}-){7}[0-9A-HJKMNP-TV-Z]{8}$/);
    const info = vault.info();
    expect(info.programName).toBe('Internal Medicine Residency');
    expect(info.timeZone).toBe('America/Chicago');
    expect(info.schemaVersion).toBeGreaterThanOrEqual(1);
    expect(vault.listSlots().map((s) => [s.slotId, s.kind, s.needsReset])).toEqual([
      ['user:admin', 'password', false],
      ['recovery', 'recovery', false],
    ]);
    for (const f of ['vault.db', 'keystore.json', 'keystore.json.prev']) expect(existsSync(join(dir, f))).toBe(true);
    vault.db.exec('CREATE TABLE note (body TEXT)');
    vault.db.prepare('INSERT INTO note VALUES (?)').run('persisted');
    const vaultId = vault.vaultId;
    vault.close();
    vault.close(); // idempotent
    expect(() => vault.db).toThrow(AppError);
    expect(existsSync(join(dir, 'vault.db-wal'))).toBe(false);
    expect(existsSync(join(dir, 'vault.session'))).toBe(false);

    const again = await unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx });
    expect(again.vaultId).toBe(vaultId);
    expect(again.mustResetPassword).toBe(false);
    expect(again.db.prepare('SELECT body FROM note').pluck().get()).toBe('persisted');
    again.close();
  });

  it('sets and verifies connection hardening', async () => {
    const { vault } = await makeVault(join(root, 'v'));
    const db = vault.db;
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(String(db.pragma('cipher', { simple: true }))).toBe('sqlcipher');
    expect(String(db.pragma('legacy', { simple: true }))).toBe('4');
    // The driver is built with SQLITE3MC_SECURE_MEMORY (scripts/secure-sqlite.mjs): freed memory is wiped.
    expect(vault.hardening.memorySecurity).toBe('on');
    expect(Number(db.pragma('memory_security', { simple: true }))).toBe(1);
    vault.close();
  });

  it('refuses to create over an existing vault and validates inputs', async () => {
    const dir = join(root, 'v');
    const { vault, ctx } = await makeVault(dir);
    vault.close();
    const base = { dir, programName: 'X', timeZone: 'UTC', firstSlot: { slotId: 'user:a', password: 'pw' }, ...ctx };
    expect(await codeOf(createVault(base))).toBe('VAULT_EXISTS');
    expect(await codeOf(createVault({ ...base, dir: join(root, 'w'), timeZone: 'Mars/Olympus' }))).toBe('BAD_INPUT');
    expect(await codeOf(createVault({ ...base, dir: join(root, 'w'), firstSlot: { slotId: 'admin', password: 'pw' } }))).toBe('BAD_INPUT');
    expect(vaultExists(join(root, 'w'))).toBe(false);
  });

  it('wrong password, unknown slot, wrong recovery key, mistyped recovery key: WRONG_CREDENTIALS, nothing changes', async () => {
    const dir = join(root, 'v');
    const { vault, recoveryKey, ctx } = await makeVault(dir);
    vault.close();
    const before = readFileSync(join(dir, 'keystore.json'));
    const dbBefore = readFileSync(join(dir, 'vault.db'));
    expect(await codeOf(unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD + 'x', ...ctx }))).toBe('WRONG_CREDENTIALS');
    expect(await codeOf(unlockWithPassword({ dir, slotId: 'user:nobody', password: PASSWORD, ...ctx }))).toBe('WRONG_CREDENTIALS');
    // A well-formed key that is not this vault's.
    expect(await codeOf(unlockWithRecoveryKey({ dir, recoveryKey: formatRecoveryKey(Buffer.alloc(32, 7)), ...ctx }))).toBe('WRONG_CREDENTIALS');
    // One character changed: rejected by the group check, and the error names the group.
    const typo = recoveryKey.slice(0, 20) + (recoveryKey[20] === 'A' ? 'B' : 'A') + recoveryKey.slice(21);
    try {
      await unlockWithRecoveryKey({ dir, recoveryKey: typo, ...ctx });
      expect.unreachable();
    } catch (err) {
      expect((err as AppError).code).toBe('WRONG_CREDENTIALS');
      expect((err as AppError).details?.group).toBe(3);
    }
    expect(readFileSync(join(dir, 'keystore.json')).equals(before)).toBe(true);
    expect(readFileSync(join(dir, 'vault.db')).equals(dbBefore)).toBe(true);
    expect(await codeOf(unlockWithPassword({ dir: join(root, 'none'), slotId: 'user:admin', password: PASSWORD, ...ctx }))).toBe('VAULT_MISSING');
  });

  it('recovery-key unlock works (lower case, spaces) and flags a forced password reset', async () => {
    const dir = join(root, 'v');
    const { vault, recoveryKey, ctx } = await makeVault(dir);
    vault.close();
    const typed = recoveryKey.toLowerCase().replace(/-/g, ' ');
    expect(verifyRecoveryKey({ dir, recoveryKey: typed, kdfPolicy: ctx.kdfPolicy })).toBe(true);
    expect(verifyRecoveryKey({ dir, recoveryKey: typed, kdfPolicy: ctx.kdfPolicy, vaultId: 'other' })).toBe(false);
    expect(verifyRecoveryKey({ dir, recoveryKey: formatRecoveryKey(Buffer.alloc(32, 1)), kdfPolicy: ctx.kdfPolicy })).toBe(false);
    expect(verifyRecoveryKey({ dir, recoveryKey: 'not a key', kdfPolicy: ctx.kdfPolicy })).toBe(false);
    const v = await unlockWithRecoveryKey({ dir, recoveryKey: typed, ...ctx });
    expect(v.mustResetPassword).toBe(true);
    expect(v.unlockedWith).toEqual({ kind: 'recovery' });
    await v.rewrapSlot('user:admin', 'a brand new password 123');
    v.close();
    expect(await codeOf(unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx }))).toBe('WRONG_CREDENTIALS');
    const w = await unlockWithPassword({ dir, slotId: 'user:admin', password: 'a brand new password 123', ...ctx });
    w.close();
  });

  it('slots: add, rewrap (DB bytes unchanged, old password and .prev no longer open it), remove', async () => {
    const dir = join(root, 'v');
    const { vault, ctx } = await makeVault(dir);
    await vault.addPasswordSlot('user:u2', 'second user password');
    expect(await codeOf(vault.addPasswordSlot('user:u2', 'again'))).toBe('CONFLICT');
    vault.close();
    const dbBytes = readFileSync(join(dir, 'vault.db'));
    const v2 = await unlockWithPassword({ dir, slotId: 'user:u2', password: 'second user password', ...ctx });
    v2.close();
    const v3 = await unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx });
    const dbBefore = readFileSync(join(dir, 'vault.db'));
    await v3.rewrapSlot('user:u2', 'changed password for u2');
    expect(readFileSync(join(dir, 'vault.db')).equals(dbBefore)).toBe(true);
    // The previous keystore version must not keep the revoked wrap.
    expect(readFileSync(join(dir, 'keystore.json.prev')).equals(readFileSync(join(dir, 'keystore.json')))).toBe(true);
    await v3.removeSlot('user:u2');
    expect(await codeOf(v3.removeSlot('recovery'))).toBe('BAD_INPUT');
    expect(v3.listSlots().map((s) => s.slotId)).toEqual(['user:admin', 'recovery']);
    v3.close();
    expect(dbBytes.length).toBeGreaterThan(0);
    expect(await codeOf(unlockWithPassword({ dir, slotId: 'user:u2', password: 'changed password for u2', ...ctx }))).toBe('WRONG_CREDENTIALS');
  });

  it('stores an Ed25519 device key usable for signatures', async () => {
    const { vault } = await makeVault(join(root, 'v'));
    const { publicKeyPem, privateKey, deviceId } = getDeviceSigningKey(vault.db);
    const { sign, verify, createPublicKey } = await import('node:crypto');
    const sig = sign(null, Buffer.from('checkpoint'), privateKey);
    expect(verify(null, Buffer.from('checkpoint'), createPublicKey(publicKeyPem), sig)).toBe(true);
    expect(deviceId).toMatch(/^[0-9a-f-]{36}$/);
    vault.close();
  });

  it('logs carry no secrets', async () => {
    const ctx = testContext();
    const dir = join(root, 'v');
    const { vault, recoveryKey } = await makeVault(dir, ctx);
    vault.close();
    const text = JSON.stringify(ctx.sink.records);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(recoveryKey);
    expect(text).toContain('vault created');
  });
});
