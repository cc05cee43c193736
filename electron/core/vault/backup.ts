import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { checkPassword, PASSWORD_PROBLEM_MESSAGES } from '../../../shared/accounts/password-policy';
import { canonicalJson } from '../../../shared/canonical-json';
import { AppError } from '../../../shared/errors';
import { rebuildSigninFromDatabase } from '../accounts/signin-file';
import type { Clock } from '../clock';
import { assertNotTooNew } from '../db/migrate';
import type { Logger } from '../logger';
import { open as openSealed, seal } from './aead';
import { fsyncDir, fsyncFile } from './atomic-file';
import { checkPages, harden, isNotADbError, tryOpen } from './connection';
import { PRODUCTION_KDF, paramsAcceptable, type KdfPolicy } from './kdf';
import { newScryptParams, openSlot, parseKeystore, passwordKek, recoveryKek, serializeKeystore, type KeystoreBody } from './keystore';
import { readVaultInfo } from './meta';
import { acquireVaultLock, LOCK_FILE, type VaultLock } from './lock';
import { vaultExists, vaultPaths } from './paths';
import { parseRecoveryKey, RecoveryKeyFormatError } from './recovery-key';
import { snapshotTo } from './rekey-file';

/**
 * Encrypted backup: one authenticated file.
 *
 *   "RSCHEDBK" | u32 BE header length | header (canonical JSON) | SHA-256(header) | body ciphertext | GCM tag (16)
 *
 * body plaintext = u32 keystore length | keystore bytes | DEK (32) | VACUUM INTO snapshot bytes
 * The body is AES-256-GCM under a random backup key BK with the header bytes as associated data,
 * so changing any byte of the file (header, body, tag, or truncation) fails the tag. The header
 * digest is not a security control (anyone can recompute it); it lets accidental damage to the
 * header be reported as damage instead of as a wrong recovery key or passphrase.
 *
 * BK is sealed twice in the header:
 *  - under HKDF(DEK): reachable with the recovery key, via a copy of the vault's recovery slot
 *    (recovery key -> recovery KEK -> DEK -> BK). Passwords cannot open a backup: their slots are
 *    only inside the encrypted body.
 *  - optionally under scrypt(passphrase), for a backup kept by someone without the recovery key.
 * The snapshot is itself SQLCipher-encrypted with the DEK; the outer layer adds whole-file
 * integrity (SQLCipher's per-page HMACs do not detect a page replaced by an older one).
 */
const MAGIC = Buffer.from('RSCHEDBK', 'latin1');
const FORMAT = 'rsched-backup';
const VERSION = 1;
const TAG_BYTES = 16;
const DIGEST_BYTES = 32;
const MAX_HEADER = 64 * 1024;
const CHUNK = 1 << 20;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const sealed = z.strictObject({ iv: b64, wrappedKey: b64, tag: b64 });
const headerSchema = z.strictObject({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  vaultId: z.string(),
  createdAt: z.string(),
  schemaVersion: z.number().int().nonnegative(),
  bodyBytes: z.number().int().positive(),
  bodyIv: b64,
  recovery: z
    .strictObject({
      slot: z.unknown(), // the vault's recovery slot, validated by parseKeystore-equivalent below
      dekKdfSalt: b64,
      wrap: sealed,
    })
    .nullable(),
  passphrase: z
    .strictObject({
      kdf: z.strictObject({ name: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int(), salt: b64 }),
      wrap: sealed,
    })
    .nullable(),
});
type BackupHeader = z.infer<typeof headerSchema>;

/** Where backup bytes go. Injected in tests to simulate a full disk. */
export interface BackupSink {
  write(chunk: Buffer): Promise<void>;
  /** Flushes to stable storage and closes. */
  finish(): Promise<void>;
  /** Closes without flushing (the caller removes the file). */
  abort(): Promise<void>;
}
export type BackupSinkFactory = (path: string) => Promise<BackupSink>;

export const fileSink: BackupSinkFactory = async (path) => {
  const fh = await openFile(path, 'wx', 0o600);
  return {
    async write(chunk) {
      let off = 0;
      while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
    },
    async finish() {
      await fh.sync();
      await fh.close();
    },
    async abort() {
      await fh.close().catch(() => undefined);
    },
  };
};

function dekKek(dek: Buffer, saltB64: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dek, Buffer.from(saltB64, 'base64'), 'rsched backup key v1', 32));
}

