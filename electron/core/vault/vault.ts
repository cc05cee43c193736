import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../clock';
import { runMigrations, assertNotTooNew } from '../db/migrate';
import type { Logger } from '../logger';
import { fsyncDir, fsyncFile, writeFileAtomic } from './atomic-file';
import { applyKey, asDamaged, checkPages, harden, tryOpen, type Db, type Hardening } from './connection';
import { yieldToEventLoop } from '../event-loop';
import { PRODUCTION_KDF, type KdfPolicy } from './kdf';
import {
  makePasswordSlot,
  makeRecoverySlot,
  openPendingRekey,
  openSlot,
  passwordKek,
  readKeystoreFile,
  recoveryKek,
  RECOVERY_SLOT_ID,
  resealSlot,
  sealPendingRekey,
  serializeKeystore,
  KEYSTORE_FORMAT,
  KEYSTORE_VERSION,
  type KeystoreBody,
  type Slot,
} from './keystore';
import { insertDeviceKey, insertVaultMeta, readVaultInfo, type VaultInfo } from './meta';
import { vaultPaths, vaultExists, type VaultPaths } from './paths';
import { formatRecoveryKey, generateRecoveryKeyBytes, parseRecoveryKey, RecoveryKeyFormatError } from './recovery-key';
import { rekeyCopy, type CheckpointMode } from './rekey-file';
import { sweepRestoreStaging, writeBackup, type BackupSinkFactory } from './backup';
import type { VaultOffload } from './heavy';
import { acquireVaultLock, type VaultLock } from './lock';
import { registerReader } from './readers';

export interface VaultContext {
  clock: Clock;
  logger: Logger;
  /** Test-only: a weaker KDF (see testKdfPolicy). Omitted everywhere in production. */
  kdfPolicy?: KdfPolicy;
  /** Runs the heavy steps (backup, rekeyed copy) elsewhere, e.g. a worker thread (see heavy.ts). */
  offload?: VaultOffload;
}

export interface SlotSummary {
  slotId: string;
  kind: 'password' | 'recovery';
  createdAt: string;
  needsReset: boolean;
}

export interface UnlockedVault {
  readonly dir: string;
  readonly vaultId: string;
  /** The open connection, migrations already run. A getter: rekey() swaps the connection. */
  readonly db: Db;
  /** How this vault was unlocked; after a recovery-key unlock the caller must force a password reset. */
  readonly unlockedWith: { kind: 'password'; slotId: string } | { kind: 'recovery' };
  readonly mustResetPassword: boolean;
  readonly hardening: Hardening;
  info(): VaultInfo;
  listSlots(): SlotSummary[];
  addPasswordSlot(slotId: string, password: string): Promise<void>;
  removeSlot(slotId: string): Promise<void>;
  rewrapSlot(slotId: string, newPassword: string): Promise<void>;
  /**
   * New data key and recovery key. The slot in use follows the new key, or, with `keep`, only that
   * password slot does (with a fresh salt); every other password slot is marked for reset.
   */
  rekey(opts?: { keep?: { slotId: string; password: string } }): Promise<{ recoveryKey: string }>;
  /** True while rekey() runs: the connection is closed and calls get CONFLICT, not VAULT_LOCKED. */
  readonly rekeying: boolean;
  /** Replaces the recovery key (after a rekey was interrupted, or if the old one was exposed). */
  resetRecoveryKey(): Promise<{ recoveryKey: string }>;
  backup(toFile: string, opts: { passphrase?: string; passphrasePolicy?: { context: readonly string[] }; sinkFactory?: BackupSinkFactory }): Promise<void>;
  /** Copies the WAL into vault.db off this thread, so a close() right after has little left to copy. */
  flush(): Promise<void>;
  close(): void;
}

const USER_SLOT = /^user:[A-Za-z0-9._-]{1,128}$/;

function assertUserSlotId(slotId: string): void {
  if (!USER_SLOT.test(slotId)) {
    throw new AppError('BAD_INPUT', 'A slot id must look like user:<id>.', { issues: [{ path: 'slotId', message: 'expected user:<id>' }] });
  }
}

