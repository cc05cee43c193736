import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';
import { AppError } from '../../shared/errors';
import { restoreBackup, unlockWithPassword, unlockWithRecoveryKey } from '../../electron/core/vault';
import type { BackupSinkFactory } from '../../electron/core/vault/backup';
import { PRODUCTION_KDF } from '../../electron/core/vault/kdf';
import { PASSWORD, codeOf, dekOf, makeVault, rawOpen, tempRoot } from './helpers';

const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = sha(join(dir, f));
  return out;
}

describe('failure paths', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ root, cleanup } = tempRoot()));
  afterEach(() => cleanup());

  it('a bit flip anywhere in the keystore is KEYSTORE_DAMAGED (every byte position), never a crash', async () => {
    const dir = join(root, 'v');
    const { vault, ctx } = await makeVault(dir);
    vault.close();
    const file = join(dir, 'keystore.json');
    const good = readFileSync(file);
    const codes = new Map<string, number>();
    for (let i = 0; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i] = (bad[i] ?? 0) ^ (1 << (i % 8));
      writeFileSync(file, bad);
      const code = await codeOf(unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx }));
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect([...codes.keys()]).toEqual(['KEYSTORE_DAMAGED']);
    // Truncation and an empty file too.
    for (const bad of [good.subarray(0, good.length >> 1), Buffer.alloc(0), Buffer.from('{}')]) {
      writeFileSync(file, bad);
      expect(await codeOf(unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx }))).toBe('KEYSTORE_DAMAGED');
    }
    writeFileSync(file, good);
    const v = await unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx });
    v.close();
  });

  it('damaged keystore: the recovery key repairs it from keystore.json.prev and keeps the damaged copy', async () => {
    const dir = join(root, 'v');
    const { vault, recoveryKey, ctx } = await makeVault(dir);
    vault.close();
    const file = join(dir, 'keystore.json');
    const bad = readFileSync(file);
    bad[40] = (bad[40] ?? 0) ^ 0x10;
    writeFileSync(file, bad);
    expect(await codeOf(unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx }))).toBe('KEYSTORE_DAMAGED');
    const v = await unlockWithRecoveryKey({ dir, recoveryKey, ...ctx });
    expect(v.mustResetPassword).toBe(true);
    v.close();
    expect(readdirSync(dir).some((f) => f.startsWith('keystore.json.damaged-'))).toBe(true);
    const w = await unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx });
    w.close();
  });

  it('KDF parameters below the floor are refused, even with a recomputed checksum', async () => {
    const dir = join(root, 'v');
    const { vault, ctx } = await makeVault(dir);
    vault.close();
    const file = join(dir, 'keystore.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { slots: Array<{ kdf: { N?: number } }>; checksum?: string };
    const { checksum: _drop, ...body } = doc;
    void _drop;
    const slot0 = body.slots[0];
    if (!slot0) throw new Error('no slot');
    slot0.kdf.N = 2 ** 10;
    const forged = { ...body, checksum: createHash('sha256').update(canonicalJson(body)).digest('hex') };
    writeFileSync(file, canonicalJson(forged) + '\n');
    const err = await unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('KEYSTORE_DAMAGED');
    expect((err as AppError).details?.reason).toBe('kdf below policy');
  });

  it('the production policy refuses a keystore written with the weak test policy', async () => {
    const dir = join(root, 'v');
    const { vault, ctx } = await makeVault(dir);
    vault.close();
    expect(await codeOf(unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, clock: ctx.clock, logger: ctx.logger }))).toBe('KEYSTORE_DAMAGED');
    expect(PRODUCTION_KDF.N).toBeGreaterThanOrEqual(2 ** 17);
  });

  it('a damaged database page is DATABASE_DAMAGED and the file is not modified', async () => {
    const dir = join(root, 'v');
    const { vault, ctx } = await makeVault(dir);
    vault.db.exec('CREATE TABLE big (v TEXT)');
    const ins = vault.db.prepare('INSERT INTO big VALUES (?)');
    vault.db.transaction(() => {
      for (let i = 0; i < 400; i++) ins.run(`row ${i} `.repeat(20));
    })();
    vault.close();
    const file = join(dir, 'vault.db');
    const good = readFileSync(file);
    expect(good.length).toBeGreaterThan(4096 * 5);
    for (const page of [1, 4]) {
      const bad = Buffer.from(good);
      const at = (page - 1) * 4096 + 100;
      bad[at] = (bad[at] ?? 0) ^ 0x01;
      writeFileSync(file, bad);
      const before = sha(file);
      expect(await codeOf(unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx }))).toBe('DATABASE_DAMAGED');
      expect(sha(file)).toBe(before);
    }
    writeFileSync(file, good);
    (await unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx })).close();
  });

  it('missing WAL after an unclean stop: DATABASE_DAMAGED, nothing touched; with the WAL back, nothing lost', async () => {
    const dir = join(root, 'v');
    const { vault, ctx } = await makeVault(dir);
    vault.db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('committed before the crash');");
    // A crash image: copy the folder while the vault is still open (WAL holds the commit).
    const crashed = join(root, 'crashed');
    cpSync(dir, crashed, { recursive: true });
    vault.close();
    expect(existsSync(join(crashed, 'vault.session'))).toBe(true);
    const wal = join(crashed, 'vault.db-wal');
    renameSync(wal, join(root, 'saved-wal'));
    rmSync(join(crashed, 'vault.db-shm'), { force: true });
    const before = snapshotDir(crashed);
    const err = await unlockWithPassword({ dir: crashed, slotId: 'user:admin', password: PASSWORD, ...ctx }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('DATABASE_DAMAGED');
    expect((err as AppError).details?.reason).toBe('wal missing');
    expect(snapshotDir(crashed)).toEqual(before);
    renameSync(join(root, 'saved-wal'), wal);
    const v = await unlockWithPassword({ dir: crashed, slotId: 'user:admin', password: PASSWORD, ...ctx });
    expect(v.db.prepare('SELECT v FROM t').pluck().get()).toBe('committed before the crash');
    v.close();
  });

  it('a vault newer than this code: VAULT_TOO_NEW and every file stays byte-identical', async () => {
    const dir = join(root, 'v');
    const { vault, ctx } = await makeVault(dir);
    vault.close();
    const dek = await dekOf(dir, ctx.kdfPolicy);
    const db = rawOpen(join(dir, 'vault.db'), dek);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', '2030-01-01T00:00:00.000Z')").run();
    db.pragma('user_version = 999');
    db.close();
    const before = snapshotDir(dir);
    expect(await codeOf(unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx }))).toBe('VAULT_TOO_NEW');
    expect(snapshotDir(dir)).toEqual(before);
    dek.fill(0);
  });

  it('disk full during backup: clear error, no partial file, an older backup and the vault intact', async () => {
    const dir = join(root, 'v');
    const { vault, recoveryKey, ctx } = await makeVault(dir);
    vault.db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('keep me');");
    const out = join(root, 'backup.rsb');
    await vault.backup(out, {});
    const olderBackup = sha(out);
    let written = 0;
    const fullDisk: BackupSinkFactory = async () => ({
      async write(chunk) {
        written += chunk.length;
        if (written > 3000) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
      async finish() {},
      async abort() {},
    });
    vault.db.exec("INSERT INTO t VALUES ('after first backup')");
    const err = await vault.backup(out, { sinkFactory: fullDisk }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).details?.reason).toBe('disk full');
    expect((err as AppError).message).toMatch(/disk is full/);
    expect(sha(out)).toBe(olderBackup);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.includes('backup-'))).toEqual([]);
    expect(vault.db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2);
    vault.close();
    const restored = join(root, 'restored');
    await restoreBackup({ file: out, dir: restored, recoveryKey, ...ctx });
    const r = await unlockWithPassword({ dir: restored, slotId: 'user:admin', password: PASSWORD, ...ctx });
    expect(r.db.prepare('SELECT v FROM t').pluck().all()).toEqual(['keep me']);
    r.close();
  });

  it('a tampered or truncated backup is refused before anything is restored; existing vault untouched', async () => {
    const dir = join(root, 'v');
    const { vault, recoveryKey, ctx } = await makeVault(dir);
    vault.db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('x');");
    const out = join(root, 'b.rsb');
    await vault.backup(out, { passphrase: 'backup passphrase here' });
    vault.close();
    const good = readFileSync(out);
    const target = join(root, 'target');
    const headerLen = good.readUInt32BE(8);
    // magic, length, header (start, recovery slot, end), header digest, body, tag
    const positions = [0, 9, 12 + 5, 12 + (headerLen >> 1), 12 + headerLen - 2, 12 + headerLen + 3, 12 + headerLen + 32 + 10, good.length - 40, good.length - 1];
    for (const pos of positions) {
      const bad = Buffer.from(good);
      bad[pos] = (bad[pos] ?? 0) ^ 0x04;
      writeFileSync(out, bad);
      const code = await codeOf(restoreBackup({ file: out, dir: target, recoveryKey, ...ctx }));
      expect(code, `flip at ${pos}`).toBe('DATABASE_DAMAGED');
      expect(existsSync(target)).toBe(false);
    }
    writeFileSync(out, good.subarray(0, good.length - 1));
    expect(await codeOf(restoreBackup({ file: out, dir: target, recoveryKey, ...ctx }))).toBe('DATABASE_DAMAGED');
    writeFileSync(out, good);
    expect(await codeOf(restoreBackup({ file: out, dir: target, passphrase: 'wrong passphrase', ...ctx }))).toBe('WRONG_CREDENTIALS');
    // Restoring over the working vault without consent is refused and changes nothing.
    const before = snapshotDir(dir);
    expect(await codeOf(restoreBackup({ file: out, dir, recoveryKey, ...ctx }))).toBe('VAULT_EXISTS');
    expect(snapshotDir(dir)).toEqual(before);
    expect(readdirSync(root).filter((f) => f.includes('.restore-'))).toEqual([]);
  });
});