function headerAad(kind: string, vaultId: string, extra: unknown): Buffer {
  return Buffer.from(canonicalJson({ format: FORMAT, version: VERSION, kind, vaultId, extra }), 'utf8');
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function diskError(err: unknown): AppError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError('INTERNAL', 'The backup could not be written: the disk is full. The vault is unchanged.', { details: { reason: 'disk full' }, cause: err });
  }
  return new AppError('INTERNAL', 'The backup could not be written. The vault is unchanged.', { cause: err });
}

export async function writeBackup(opts: {
  dbPath: string;
  dek: Buffer;
  keystore: KeystoreBody;
  toFile: string;
  passphrase?: string | undefined;
  policy?: KdfPolicy;
  clock: Clock;
  schemaVersion: number;
  sinkFactory?: BackupSinkFactory | undefined;
  /** Holds the passphrase to the account password policy (words it may not contain); in the worker, as the check takes ~0.5 s. */
  passphrasePolicy?: { context: readonly string[] } | undefined;
}): Promise<void> {
  const policy = opts.policy ?? PRODUCTION_KDF;
  if (opts.passphrase !== undefined && opts.passphrasePolicy) {
    const verdict = checkPassword(opts.passphrase, { mfa: false, context: opts.passphrasePolicy.context });
    if (!verdict.ok) {
      throw new AppError('WEAK_PASSWORD', undefined, {
        issues: verdict.problems.map((p) => ({ path: 'passphrase', message: PASSWORD_PROBLEM_MESSAGES[p] })),
        details: { minLength: verdict.minLength },
      });
    }
  }
  const recoverySlot = opts.keystore.slots.find((s) => s.kind === 'recovery' && s.wrap !== null) ?? null;
  if (!recoverySlot && !opts.passphrase) {
    throw new AppError('BAD_INPUT', 'This vault has no usable recovery key: give a backup passphrase or replace the recovery key first.');
  }
  if (opts.passphrase !== undefined && opts.passphrase.length === 0) throw new AppError('BAD_INPUT', 'The backup passphrase is empty.');
  const vaultId = opts.keystore.vaultId;
  const snapshot = join(dirname(opts.dbPath), `vault.db.backup-${randomUUID()}`);
  const tmp = join(dirname(opts.toFile), `.${basename(opts.toFile)}.tmp-${randomUUID()}`);
  const bk = randomBytes(32);
  let sink: BackupSink | null = null;
  try {
    snapshotTo(opts.dbPath, opts.dek, snapshot);
    const snapBytes = statSync(snapshot).size;
    const keystoreBytes = serializeKeystore(opts.keystore);

    let recovery: BackupHeader['recovery'] = null;
    if (recoverySlot) {
      const dekKdfSalt = randomBytes(16).toString('base64');
      const k = dekKek(opts.dek, dekKdfSalt);
      recovery = { slot: recoverySlot, dekKdfSalt, wrap: seal(k, bk, headerAad('recovery', vaultId, { slot: recoverySlot, dekKdfSalt })) };
      k.fill(0);
    }
    let passphrase: BackupHeader['passphrase'] = null;
    if (opts.passphrase) {
      const kdf = newScryptParams(policy);
      const k = await passwordKek(opts.passphrase, kdf);
      passphrase = { kdf, wrap: seal(k, bk, headerAad('passphrase', vaultId, kdf)) };
      k.fill(0);
    }
    const bodyIv = randomBytes(12);
    const header: BackupHeader = {
      format: FORMAT,
      version: VERSION,
      vaultId,
      createdAt: opts.clock.now().toISOString(),
      schemaVersion: opts.schemaVersion,
      bodyBytes: 4 + keystoreBytes.length + 32 + snapBytes,
      bodyIv: bodyIv.toString('base64'),
      recovery,
      passphrase,
    };
    const headerBytes = Buffer.from(canonicalJson(header), 'utf8');

    sink = await (opts.sinkFactory ?? fileSink)(tmp);
    await sink.write(Buffer.concat([MAGIC, u32(headerBytes.length), headerBytes, createHash('sha256').update(headerBytes).digest()]));
    const cipher = createCipheriv('aes-256-gcm', bk, bodyIv, { authTagLength: TAG_BYTES });
    cipher.setAAD(headerBytes);
    const dekCopy = Buffer.from(opts.dek);
    await sink.write(cipher.update(Buffer.concat([u32(keystoreBytes.length), keystoreBytes])));
    await sink.write(cipher.update(dekCopy));
    dekCopy.fill(0);
    const fd = openSync(snapshot, 'r');
    try {
      const buf = Buffer.alloc(CHUNK);
      let pos = 0;
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, pos);
        if (n === 0) break;
        pos += n;
        await sink.write(cipher.update(buf.subarray(0, n)));
      }
      if (pos !== snapBytes) throw new Error('snapshot changed while it was read');
    } finally {
      closeSync(fd);
    }
    await sink.write(Buffer.concat([cipher.final(), cipher.getAuthTag()]));
    await sink.finish();
    sink = null;
    renameSync(tmp, opts.toFile);
    fsyncDir(dirname(opts.toFile));
  } catch (err) {
    if (sink) await sink.abort();
    rmSync(tmp, { force: true });
    if (err instanceof AppError) throw err;
    if (isNotADbError(err)) throw new AppError('DATABASE_DAMAGED', 'The vault database is damaged; no backup was written.', { cause: err });
    throw diskError(err);
  } finally {
    bk.fill(0);
    rmSync(snapshot, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Restore

const tampered = (reason: string): AppError =>
  new AppError('DATABASE_DAMAGED', 'The backup file is damaged or was altered; nothing was restored.', { details: { reason } });

function readExactly(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length);
  let off = 0;
  while (off < length) {
    const n = readSync(fd, buf, off, length - off, position + off);
    if (n === 0) break;
    off += n;
  }
  if (off !== length) throw tampered('truncated');
  return buf;
}

function readHeader(fd: number, fileSize: number): { header: BackupHeader; headerBytes: Buffer; bodyStart: number } {
  if (fileSize < MAGIC.length + 4 + DIGEST_BYTES + TAG_BYTES) throw tampered('too short');
  const start = readExactly(fd, MAGIC.length + 4, 0);
  if (!start.subarray(0, MAGIC.length).equals(MAGIC)) throw tampered('not a backup');
  const len = start.readUInt32BE(MAGIC.length);
  if (len === 0 || len > MAX_HEADER) throw tampered('header size');
  const headerBytes = readExactly(fd, len, MAGIC.length + 4);
  const digest = readExactly(fd, DIGEST_BYTES, MAGIC.length + 4 + len);
  if (!createHash('sha256').update(headerBytes).digest().equals(digest)) throw tampered('header digest');
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch {
    throw tampered('header');
  }
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success) throw tampered('header');
  const bodyStart = MAGIC.length + 4 + len + DIGEST_BYTES;
  if (fileSize !== bodyStart + parsed.data.bodyBytes + TAG_BYTES) throw tampered('length');
  return { header: parsed.data, headerBytes, bodyStart };
}

