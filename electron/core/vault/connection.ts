import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../../shared/errors';

/**
 * Opening vault.db. SQLite3MultipleCiphers reads and writes SQLCipher 4 files when the cipher is
 * selected BEFORE the key: `cipher='sqlcipher'`, then `legacy=4`, then the key. (SQLCipher's own
 * `cipher_compatibility` pragma means nothing to this driver and is silently ignored; after the key
 * it would be too late anyway.)
 *
 * The key is handed to sqlite3_key() as the bytes `x'<64 hex>'` in a Buffer we zero right after,
 * rather than as `PRAGMA key = "x'..'"`: a PRAGMA needs a JS string, which cannot be wiped. The
 * raw-key form skips SQLCipher's PBKDF2 (the DEK is random, not a password).
 */
export type Db = Database.Database;

/**
 * The project's ambient typing (types/better-sqlite3-multiple-ciphers.d.ts) re-uses better-sqlite3's
 * types, which lack the cipher driver's key()/rekey(). Checked at runtime: on the plain driver
 * these are missing and we must refuse rather than silently write an unencrypted file.
 */
interface CipherMethods {
  key(key: Buffer): number;
  rekey(key: Buffer): number;
}
function cipherMethods(db: Db): CipherMethods {
  const c = db as unknown as Partial<CipherMethods>;
  if (typeof c.key !== 'function' || typeof c.rekey !== 'function') throw new Error('database driver has no encryption support');
  return c as CipherMethods;
}

const HEX = /^[0-9a-f]{64}$/;
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** `x'<64 lowercase hex>'` as bytes, built without ever making a JS string of the key. */
export function rawKeyLiteral(dek: Buffer): Buffer {
  if (dek.length !== 32) throw new Error('data key must be 32 bytes');
  const out = Buffer.alloc(67);
  out[0] = 0x78; // x
  out[1] = 0x27; // '
  for (let i = 0; i < 32; i++) {
    const b = dek[i] ?? 0;
    out[2 + i * 2] = HEX_DIGITS[b >> 4] ?? 0;
    out[3 + i * 2] = HEX_DIGITS[b & 15] ?? 0;
  }
  out[66] = 0x27;
  return out;
}

