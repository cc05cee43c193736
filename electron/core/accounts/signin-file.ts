import type { Database } from 'better-sqlite3-multiple-ciphers';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../../../shared/canonical-json';
import { NO_ATTEMPTS, afterFailure, type AttemptState } from './throttle';
import { getSetting, listUsers, setSetting, type UserRow } from './user-store';

/**
 * signin.json, beside the vault: what sign-in needs before the database can be opened.
 * - `index`: user-name key -> user id, to pick the key slot (`user:<id>`) a password should open.
 *   Keys are salted SHA-256 of the normalized name, so the file does not list the staff. It is a
 *   hint only: after the vault opens, the account found by name must own the slot that opened it.
 * - `accounts`: failure counters and lock flags, so throttling and lockout hold while the vault is
 *   locked (most sign-ins happen then).
 * - `pending`: failures recorded while locked; audited and folded into the database at the next
 *   unlock.
 *
 * Integrity: the checkpoint (salt, generation, index, accounts) carries an HMAC-SHA-256 under a key
 * kept inside the encrypted database, and its generation is mirrored there. At each unlock a bad
 * MAC, a missing file or an older generation is reported as tampering (audited, high severity) and
 * the database's own counters win. What an attacker with write access to the folder can still do
 * is delete `pending` events made since the last unlock; scrypt's cost on every locked-vault
 * attempt is what bounds guessing then. A backup does not carry the file: restoring one writes it
 * afresh from the restored database (rebuildSigninFromDatabase).
 */
export const SIGNIN_FILE = 'signin.json';
const FORMAT = 'rsched-signin/1';

const Attempt = z.object({ failures: z.number().int().nonnegative(), lastFailureAtMs: z.number().nullable(), locked: z.boolean() }).strict();
const Body = z
  .object({
    format: z.literal(FORMAT),
    salt: z.string().min(16),
    generation: z.number().int().nonnegative(),
    index: z.record(z.string(), z.string()),
    accounts: z.record(z.string(), Attempt),
    mac: z.string().nullable(),
    pending: z.array(z.object({ key: z.string(), atMs: z.number(), kind: z.enum(['failure', 'refused_locked']) }).strict()),
  })
  .strict();
export type SigninBody = z.infer<typeof Body>;
export type PendingEvent = SigninBody['pending'][number];

export type Integrity = 'ok' | 'missing' | 'unreadable' | 'bad_mac' | 'rollback';

function emptyBody(): SigninBody {
  return { format: FORMAT, salt: randomBytes(16).toString('base64'), generation: 0, index: {}, accounts: {}, mac: null, pending: [] };
}

export function signinPath(dir: string): string {
  return join(dir, SIGNIN_FILE);
}

/** The file as it stands; a missing or unreadable one reads as empty (the caller learns which). */
export function readSignin(dir: string): { body: SigninBody; state: 'present' | 'missing' | 'unreadable' } {
  const path = signinPath(dir);
  if (!existsSync(path)) return { body: emptyBody(), state: 'missing' };
  try {
    return { body: Body.parse(JSON.parse(readFileSync(path, 'utf8'))), state: 'present' };
  } catch {
    return { body: emptyBody(), state: 'unreadable' };
  }
}