/** Recovers the backup key BK from the header with the credential given. */
async function backupKey(header: BackupHeader, cred: { recoveryKey?: string | undefined; passphrase?: string | undefined }, policy: KdfPolicy): Promise<Buffer> {
  if (cred.recoveryKey !== undefined) {
    if (!header.recovery) throw new AppError('WRONG_CREDENTIALS', 'This backup can only be opened with its passphrase.');
    let rk: Buffer;
    try {
      rk = parseRecoveryKey(cred.recoveryKey);
    } catch (err) {
      if (err instanceof RecoveryKeyFormatError) throw new AppError('WRONG_CREDENTIALS', `Recovery key not accepted: ${err.message}.`);
      throw err;
    }
    // The embedded slot is checked like a keystore slot (shape, sizes) before use.
    const probe = {
      format: 'rsched-keystore',
      version: 1,
      vaultId: header.vaultId,
      generation: 0,
      slots: [header.recovery.slot],
      pendingRekey: null,
    };
    let slotBody: KeystoreBody;
    try {
      slotBody = parseKeystore(serializeKeystore(probe as KeystoreBody), policy);
    } catch {
      rk.fill(0);
      throw tampered('recovery slot');
    }
    const slot = slotBody.slots[0];
    if (!slot || slot.kind !== 'recovery') {
      rk.fill(0);
      throw tampered('recovery slot');
    }
    const kek = recoveryKek(rk, slot.kdf.salt);
    rk.fill(0);
    const dek = openSlot(header.vaultId, slot, kek);
    kek.fill(0);
    if (!dek) throw new AppError('WRONG_CREDENTIALS', 'That recovery key does not open this backup.');
    const k = dekKek(dek, header.recovery.dekKdfSalt);
    dek.fill(0);
    const bk = openSealed(k, header.recovery.wrap, headerAad('recovery', header.vaultId, { slot: header.recovery.slot, dekKdfSalt: header.recovery.dekKdfSalt }));
    k.fill(0);
    if (!bk) throw tampered('recovery wrap');
    return bk;
  }
  if (cred.passphrase !== undefined) {
    if (!header.passphrase) throw new AppError('WRONG_CREDENTIALS', 'This backup has no passphrase; use the recovery key.');
    if (!paramsAcceptable(header.passphrase.kdf, policy)) throw tampered('kdf below policy');
    const k = await passwordKek(cred.passphrase, header.passphrase.kdf);
    const bk = openSealed(k, header.passphrase.wrap, headerAad('passphrase', header.vaultId, header.passphrase.kdf));
    k.fill(0);
    if (!bk) throw new AppError('WRONG_CREDENTIALS', 'That passphrase does not open this backup.');
    return bk;
  }
  throw new AppError('BAD_INPUT', 'Give the recovery key or the backup passphrase.');
}