/** Byte-wise equivalent of /^[0-9a-f]{64}$/ on the literal's hex part (no string copy). */
function isHexLiteral(lit: Buffer): boolean {
  if (lit.length !== 67 || lit[0] !== 0x78 || lit[1] !== 0x27 || lit[66] !== 0x27) return false;
  for (let i = 2; i < 66; i++) {
    const c = lit[i] ?? 0;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** For callers that must build a PRAGMA (the oracle tests): validates before interpolating. */
export function keyPragma(hex: string): string {
  if (!HEX.test(hex)) throw new Error('key must be 64 lowercase hex digits');
  return `key = "x'${hex}'"`;
}

export interface Hardening {
  /** Whether SQLCipher's cipher_memory_security (wipe freed memory) is active on this driver build. */
  memorySecurity: 'on' | 'unsupported-by-driver';
}

function applyCipher(db: Db): void {
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
}

/** Keys a connection. Zeroes the literal; the caller keeps and later zeroes the DEK. */
export function applyKey(db: Db, dek: Buffer): void {
  applyCipher(db);
  const lit = rawKeyLiteral(dek);
  try {
    if (!isHexLiteral(lit)) throw new Error('bad key literal');
    if (cipherMethods(db).key(lit) !== 0) throw new Error('sqlite3_key failed');
  } finally {
    lit.fill(0);
  }
}

export function applyRekey(db: Db, newDek: Buffer): void {
  const lit = rawKeyLiteral(newDek);
  try {
    if (!isHexLiteral(lit)) throw new Error('bad key literal');
    if (cipherMethods(db).rekey(lit) !== 0) throw new Error('sqlite3_rekey failed');
  } finally {
    lit.fill(0);
  }
}

function one(db: Db, pragma: string): unknown {
  return db.pragma(pragma, { simple: true });
}

/**
 * Sets and then reads back every connection setting; a setting that does not stick is an error.
 * cipher_memory_security: SQLite3MultipleCiphers has no SQLCipher pragma of that name; its own
 * `memory_security` exists when the driver is compiled with SQLITE3MC_SECURE_MEMORY, which
 * scripts/secure-sqlite.mjs (postinstall) ensures. We issue both and read them back: a driver that
 * supports either is REQUIRED to report it on; a driver without it is reported, never hidden.
 */
export function harden(db: Db, opts: { readonly?: boolean } = {}): Hardening {
  db.pragma('cipher_memory_security = ON');
  db.pragma('memory_security = fill');
  const cms = db.pragma('cipher_memory_security') as unknown[];
  const ms = db.pragma('memory_security') as unknown[];
  let memorySecurity: Hardening['memorySecurity'] = 'unsupported-by-driver';
  if (cms.length > 0 || ms.length > 0) {
    const on = cms.length > 0 ? Number(one(db, 'cipher_memory_security')) === 1 : Number(one(db, 'memory_security')) >= 1;
    if (!on) throw new Error('memory security could not be enabled');
    memorySecurity = 'on';
  }
  db.pragma('secure_delete = ON');
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = ON');
  if (!opts.readonly) {
    const mode = one(db, 'journal_mode');
    if (mode !== 'wal') db.pragma('journal_mode = WAL');
  }
  // WAL defaults to synchronous=NORMAL in this build (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1): a power
  // cut could lose the last commits. FULL fsyncs the WAL on every commit.
  db.pragma('synchronous = FULL');
  const checks: Array<[string, unknown]> = [
    ['secure_delete', 1],
    ['temp_store', 2],
    ['foreign_keys', 1],
    ['synchronous', 2],
    ['cipher', 'sqlcipher'],
    ['legacy', 4],
  ];
  if (!opts.readonly) checks.push(['journal_mode', 'wal']);
  for (const [name, want] of checks) {
    const got = one(db, name);
    // The cipher pragmas return strings ('4'), the SQLite ones numbers.
    if (String(got) !== String(want)) throw new Error(`connection setting ${name} did not stick`);
  }
  return { memorySecurity };
}

function isNotADb(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
}

/**
 * Opens `path` with `dek`. Returns null when the key does not decrypt page 1 (SQLITE_NOTADB): the
 * caller decides whether that means "wrong key" or "damaged" (with an authenticated DEK, damaged).
 * Nothing is written: the first statements only read.
 */
export function tryOpen(path: string, dek: Buffer, opts: { readonly?: boolean } = {}): Db | null {
  const db = new Database(path, { fileMustExist: true, readonly: opts.readonly ?? false });
  try {
    applyKey(db, dek);
    db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
    return db;
  } catch (err) {
    db.close();
    if (isNotADb(err)) return null;
    throw err;
  }
}

/** Maps a SQLite error met while reading the vault to DATABASE_DAMAGED; passes AppErrors through. */
export function asDamaged(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('DATABASE_DAMAGED', undefined, { cause: err });
}

/** Runs quick_check (reads every page, so every page HMAC is verified); throws DATABASE_DAMAGED. */
export function checkPages(db: Db, kind: 'quick_check' | 'integrity_check' = 'quick_check'): void {
  let rows: unknown[];
  try {
    rows = db.pragma(kind, { simple: false }) as unknown[];
  } catch (err) {
    throw asDamaged(err);
  }
  const first = rows[0] as Record<string, unknown> | undefined;
  if (rows.length !== 1 || !first || Object.values(first)[0] !== 'ok') {
    throw new AppError('DATABASE_DAMAGED', undefined, { details: { problems: rows.length } });
  }
}

export function isNotADbError(err: unknown): boolean {
  return isNotADb(err);
}