function writeSignin(dir: string, body: SigninBody): void {
  // Atomic replace: a crash leaves the old or the new file, never half of one.
  const path = signinPath(dir);
  const tmp = `${path}.tmp-${process.pid}`;
  const data = Buffer.from(JSON.stringify(body) + '\n');
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function usernameHash(body: Pick<SigninBody, 'salt'>, usernameKey: string): string {
  return createHash('sha256').update('rsched-signin\0').update(body.salt).update('\0').update(usernameKey).digest('base64url');
}

/** Counters for one account: the checkpoint plus failures recorded since. */
export function attemptState(body: SigninBody, key: string): AttemptState {
  let state = body.accounts[key] ?? NO_ATTEMPTS;
  for (const e of body.pending) if (e.key === key && e.kind === 'failure') state = afterFailure(state, e.atMs);
  return state;
}

/** Records an event while the vault is locked (no MAC key: the next unlock audits it). */
export function appendPending(dir: string, event: PendingEvent): void {
  const { body } = readSignin(dir);
  body.pending.push(event);
  // Bound the file: a flood of attempts cannot grow it without limit; the counters stay exact.
  if (body.pending.length > 500) {
    const dropped = body.pending.splice(0, body.pending.length - 500);
    for (const e of dropped) if (e.kind === 'failure') body.accounts[e.key] = afterFailure(body.accounts[e.key] ?? NO_ATTEMPTS, e.atMs);
  }
  writeSignin(dir, body);
}

function macOf(key: Buffer, body: SigninBody): string {
  const { salt, generation, index, accounts } = body;
  return createHmac('sha256', key).update(canonicalJson({ format: FORMAT, salt, generation, index, accounts })).digest('base64');
}

export function checkIntegrity(read: ReturnType<typeof readSignin>, macKey: Buffer, expectedGeneration: number): Integrity {
  if (read.state === 'missing') return expectedGeneration === 0 ? 'ok' : 'missing';
  if (read.state === 'unreadable') return 'unreadable';
  const { body } = read;
  // A file never checkpointed: right for a new vault, otherwise the old one was deleted.
  if (body.generation === 0 && body.mac === null) return expectedGeneration === 0 ? 'ok' : 'missing';
  if (!body.mac) return 'bad_mac';
  const want = Buffer.from(macOf(macKey, body), 'base64');
  const got = Buffer.from(body.mac, 'base64');
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'bad_mac';
  if (body.generation < expectedGeneration) return 'rollback';
  return 'ok';
}

/** Writes a fresh, MAC'd checkpoint (vault unlocked) and returns its generation. */
export function writeCheckpoint(
  dir: string,
  macKey: Buffer,
  prev: SigninBody,
  next: { generation: number; index: Record<string, string>; accounts: Record<string, AttemptState> },
): SigninBody {
  const body: SigninBody = {
    format: FORMAT,
    salt: prev.salt,
    generation: next.generation,
    index: next.index,
    accounts: next.accounts,
    mac: null,
    pending: [],
  };
  body.mac = macOf(macKey, body);
  writeSignin(dir, body);
  return body;
}

/** The columns of an account the sign-in file is built from. */
export type SigninAccountRow = Pick<UserRow, 'id' | 'username_key' | 'failed_attempts' | 'last_failed_at' | 'locked_at'>;

export function rowAttempts(row: SigninAccountRow): AttemptState {
  return {
    failures: row.failed_attempts,
    lastFailureAtMs: row.last_failed_at ? Date.parse(row.last_failed_at) : null,
    locked: row.locked_at !== null,
  };
}

/**
 * The checkpoint's name index and counters from the accounts in the database: the one builder
 * behind the checkpoint written at each unlock and change (refreshCheckpoint) and the file rebuilt
 * for a restored vault, so an account locked or throttled in the database stays so in the file.
 */
export function checkpointFromAccounts(body: Pick<SigninBody, 'salt'>, rows: readonly SigninAccountRow[]): { index: Record<string, string>; accounts: Record<string, AttemptState> } {
  const index: Record<string, string> = {};
  const accounts: Record<string, AttemptState> = {};
  for (const row of rows) {
    const key = usernameHash(body, row.username_key);
    index[key] = row.id;
    if (row.failed_attempts > 0 || row.locked_at) accounts[key] = rowAttempts(row);
  }
  return { index, accounts };
}

/**
 * Set in a restored database before it is swapped in (restoreBackup), removed by the first unlock,
 * which records the restore in the audit trail (reconcileAtUnlock): the trail shows the jump.
 */
export const RESTORED_SETTING = 'restored_from_backup';
export const Restored = z.strictObject({ restoredAt: z.string().max(40), backupCreatedAt: z.string().max(40) });

/**
 * Writes the sign-in file of a vault restored from a backup, from the restored database itself (the
 * file is not in the backup): the name index and each account's failure counters and lock, MAC'd
 * with its own key at its own generation, so the first unlock finds the file intact, each account's
 * password picks its slot, and a locked or throttled account stays so. The database is marked
 * restored (RESTORED_SETTING) for the first unlock's audit entry. False when the database was never
 * unlocked by the app (no MAC key yet): a missing file is then what it expects.
 */
export function rebuildSigninFromDatabase(dir: string, db: Database, restore: z.infer<typeof Restored>): boolean {
  const hasTables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('account_settings', 'users')").pluck().get() === 2;
  const macHex = hasTables ? getSetting(db, 'signin_mac_key') : null;
  if (!macHex) return false;
  setSetting(db, RESTORED_SETTING, JSON.stringify(Restored.parse(restore)));
  const base = emptyBody();
  const { index, accounts } = checkpointFromAccounts(base, listUsers(db));
  const macKey = Buffer.from(macHex, 'hex');
  try {
    writeCheckpoint(dir, macKey, base, { generation: Number(getSetting(db, 'signin_generation') ?? 0), index, accounts });
  } finally {
    macKey.fill(0);
  }
  return true;
}