function assertPasswordShape(password: string): void {
  // The password policy (length, blocklists, bcrypt limits) belongs to accounts; here only what
  // would make a key slot meaningless.
  if (typeof password !== 'string' || password.length === 0 || password.length > 4096) {
    throw new AppError('BAD_INPUT', 'A password is required.', { issues: [{ path: 'password', message: 'required' }] });
  }
}

function policyOf(ctx: VaultContext): KdfPolicy {
  return ctx.kdfPolicy ?? PRODUCTION_KDF;
}

function wrongCredentials(details?: Record<string, number | string | boolean>, message?: string): AppError {
  return new AppError('WRONG_CREDENTIALS', message, details ? { details } : {});
}

function removeIfPresent(path: string): void {
  rmSync(path, { force: true });
}

/** Writes the keystore. `revokes`: the change withdraws a credential, so .prev must not keep it. */
function saveKeystore(p: VaultPaths, body: KeystoreBody, revokes: boolean): KeystoreBody {
  const next: KeystoreBody = { ...body, generation: body.generation + 1 };
  const bytes = serializeKeystore(next);
  writeFileAtomic(p.keystore, bytes, { prevPath: p.keystorePrev });
  if (revokes) writeFileAtomic(p.keystorePrev, bytes);
  return next;
}

function summarize(slot: Slot): SlotSummary {
  return { slotId: slot.slotId, kind: slot.kind, createdAt: slot.createdAt, needsReset: slot.wrap === null };
}

function validateTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new AppError('BAD_INPUT', 'Unknown time zone.', { issues: [{ path: 'timeZone', message: 'not an IANA time zone' }] });
  }
}

function writeSession(p: VaultPaths, clock: Clock): void {
  writeFileSync(p.session, JSON.stringify({ pid: process.pid, since: clock.now().toISOString() }) + '\n', { mode: 0o600 });
  fsyncFile(p.session);
  fsyncDir(p.dir);
}

// ---------------------------------------------------------------------------------------------
// Creation

