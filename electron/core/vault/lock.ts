import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';

/**
 * One process at a time per vault folder. SQLite would keep two processes from corrupting pages,
 * but not from the rest: each keeps the audit log's right edge and the keystore in memory, so two
 * writers would fork the log or lose a key-slot change.
 *
 * The lock file names its owner (pid, host, and the boot it runs in). It is written under a
 * temporary name and hard-linked into place, so it appears complete or not at all, and a second
 * creator gets EEXIST. A lock whose owner is gone (crash, power cut, or a pid from an earlier
 * boot, which a new process may have reused) is taken over by renaming it away first: of two
 * processes racing for the same stale lock only one rename succeeds. A live owner on this
 * computer, or any owner on another computer (a shared folder, where liveness cannot be checked),
 * gives VAULT_IN_USE.
 *
 * Within one process the lock is counted: the app's core, its CLI commands and tests may hold the
 * same vault more than once, and coordinating those is the process's own business.
 */
export const LOCK_FILE = 'vault.lock';

interface Owner {
  pid: number;
  host: string;
  since: string;
  /** Linux boot id, when there is one. */
  bootId?: string;
  /** When this computer booted (ms since the epoch, from its uptime), elsewhere. */
  bootedAt?: number;
}

export interface VaultLock {
  release(): void;
}

const held = new Map<string, number>();
/** Two estimates of the same boot differ by clock adjustments only. */
const SAME_BOOT_MS = 120_000;

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function earlierBoot(owner: Owner, me: Owner): boolean {
  if (owner.bootId && me.bootId) return owner.bootId !== me.bootId;
  if (owner.bootedAt !== undefined && me.bootedAt !== undefined) return Math.abs(owner.bootedAt - me.bootedAt) > SAME_BOOT_MS;
  return false;
}

function readOwner(path: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>;
    if (typeof o.pid !== 'number' || typeof o.host !== 'string') return null;
    return {
      pid: o.pid,
      host: o.host,
      since: typeof o.since === 'string' ? o.since : '',
      ...(typeof o.bootId === 'string' ? { bootId: o.bootId } : {}),
      ...(typeof o.bootedAt === 'number' ? { bootedAt: o.bootedAt } : {}),
    };
  } catch {
    return null;
  }
}

const tempName = (path: string): string => `${path}.${process.pid}-${randomBytes(6).toString('hex')}`;

/** Creates the lock complete or not at all; false when one exists. */
function tryCreate(path: string, owner: Owner): boolean {
  const tmp = tempName(path);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(owner));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * Moves a stale lock away. Only one of several processes can rename the same file; the winner
 * checks it moved the lock it judged stale and not one a live process created meanwhile.
 */
function takeOver(path: string, judged: string): void {
  const aside = tempName(`${path}.stale`);
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else moved it: retry
    throw err;
  }
  let moved: string;
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    moved = '';
  }
  if (moved !== judged) {
    // A fresh lock slipped in: put it back (unless yet another one exists) and give way.
    try {
      linkSync(aside, path);
    } catch {
      // the path is taken again; the newer owner wins either way
    }
    unlinkSync(aside);
    throw new AppError('VAULT_IN_USE');
  }
  unlinkSync(aside);
}

export function acquireVaultLock(dir: string, now: () => Date): VaultLock {
  const path = join(dir, LOCK_FILE);
  const count = held.get(path) ?? 0;
  if (count === 0) {
    const at = now();
    const id = bootId();
    const me: Owner = { pid: process.pid, host: hostname(), since: at.toISOString(), ...(id ? { bootId: id } : {}), bootedAt: Math.round(at.getTime() - uptime() * 1000) };
    for (let attempt = 0; !tryCreate(path, me); attempt++) {
      if (attempt >= 3) throw new AppError('VAULT_IN_USE');
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue; // released meanwhile: try again
      }
      const owner = readOwner(path);
      const sameHost = owner !== null && owner.host === me.host;
      const stale = owner === null || (sameHost && (owner.pid === process.pid || earlierBoot(owner, me) || !alive(owner.pid)));
      if (!stale) {
        throw new AppError(
          'VAULT_IN_USE',
          sameHost
            ? `The vault is open in another program on this computer (process ${owner.pid}). Close it there first.`
            : `The vault is open on another computer (${owner.host}). Close it there first.`,
          { details: { pid: owner.pid } },
        );
      }
      takeOver(path, text);
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
