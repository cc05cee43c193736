import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { readdirSync } from 'node:fs';
import { restoreBackup, unlockWithPassword } from '../../electron/core/vault';
import { acquireVaultLock, LOCK_FILE } from '../../electron/core/vault/lock';
import { makeVault, PASSWORD, tempRoot } from './helpers';

const now = () => new Date('2026-07-01T12:00:00Z');

describe('one process per vault folder', () => {
  let cleanup = (): void => {};
  let child: ChildProcess | null = null;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = null;
    cleanup();
  });

  function folder(): string {
    const t = tempRoot();
    cleanup = t.cleanup;
    return t.root;
  }

  /** A real, live process that is not this one. */
  async function otherProcess(): Promise<number> {
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((r) => child?.once('spawn', r));
    return child.pid as number;
  }

  it('is counted within a process and removed with the last release', () => {
    const dir = folder();
    const a = acquireVaultLock(dir, now);
    const b = acquireVaultLock(dir, now);
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(owner.pid).toBe(process.pid);
    a.release();
    a.release(); // twice is once
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    b.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a vault held by another live process on this computer, naming it, and takes it over once that process is gone', async () => {
    const dir = folder();
    const pid = await otherProcess();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host: (await import('node:os')).hostname(), since: '2026-07-01T11:00:00Z' }));
    let caught: unknown;
    try {
      acquireVaultLock(dir, now);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'VAULT_IN_USE', message: expect.stringContaining(`process ${pid}`) });
    // The other program's lock is left alone.
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid });

    const exited = new Promise((r) => child?.once('exit', r));
    child?.kill('SIGKILL');
    await exited;
    child = null;
    const lock = acquireVaultLock(dir, now);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('takes over a lock from an earlier boot even when its pid now belongs to a live process', async () => {
    const dir = folder();
    const pid = await otherProcess(); // a live process that happens to have the recorded pid
    const longAgo = Date.now() - 3 * 24 * 3600_000;
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), since: '2026-06-28T08:00:00Z', bootId: 'a-boot-before-the-power-cut', bootedAt: longAgo }));
    const lock = acquireVaultLock(dir, () => new Date());
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(readdirSync(dir)).toEqual([]); // no temporary or moved-aside files left
  });

  it('refuses a vault held from another computer (a shared folder), and takes over an unreadable lock file', () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: 'ward-7-workstation', since: '2026-07-01T11:00:00Z' }));
    expect(() => acquireVaultLock(dir, now)).toThrow(/another computer \(ward-7-workstation\)/);
    writeFileSync(join(dir, LOCK_FILE), '{"pid": "not a number"');
    const lock = acquireVaultLock(dir, now);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('a vault open in another program can be neither unlocked nor restored over; once that program is gone it opens', async () => {
    const root = folder();
    const dir = join(root, 'v');
    const { vault, recoveryKey, ctx } = await makeVault(dir);
    const file = join(root, 'backup.rsbk');
    await vault.backup(file, { passphrase: 'a long backup passphrase' });
    vault.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

    const pid = await otherProcess();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), since: '2026-07-01T11:00:00Z' }));
    await expect(unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx })).rejects.toMatchObject({ code: 'VAULT_IN_USE' });
    await expect(restoreBackup({ file, dir, recoveryKey, replaceExisting: true, ...ctx })).rejects.toMatchObject({ code: 'VAULT_IN_USE' });
    expect(readdirSync(root).filter((n) => n.startsWith('v.'))).toEqual([]); // nothing moved aside, no staging left

    child?.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));
    child = null;
    const v = await unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    v.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