export async function createVault(
  opts: {
    dir: string;
    programName: string;
    timeZone: string;
    firstSlot: { slotId: string; password: string };
  } & VaultContext,
): Promise<{ vault: UnlockedVault; recoveryKey: string }> {
  const policy = policyOf(opts);
  const name = opts.programName.trim();
  if (name.length === 0 || name.length > 200) {
    throw new AppError('BAD_INPUT', 'A program name is required.', { issues: [{ path: 'programName', message: '1-200 characters' }] });
  }
  validateTimeZone(opts.timeZone);
  assertUserSlotId(opts.firstSlot.slotId);
  assertPasswordShape(opts.firstSlot.password);
  if (vaultExists(opts.dir)) throw new AppError('VAULT_EXISTS');
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const lock = acquireVaultLock(opts.dir, () => opts.clock.now());
  const p = vaultPaths(opts.dir);
  try {
    // Again under the lock: another process may have created one in the meantime.
    if (vaultExists(opts.dir)) throw new AppError('VAULT_EXISTS');
    for (const leftover of [p.creating, `${p.creating}-wal`, `${p.creating}-shm`]) removeIfPresent(leftover);
  } catch (err) {
    lock.release();
    throw err;
  }

  const vaultId = randomUUID();
  const now = opts.clock.now().toISOString();
  const dek = randomBytes(32);
  const recovery = generateRecoveryKeyBytes();
  let kek: Buffer | null = null;
  try {
    // 1. The database, under a temporary name so a crash never leaves a half-made vault.db.
    const db = new Database(p.creating);
    try {
      applyKey(db, dek);
      harden(db);
      runMigrations(db, { clock: opts.clock });
      db.transaction(() => {
        insertVaultMeta(db, { vaultId, programName: name, timeZone: opts.timeZone, createdAt: now });
        insertDeviceKey(db, randomUUID(), now);
      }).immediate();
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    fsyncFile(p.creating);

    // 2. The keystore (and its .prev twin, so a damaged keystore can be repaired with the recovery key).
    const made = await makePasswordSlot(vaultId, opts.firstSlot.slotId, opts.firstSlot.password, dek, policy, now);
    kek = made.kek;
    const body: KeystoreBody = {
      format: KEYSTORE_FORMAT,
      version: KEYSTORE_VERSION,
      vaultId,
      generation: 1,
      slots: [made.slot, makeRecoverySlot(vaultId, recovery, dek, now)],
      pendingRekey: null,
    };
    const bytes = serializeKeystore(body);
    writeFileAtomic(p.keystorePrev, bytes);
    writeFileAtomic(p.keystore, bytes);

    // 3. Publish the database under its real name.
    renameSync(p.creating, p.db);
    fsyncDir(p.dir);

    const recoveryKey = formatRecoveryKey(recovery);
    const vault = openHandle(p, dek, kek, { kind: 'password', slotId: opts.firstSlot.slotId }, opts, lock);
    opts.logger.info('vault created', { vaultId });
    return { vault, recoveryKey };
  } catch (err) {
    dek.fill(0);
    kek?.fill(0);
    lock.release();
    throw err;
  } finally {
    recovery.fill(0);
  }
}

// ---------------------------------------------------------------------------------------------
// Unlock

type Credential = { kind: 'password'; slotId: string; password: string } | { kind: 'recovery'; key: Buffer };

function assertPresent(p: VaultPaths): void {
  if (!existsSync(p.keystore) && !existsSync(p.db)) throw new AppError('VAULT_MISSING');
}

/** A backup written for a download (see backupForDownload) and its temporary name. */
export const DOWNLOAD_PREFIX = 'vault.db.download-';
const DOWNLOAD_LEFTOVER = /^\.?vault\.db\.download-[0-9a-f-]{36}(\.tmp-[0-9a-f-]{36})?$/;

/**
 * Removes leftovers of interrupted operations that are never needed (nothing here holds data).
 * Best effort: a leftover we cannot remove must not stop the unlock.
 */
function sweepTemporaries(p: VaultPaths, logger: Logger): void {
  const leftovers = [p.rekeyTmp, `${p.rekeyTmp}-wal`, `${p.rekeyTmp}-shm`, `${p.rekeyTmp}-journal`];
  for (const name of readdirSync(p.dir)) {
    // keystore temp files from an interrupted write; encrypted snapshots from an interrupted backup
    // and backups being written for a download (encrypted, but of no use once their call ended)
    if (/^keystore\.json(\.prev)?\.tmp-\d+$/.test(name) || /^vault\.db\.backup-[0-9a-f-]{36}$/.test(name) || DOWNLOAD_LEFTOVER.test(name)) leftovers.push(`${p.dir}/${name}`);
  }
  for (const f of leftovers) {
    try {
      removeIfPresent(f);
    } catch (err) {
      logger.warn('could not remove a leftover file', { file: f.slice(p.dir.length + 1), err });
    }
  }
  // a restore into this folder that crashed before its swap left its staging folder beside it
  sweepRestoreStaging(p.dir, logger);
}

/**
 * Finds the slot for the credential and returns the DEK it wraps plus the KEK (kept for rewraps).
 * A missing slot still costs one scrypt, so timing does not reveal which slot ids exist.
 */
async function openCredential(body: KeystoreBody, cred: Credential, policy: KdfPolicy): Promise<{ slot: Slot; dek: Buffer; kek: Buffer }> {
  if (cred.kind === 'password') {
    const slot = body.slots.find((s) => s.slotId === cred.slotId && s.kind === 'password');
    if (!slot || slot.kind !== 'password') {
      (await passwordKek(cred.password, { name: 'scrypt', N: policy.N, r: policy.r, p: policy.p, salt: randomBytes(16).toString('base64') })).fill(0);
      throw wrongCredentials();
    }
    if (!slot.wrap) {
      throw wrongCredentials({ needsReset: true }, 'This sign-in was invalidated by a key rotation. Ask an administrator to reset it.');
    }
    const kek = await passwordKek(cred.password, slot.kdf);
    const dek = openSlot(body.vaultId, slot, kek);
    if (!dek) {
      kek.fill(0);
      throw wrongCredentials();
    }
    return { slot, dek, kek };
  }
  const slot = body.slots.find((s) => s.kind === 'recovery');
  if (!slot || slot.kind !== 'recovery' || !slot.wrap) throw wrongCredentials({ needsReset: true }, 'This vault has no usable recovery key.');
  const kek = recoveryKek(cred.key, slot.kdf.salt);
  const dek = openSlot(body.vaultId, slot, kek);
  if (!dek) {
    kek.fill(0);
    throw wrongCredentials(undefined, 'That recovery key does not open this vault.');
  }
  return { slot, dek, kek };
}

/**
 * Completes or undoes a rekey interrupted by a crash. The rename of vault.db.rekey over vault.db
 * is the commit point: if the ready copy still exists the rename did not happen (roll back),
 * otherwise vault.db is under the new key (roll forward). Only the slot being used now can be
 * re-sealed (we hold its KEK); the others are marked for reset. A recovery key generated by the
 * interrupted rekey was never shown, so the recovery slot is reset unless it is the one in use.
 */
function settlePendingRekey(p: VaultPaths, body: KeystoreBody, used: Slot, oldDek: Buffer, kek: Buffer, clock: Clock, logger: Logger): { body: KeystoreBody; dek: Buffer } {
  if (!body.pendingRekey) {
    removeIfPresent(p.rekeyReady); // a copy from a rekey that never reached its keystore write
    return { body, dek: oldDek };
  }
  const newDek = openPendingRekey(body.vaultId, body.pendingRekey, oldDek);
  if (!newDek) throw new AppError('KEYSTORE_DAMAGED', undefined, { details: { reason: 'pending rekey' } });
  if (existsSync(p.rekeyReady)) {
    newDek.fill(0);
    removeIfPresent(p.rekeyReady);
    const next = saveKeystore(p, { ...body, pendingRekey: null }, false);
    logger.warn('interrupted rekey rolled back', { vaultId: body.vaultId });
    return { body: next, dek: oldDek };
  }
  const now = clock.now().toISOString();
  const slots = body.slots.map((s) => (s.slotId === used.slotId ? resealSlot(body.vaultId, s, kek, newDek, now) : { ...s, updatedAt: now, wrap: null }));
  const next = saveKeystore(p, { ...body, slots, pendingRekey: null }, true);
  oldDek.fill(0);
  logger.warn('interrupted rekey completed', { vaultId: body.vaultId });
  return { body: next, dek: newDek };
}

async function unlock(dir: string, cred: Credential, ctx: VaultContext & { allowMissingWal?: boolean }): Promise<UnlockedVault> {
  const policy = policyOf(ctx);
  const p = vaultPaths(dir);
  assertPresent(p);
  let body: KeystoreBody;
  let repairedFromPrev = false;
  try {
    body = readKeystoreFile(p.keystore, policy);
  } catch (err) {
    // The recovery key may open the previous keystore version; passwords never fall back, since
    // .prev is only guaranteed free of revoked credentials, not of stale ones.
    if (!(err instanceof AppError) || err.code !== 'KEYSTORE_DAMAGED' || cred.kind !== 'recovery' || !existsSync(p.keystorePrev)) throw err;
    body = readKeystoreFile(p.keystorePrev, policy);
    repairedFromPrev = true;
  }
  const { slot, dek: slotDek, kek } = await openCredential(body, cred, policy);
  let dek = slotDek;
  let lock: VaultLock | null = null;
  try {
    if (!existsSync(p.db)) throw new AppError('DATABASE_DAMAGED', 'The database file is missing. Restore it from an encrypted backup.', { details: { reason: 'missing' } });
    // A session marker without a -wal file: the last session did not close, and the journal that
    // held its latest commits is gone. Opening would silently drop them; stop and say so.
    if (existsSync(p.session) && !existsSync(p.wal) && !ctx.allowMissingWal) {
      throw new AppError(
        'DATABASE_DAMAGED',
        'The vault was not closed properly and its journal file (vault.db-wal) is missing; recent changes would be lost. Put the file back, or restore a backup.',
        { details: { reason: 'wal missing' } },
      );
    }
    // Up to here nothing was written (a refused unlock leaves the folder as it was). Before the
    // first write (keystore repair, leftovers, a pending rekey): one process at a time.
    lock = acquireVaultLock(dir, () => ctx.clock.now());
    if (repairedFromPrev) {
      const damagedCopy = `${p.keystore}.damaged-${ctx.clock.nowMs()}`;
      renameSync(p.keystore, damagedCopy);
      writeFileAtomic(p.keystore, serializeKeystore(body));
      ctx.logger.warn('keystore repaired from previous version', { vaultId: body.vaultId });
    }
    sweepTemporaries(p, ctx.logger);
    const settled = settlePendingRekey(p, body, slot, dek, kek, ctx.clock, ctx.logger);
    dek = settled.dek;
    body = settled.body;
    const handle = openHandle(p, dek, kek, cred.kind === 'password' ? { kind: 'password', slotId: cred.slotId } : { kind: 'recovery' }, ctx, lock, body.vaultId);
    ctx.logger.info('vault unlocked', { vaultId: handle.vaultId, via: cred.kind });
    return handle;
  } catch (err) {
    dek.fill(0);
    kek.fill(0);
    lock?.release();
    throw err;
  }
}

export async function unlockWithPassword(opts: { dir: string; slotId: string; password: string; allowMissingWal?: boolean } & VaultContext): Promise<UnlockedVault> {
  return unlock(opts.dir, { kind: 'password', slotId: opts.slotId, password: opts.password }, opts);
}

export async function unlockWithRecoveryKey(opts: { dir: string; recoveryKey: string; allowMissingWal?: boolean } & VaultContext): Promise<UnlockedVault> {
  let key: Buffer;
  try {
    key = parseRecoveryKey(opts.recoveryKey);
  } catch (err) {
    if (err instanceof RecoveryKeyFormatError) {
      // Which group is wrong helps a person fix a typo; it reveals nothing about the key.
      throw wrongCredentials(err.group === undefined ? undefined : { group: err.group + 1 }, `Recovery key not accepted: ${err.message}.`);
    }
    throw err;
  }
  try {
    return await unlock(opts.dir, { kind: 'recovery', key }, opts);
  } finally {
    key.fill(0);
  }
}

// ---------------------------------------------------------------------------------------------
// The unlocked handle

/** Opens vault.db with an authenticated DEK: any failure to read it is damage, not a wrong key. */
function openConnection(p: VaultPaths, dek: Buffer, clock: Clock): { db: Db; hardening: Hardening } {
  let db: Db | null;
  try {
    db = tryOpen(p.db, dek);
  } catch (err) {
    throw asDamaged(err);
  }
  if (!db) throw new AppError('DATABASE_DAMAGED', undefined, { details: { reason: 'page 1 unreadable' } });
  try {
    assertNotTooNew(db); // before any write: a newer vault stays byte-identical
    const hardening = harden(db);
    checkPages(db, 'quick_check');
    runMigrations(db, { clock });
    // The same Buffer the handle keeps (and zeroes at lock): worker threads may read in parallel.
    registerReader(db, { path: p.db, dek });
    return { db, hardening };
  } catch (err) {
    db.close();
    throw asDamaged(err);
  }
}

function openHandle(p: VaultPaths, dek: Buffer, kek: Buffer, via: UnlockedVault['unlockedWith'], ctx: VaultContext, lock: VaultLock, expectVaultId?: string): UnlockedVault {
  const { db, hardening } = openConnection(p, dek, ctx.clock);
  let info: VaultInfo;
  try {
    info = readVaultInfo(db);
    if (expectVaultId && info.vaultId !== expectVaultId) throw new AppError('KEYSTORE_DAMAGED', undefined, { details: { reason: 'vault id mismatch' } });
    writeSession(p, ctx.clock);
  } catch (err) {
    db.close();
    throw err;
  }
  return new VaultHandle(p, info.vaultId, db, hardening, dek, kek, via, ctx, lock);
}

class VaultHandle implements UnlockedVault {
  readonly dir: string;
  readonly vaultId: string;
  readonly unlockedWith: UnlockedVault['unlockedWith'];
  readonly mustResetPassword: boolean;
  hardening: Hardening;
  #db: Db | null;
  #dek: Buffer;
  #kek: Buffer;
  #busy = false;
  #rekeying = false;

  constructor(
    private readonly paths: VaultPaths,
    vaultId: string,
    db: Db,
    hardening: Hardening,
    dek: Buffer,
    kek: Buffer,
    via: UnlockedVault['unlockedWith'],
    private readonly ctx: VaultContext,
    private readonly lock: VaultLock,
  ) {
    this.dir = paths.dir;
    this.vaultId = vaultId;
    this.#db = db;
    this.hardening = hardening;
    this.#dek = dek;
    this.#kek = kek;
    this.unlockedWith = via;
    this.mustResetPassword = via.kind === 'recovery';
  }

  get rekeying(): boolean {
    return this.#rekeying;
  }

  get db(): Db {
    // Mid-rekey the connection is closed for a moment; callers should retry, not sign out.
    if (!this.#db && this.#rekeying) throw new AppError('CONFLICT', 'The vault is getting a new key; try again in a moment.');
    if (!this.#db) throw new AppError('VAULT_LOCKED');
    return this.#db;
  }

  private get policy(): KdfPolicy {
    return policyOf(this.ctx);
  }

  private readBody(): KeystoreBody {
    void this.db; // throws VAULT_LOCKED when closed
    return readKeystoreFile(this.paths.keystore, this.policy);
  }

  /** Serializes keystore-changing operations: two concurrent read-modify-writes would lose one. */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#busy) throw new AppError('CONFLICT', 'Another vault operation is in progress.');
    this.#busy = true;
    try {
      return await fn();
    } finally {
      this.#busy = false;
    }
  }

  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  info(): VaultInfo {
    return readVaultInfo(this.db);
  }

  listSlots(): SlotSummary[] {
    return this.readBody().slots.map(summarize);
  }

  addPasswordSlot(slotId: string, password: string): Promise<void> {
    return this.exclusive(async () => {
      assertUserSlotId(slotId);
      assertPasswordShape(password);
      const body = this.readBody();
      if (body.slots.some((s) => s.slotId === slotId)) throw new AppError('CONFLICT', 'That key slot already exists.');
      const { slot, kek } = await makePasswordSlot(this.vaultId, slotId, password, this.#dek, this.policy, this.now());
      kek.fill(0);
      saveKeystore(this.paths, { ...body, slots: [...body.slots, slot] }, false);
      this.ctx.logger.info('key slot added', { vaultId: this.vaultId, slotId });
    });
  }

  removeSlot(slotId: string): Promise<void> {
    return this.exclusive(async () => {
      if (slotId === RECOVERY_SLOT_ID) throw new AppError('BAD_INPUT', 'The recovery slot cannot be removed; replace the recovery key instead.');
      const body = this.readBody();
      if (!body.slots.some((s) => s.slotId === slotId)) throw new AppError('NOT_FOUND');
      saveKeystore(this.paths, { ...body, slots: body.slots.filter((s) => s.slotId !== slotId) }, true);
      this.ctx.logger.info('key slot removed', { vaultId: this.vaultId, slotId });
    });
  }

  rewrapSlot(slotId: string, newPassword: string): Promise<void> {
    return this.exclusive(async () => {
      assertUserSlotId(slotId);
      assertPasswordShape(newPassword);
      const body = this.readBody();
      const index = body.slots.findIndex((s) => s.slotId === slotId && s.kind === 'password');
      const old = body.slots[index];
      if (!old) throw new AppError('NOT_FOUND');
      // A fresh salt: the old password's KEK must not open the new wrap.
      const { slot, kek } = await makePasswordSlot(this.vaultId, slotId, newPassword, this.#dek, this.policy, this.now());
      const slots = [...body.slots];
      slots[index] = { ...slot, createdAt: old.createdAt };
      saveKeystore(this.paths, { ...body, slots }, true);
      if (this.unlockedWith.kind === 'password' && this.unlockedWith.slotId === slotId) {
        this.#kek.fill(0);
        this.#kek = kek;
      } else {
        kek.fill(0);
      }
      this.ctx.logger.info('key slot rewrapped', { vaultId: this.vaultId, slotId });
    });
  }

  resetRecoveryKey(): Promise<{ recoveryKey: string }> {
    return this.exclusive(async () => {
      const body = this.readBody();
      const recovery = generateRecoveryKeyBytes();
      try {
        const old = body.slots.find((s) => s.kind === 'recovery');
        const slot = makeRecoverySlot(this.vaultId, recovery, this.#dek, this.now(), old?.createdAt);
        const slots = [...body.slots.filter((s) => s.kind !== 'recovery'), slot];
        saveKeystore(this.paths, { ...body, slots }, true);
        this.ctx.logger.info('recovery key replaced', { vaultId: this.vaultId });
        return { recoveryKey: formatRecoveryKey(recovery) };
      } finally {
        recovery.fill(0);
      }
    });
  }

  rekey(opts: { keep?: { slotId: string; password: string } } = {}): Promise<{ recoveryKey: string }> {
    return this.exclusive(async () => {
      const p = this.paths;
      // Most of the WAL goes into vault.db first, off this thread: closing then has little to copy.
      await this.checkpoint('TRUNCATE');
      const body = this.readBody();
      const keep = opts.keep;
      if (keep) {
        assertUserSlotId(keep.slotId);
        assertPasswordShape(keep.password);
        if (!body.slots.some((s) => s.slotId === keep.slotId && s.kind === 'password')) throw new AppError('NOT_FOUND');
      }
      const oldDek = this.#dek;
      const newDek = randomBytes(32);
      const recovery = generateRecoveryKeyBytes();
      // The kept slot's new wrap is made before anything changes (scrypt runs off the main thread).
      const kept = keep ? await makePasswordSlot(this.vaultId, keep.slotId, keep.password, newDek, this.policy, this.now()) : null;
      this.#rekeying = true;
      this.closeConnection();
      let committed = false;
      try {
        await (this.ctx.offload?.rekeyCopy ?? rekeyCopy)({ dbPath: p.db, oldDek, newDek, tmpPath: p.rekeyTmp, readyPath: p.rekeyReady });
        // Keystore write 1: remember the new key under the old one, so whichever slot unlocks
        // after a crash can finish (or undo) the swap.
        const pending = saveKeystore(p, { ...body, pendingRekey: sealPendingRekey(this.vaultId, oldDek, newDek) }, false);
        // Between the synchronous steps (each an fsync or a page check) IPC may run: the connection
        // is closed meanwhile and keystore changes are exclusive, so nothing can interleave.
        await yieldToEventLoop();
        removeIfPresent(p.wal);
        removeIfPresent(p.shm);
        renameSync(p.rekeyReady, p.db); // the commit point
        fsyncDir(p.dir);
        committed = true;
        await yieldToEventLoop();
        // Keystore write 2: the slot in use and the recovery slot follow the new key; every other
        // slot loses its (now useless) wrap and needs an administrator reset.
        const now = this.now();
        const inUse = this.unlockedWith.kind === 'password' ? this.unlockedWith.slotId : null;
        const slots = pending.slots.map((s): Slot => {
          if (s.kind === 'recovery') return makeRecoverySlot(this.vaultId, recovery, newDek, now, s.createdAt);
          if (kept && s.slotId === kept.slot.slotId) return { ...kept.slot, createdAt: s.createdAt };
          // A slot already marked for reset stays so: the handle's KEK must not revive it.
          if (!kept && s.slotId === inUse && s.wrap) return resealSlot(this.vaultId, s, this.#kek, newDek, now);
          return { ...s, updatedAt: now, wrap: null };
        });
        saveKeystore(p, { ...pending, slots, pendingRekey: null }, true);
        await yieldToEventLoop();
        this.#dek = newDek;
        oldDek.fill(0);
        if (kept && kept.slot.slotId === inUse) {
          this.#kek.fill(0);
          this.#kek = kept.kek;
        } else {
          kept?.kek.fill(0);
        }
        const reopened = openConnection(p, newDek, this.ctx.clock);
        await yieldToEventLoop();
        this.#db = reopened.db;
        this.hardening = reopened.hardening;
        writeSession(p, this.ctx.clock);
        this.ctx.logger.info('vault rekeyed', { vaultId: this.vaultId });
        return { recoveryKey: formatRecoveryKey(recovery) };
      } catch (err) {
        if (!committed) {
          removeIfPresent(p.rekeyReady);
          newDek.fill(0);
          kept?.kek.fill(0);
          // Undo keystore write 1 if it happened; the old key still opens vault.db.
          try {
            const current = readKeystoreFile(p.keystore, this.policy);
            if (current.pendingRekey) saveKeystore(p, { ...current, pendingRekey: null }, false);
            const reopened = openConnection(p, oldDek, this.ctx.clock);
            this.#db = reopened.db;
            writeSession(p, this.ctx.clock);
          } catch (reopenErr) {
            this.ctx.logger.error('vault could not be reopened after a failed rekey', { vaultId: this.vaultId, err: reopenErr });
            this.wipe();
          }
        } else {
          // Past the commit point: the next unlock finishes the job from the pending record.
          this.ctx.logger.error('rekey interrupted after commit; unlock again to complete it', { vaultId: this.vaultId });
          newDek.fill(0);
          kept?.kek.fill(0);
          this.wipe();
        }
        throw err;
      } finally {
        this.#rekeying = false;
        recovery.fill(0);
      }
    });
  }

  backup(toFile: string, opts: { passphrase?: string; passphrasePolicy?: { context: readonly string[] }; sinkFactory?: BackupSinkFactory }): Promise<void> {
    return this.exclusive(async () => {
      const body = this.readBody();
      await this.checkpoint('PASSIVE');
      await (this.ctx.offload?.writeBackup ?? writeBackup)({
        dbPath: this.paths.db,
        dek: this.#dek,
        keystore: body,
        toFile,
        passphrase: opts.passphrase,
        passphrasePolicy: opts.passphrasePolicy,
        policy: this.policy,
        clock: this.ctx.clock,
        sinkFactory: opts.sinkFactory,
        schemaVersion: this.info().schemaVersion,
      });
      this.ctx.logger.info('backup written', { vaultId: this.vaultId });
    });
  }

  flush(): Promise<void> {
    return this.exclusive(() => this.checkpoint('TRUNCATE'));
  }

  /** A WAL checkpoint, on a worker's connection when the heavy steps are offloaded. */
  private async checkpoint(mode: CheckpointMode): Promise<void> {
    if (this.ctx.offload) await this.ctx.offload.checkpoint({ dbPath: this.paths.db, dek: this.#dek, mode });
    else this.db.pragma(`wal_checkpoint(${mode})`);
  }

  /** Checkpoints and closes the connection; the session marker goes once the WAL is empty. */
  private closeConnection(): void {
    const db = this.#db;
    if (!db) return;
    this.#db = null;
    try {
      // A complete TRUNCATE checkpoint leaves every commit in vault.db: the marker can go first.
      const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
      if (row && row.busy === 0) removeIfPresent(this.paths.session);
    } catch (err) {
      this.ctx.logger.warn('checkpoint at close failed', { vaultId: this.vaultId, err });
    }
    db.close();
    // Another connection was reading: if ours was the last, close() checkpointed and deleted the
    // WAL, and a marker left behind would later be mistaken for a lost WAL.
    if (!existsSync(this.paths.wal)) removeIfPresent(this.paths.session);
  }

  private wipe(): void {
    this.#dek.fill(0);
    this.#kek.fill(0);
  }

  close(): void {
    if (!this.#db) {
      this.wipe();
      this.lock.release();
      return;
    }
    this.closeConnection();
    this.wipe();
    this.lock.release();
    this.ctx.logger.info('vault locked', { vaultId: this.vaultId });
  }
}

export { vaultExists };

/**
 * True when `recoveryKey` opens the recovery slot of the vault in `dir` (and, if given, that vault
 * is `vaultId`). Opens no connection and wipes every key it derives: for re-authentication and
 * break-glass checks while the vault is already open. Throws KEYSTORE_DAMAGED like unlock does.
 */
export function verifyRecoveryKey(opts: { dir: string; recoveryKey: string; vaultId?: string; kdfPolicy?: KdfPolicy }): boolean {
  let key: Buffer;
  try {
    key = parseRecoveryKey(opts.recoveryKey);
  } catch (err) {
    if (err instanceof RecoveryKeyFormatError) return false;
    throw err;
  }
  try {
    const body = readKeystoreFile(vaultPaths(opts.dir).keystore, opts.kdfPolicy ?? PRODUCTION_KDF);
    if (opts.vaultId !== undefined && body.vaultId !== opts.vaultId) return false;
    const slot = body.slots.find((s) => s.kind === 'recovery');
    if (!slot || slot.kind !== 'recovery' || !slot.wrap) return false;
    const kek = recoveryKek(key, slot.kdf.salt);
    const dek = openSlot(body.vaultId, slot, kek);
    kek.fill(0);
    dek?.fill(0);
    return dek !== null;
  } finally {
    key.fill(0);
  }
}
