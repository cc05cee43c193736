import { closeSync, fsyncSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';

/**
 * One process at a time per vault folder. SQLite would keep two processes from corrupting pages,
 * but not from the rest: each keeps the audit log's right edge and the keystore in memory, so two
 * writers would fork the log or lose a key-slot change. The lock is a file created with O_EXCL
 * holding the owner's pid and host. A lock whose process is gone (a crash, a power cut) is taken
 * over; one held by a live process on this computer, or by another computer (a shared folder,
 * where liveness cannot be checked), is refused with VAULT_IN_USE.
 *
 * Within one process the lock is counted: the app's core, its CLI commands and tests may hold the
 * same vault more than once, and coordinating those is the process's own business.
 */
export const LOCK_FILE = 'vault.lock';

interface Owner {
  pid: number;
  host: string;
  since: string;
}

export interface VaultLock {
  release(): void;
}

const held = new Map<string, number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>;
    if (typeof o.pid !== 'number' || typeof o.host !== 'string') return null;
    return { pid: o.pid, host: o.host, since: typeof o.since === 'string' ? o.since : '' };
  } catch {
    return null;
  }
}

function tryCreate(path: string, owner: Owner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(owner));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

export function acquireVaultLock(dir: string, now: () => Date): VaultLock {
  const path = join(dir, LOCK_FILE);
  const count = held.get(path) ?? 0;
  if (count === 0) {
    const me: Owner = { pid: process.pid, host: hostname(), since: now().toISOString() };
    for (let attempt = 0; !tryCreate(path, me); attempt++) {
      const owner = readOwner(path);
      const mine = owner !== null && owner.pid === process.pid && owner.host === me.host;
      const stale = owner === null || (owner.host === me.host && !alive(owner.pid));
      if (!mine && !stale) {
        throw new AppError(
          'VAULT_IN_USE',
          owner.host === me.host
            ? `The vault is open in another program on this computer (process ${owner.pid}). Close it there first.`
            : `The vault is open on another computer (${owner.host}). Close it there first.`,
          { details: { pid: owner.pid } },
        );
      }
      // A lock left by a process that is gone (or by this one, before a restart of the core).
      if (attempt > 0) throw new AppError('VAULT_IN_USE');
      try {
        unlinkSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
  held.set(path, count + 1);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      const left = (held.get(path) ?? 1) - 1;
      if (left > 0) {
        held.set(path, left);
        return;
      }
      held.delete(path);
      const owner = readOwner(path);
      if (owner && owner.pid === process.pid) {
        try {
          unlinkSync(path);
        } catch {
          // already gone (the folder was destroyed or restored over): nothing to release
        }
      }
    },
  };
}