const STAGING = /\.restore-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function stagingPrefix(dir: string): string {
  return `${basename(dir.replace(/[\\/]+$/, ''))}.restore-`;
}

/**
 * Removes staging folders (`<dir>.restore-<uuid>`) that a restore interrupted by a crash or power
 * loss left beside `dir`. They hold a backup's database (still SQLCipher-encrypted) and keystore,
 * of no use once their restore is gone. Returns the names removed.
 */
export function sweepRestoreStaging(dir: string, logger: Logger): string[] {
  const parent = dirname(dir.replace(/[\\/]+$/, ''));
  const prefix = stagingPrefix(dir);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !STAGING.test(name)) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true });
      removed.push(name);
    } catch (err) {
      logger.warn('could not remove a restore staging folder', { folder: name, err });
    }
  }
  if (removed.length > 0) logger.warn('removed staging folders of an interrupted restore', { count: removed.length });
  return removed;
}

export interface RestoreResult {
  vaultId: string;
  /** Where the vault that was replaced now lives (only with replaceExisting). */
  replacedDir: string | null;
}

/**
 * Restores a backup into `dir`. Order: authenticate the whole file while decrypting into a staging
 * folder beside `dir`; open the staged vault, check every page and the schema version; only then
 * move an existing vault aside (never deleted) and rename the staging folder into place.
 */
export async function restoreBackup(opts: {
  file: string;
  dir: string;
  recoveryKey?: string;
  passphrase?: string;
  /** Needed when `dir` already holds a vault; the old one is kept as `<dir>.before-restore-<time>`. */
  replaceExisting?: boolean;
  clock: Clock;
  logger: Logger;
  kdfPolicy?: KdfPolicy;
}): Promise<RestoreResult> {
  const policy = opts.kdfPolicy ?? PRODUCTION_KDF;
  if (!existsSync(opts.file)) throw new AppError('NOT_FOUND', 'The backup file was not found.');
  if (vaultExists(opts.dir) && !opts.replaceExisting) throw new AppError('VAULT_EXISTS');
  sweepRestoreStaging(opts.dir, opts.logger);
  const fd = openSync(opts.file, 'r');
  const staging = `${opts.dir.replace(/[\\/]+$/, '')}.restore-${randomUUID()}`;
  let dek: Buffer | null = null;
  let bk: Buffer | null = null;
  let lock: VaultLock | null = null;
  let replacedDir: string | null = null;
  try {
    const size = statSync(opts.file).size;
    const { header, headerBytes, bodyStart } = readHeader(fd, size);
    bk = await backupKey(header, opts, policy);
    const tag = readExactly(fd, TAG_BYTES, bodyStart + header.bodyBytes);
    const decipher = createDecipheriv('aes-256-gcm', bk, Buffer.from(header.bodyIv, 'base64'), { authTagLength: TAG_BYTES });
    decipher.setAAD(headerBytes);
    decipher.setAuthTag(tag);

    mkdirSync(staging, { mode: 0o700 });
    const sp = vaultPaths(staging);
    const out = openSync(sp.db, 'wx', 0o600);
    // Plaintext of the body starts with the keystore and DEK; the rest is the (SQLCipher-encrypted)
    // database, streamed to disk. Nothing is trusted until final() verifies the tag.
    let prefix = Buffer.alloc(0);
    let prefixNeed = -1;
    let written = 0;
    try {
      const buf = Buffer.alloc(CHUNK);
      let pos = bodyStart;
      const end = bodyStart + header.bodyBytes;
      while (pos < end) {
        const n = readSync(fd, buf, 0, Math.min(CHUNK, end - pos), pos);
        if (n === 0) throw tampered('truncated');
        pos += n;
        let plain = decipher.update(buf.subarray(0, n));
        if (prefixNeed !== 0) {
          prefix = Buffer.concat([prefix, plain]);
          if (prefixNeed < 0 && prefix.length >= 4) {
            const ksLen = prefix.readUInt32BE(0);
            if (ksLen > 1024 * 1024) throw tampered('keystore size');
            prefixNeed = 4 + ksLen + 32;
          }
          if (prefixNeed > 0 && prefix.length >= prefixNeed) {
            plain = prefix.subarray(prefixNeed);
            prefix = prefix.subarray(0, prefixNeed);
            prefixNeed = 0;
          } else {
            continue;
          }
        }
        let off = 0;
        while (off < plain.length) {
          off += writeSync(out, plain, off, plain.length - off);
        }
        written += plain.length;
      }
      try {
        decipher.final();
      } catch {
        throw tampered('authentication');
      }
    } finally {
      closeSync(out);
    }
    if (prefixNeed !== 0) throw tampered('body');
    const ksLen = prefix.readUInt32BE(0);
    const keystore = parseKeystore(prefix.subarray(4, 4 + ksLen), policy);
    dek = Buffer.from(prefix.subarray(4 + ksLen, 4 + ksLen + 32));
    prefix.fill(0);
    if (keystore.vaultId !== header.vaultId || written <= 0) throw tampered('contents');
    fsyncFile(sp.db);

    // Open the staged vault exactly as an unlock would, but read-only in spirit: check it first.
    const db = tryOpen(sp.db, dek);
    if (!db) throw tampered('database key');
    try {
      assertNotTooNew(db);
      harden(db);
      checkPages(db, 'integrity_check');
      if (readVaultInfo(db).vaultId !== header.vaultId) throw tampered('vault id');
      // The sign-in file beside the vault is not in the backup: without it only the recovery key
      // would open the restored vault. Rebuilt from this database (counters and locks included), it
      // verifies at the first unlock, which also records the restore in the trail.
      rebuildSigninFromDatabase(staging, db, { restoredAt: opts.clock.now().toISOString(), backupCreatedAt: header.createdAt });
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    writeFileSync(sp.keystore, serializeKeystore(keystore), { mode: 0o600 });
    writeFileSync(sp.keystorePrev, serializeKeystore(keystore), { mode: 0o600 });
    fsyncFile(sp.keystore);
    fsyncFile(sp.keystorePrev);
    fsyncDir(staging);

    // Swap in. The vault being replaced is moved aside, not deleted: restoring loses nothing.
    // Never from under a program that has it open.
    if (vaultExists(opts.dir)) lock = acquireVaultLock(opts.dir, () => opts.clock.now());
    if (existsSync(opts.dir)) {
      if (readdirSync(opts.dir).length === 0) rmdirSync(opts.dir);
      else {
        if (!opts.replaceExisting) throw new AppError('VAULT_EXISTS');
        replacedDir = `${opts.dir.replace(/[\\/]+$/, '')}.before-restore-${opts.clock.now().toISOString().replace(/[:.]/g, '-')}`;
        renameSync(opts.dir, replacedDir);
      }
    }
    renameSync(staging, opts.dir);
    fsyncDir(dirname(opts.dir));
    opts.logger.info('backup restored', { vaultId: header.vaultId, replaced: replacedDir !== null });
    return { vaultId: header.vaultId, replacedDir };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    closeSync(fd);
    dek?.fill(0);
    bk?.fill(0);
    lock?.release();
    // The lock file moved aside with the replaced vault; the copy kept there is not open anywhere.
    if (replacedDir) rmSync(join(replacedDir, LOCK_FILE), { force: true });
  }
}
