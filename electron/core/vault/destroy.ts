import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import type { Database } from 'better-sqlite3-multiple-ciphers';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../../../shared/canonical-json';
import { AppError } from '../../../shared/errors';
import { fsyncDir, overwriteWithRandom, writeFileAtomic } from './atomic-file';
import { PRODUCTION_KDF } from './kdf';
import { KEYSTORE_FILE, KEYSTORE_PREV_FILE, readKeystoreFile } from './keystore';
import { getDeviceSigningKey, readVaultInfo } from './meta';
import { acquireVaultLock } from './lock';
import { vaultPaths } from './paths';
import { unlockWithPassword, type VaultContext } from './vault';

/** Files other modules keep beside the vault (and their temporary or set-aside copies, `<name>.*`); named here so destruction leaves none of them. */
const COMPANION_FILES = ['audit-anchor.json', 'signin.json', 'signin.json.prev', 'sync-receipt.json', 'security-evidence.jsonl'];

/**
 * Emergency destruction (crypto-shredding). The data key exists only inside the key slots, so
 * overwriting the keystore (and its .prev) with random bytes makes vault.db undecryptable even if
 * its blocks survive on an SSD; the database files are then removed. A signed certificate records
 * what was done, by whom and when.
 *
 * The certificate carries the device public key, so it verifies on its own; that only proves the
 * signer held the vault's device key. To tie it to THIS device, compare the key with one recorded
 * earlier (audit checkpoints, the hospital server). Copies of this vault that a restore moved aside
 * (`<dir>.before-restore-<time>`) are destroyed with it; encrypted backups are separate files
 * wherever the user saved them and are NOT destroyed here.
 */
export interface DestructionCertificate {
  format: 'rsched-destruction-certificate';
  version: 1;
  vaultId: string;
  time: string;
  actor: string;
  files: Array<{ name: string; bytes: number; action: 'overwritten-and-removed' | 'removed' | 'absent' }>;
  deviceId: string;
  publicKeyPem: string;
  /** Ed25519 over the canonical JSON of every other field, base64. */
  signature: string;
}

const certSchema = z.strictObject({
  format: z.literal('rsched-destruction-certificate'),
  version: z.literal(1),
  vaultId: z.string(),
  time: z.string(),
  actor: z.string(),
  files: z.array(z.strictObject({ name: z.string(), bytes: z.number().int().nonnegative(), action: z.enum(['overwritten-and-removed', 'removed', 'absent']) })),
  deviceId: z.string(),
  publicKeyPem: z.string(),
  signature: z.string(),
});

/** The phrase a person must type to confirm. Short enough to type, specific to this vault. */
export function destructionPhrase(vaultId: string): string {
  return `DESTROY VAULT ${vaultId.slice(0, 8).toUpperCase()}`;
}

export function certificateFileName(vaultId: string): string {
  return `destruction-certificate-${vaultId}.json`;
}

/** Reads the vault id from the keystore (no unlock), to show the confirmation phrase. */
export function readVaultId(dir: string, opts: Pick<VaultContext, 'kdfPolicy'> = {}): string {
  return readKeystoreFile(vaultPaths(dir).keystore, opts.kdfPolicy ?? PRODUCTION_KDF).vaultId;
}

export async function destroyVault(
  opts: { dir: string; slotId: string; password: string; confirmation: string; actor: string } & VaultContext,
): Promise<DestructionCertificate> {
  const vaultId = readVaultId(opts.dir, opts);
  if (opts.confirmation.trim() !== destructionPhrase(vaultId)) {
    throw new AppError('CONFIRMATION_REQUIRED', `Type "${destructionPhrase(vaultId)}" to confirm destruction.`);
  }
  // Held until the certificate is written: no other program may open the vault half destroyed.
  const lock = acquireVaultLock(opts.dir, () => opts.clock.now());
  try {
    // Re-authentication from a closed vault (the CLI): the password must really open it, which also
    // yields the device key that signs the certificate.
    const vault = await unlockWithPassword({ ...opts, allowMissingWal: true });
    let signer: DestructionSigner;
    try {
      if (readVaultInfo(vault.db).vaultId !== vaultId) throw new AppError('KEYSTORE_DAMAGED');
      signer = destructionSigner(vault.db);
    } finally {
      vault.close();
    }
    return await destroyClosedVault({ dir: opts.dir, vaultId, actor: opts.actor, signer, clock: opts.clock, logger: opts.logger, offload: opts.offload });
  } finally {
    lock.release();
  }
}

export type DestructionSigner = ShredOptions['signer'];

/** What the certificate needs from the open vault: its device key (the PKCS#8 copy is the caller's to zero). */
export function destructionSigner(db: Database): DestructionSigner {
  const key = getDeviceSigningKey(db);
  return { deviceId: key.deviceId, publicKeyPem: key.publicKeyPem, privateKeyPkcs8: key.privateKey.export({ format: 'der', type: 'pkcs8' }) };
}

/**
 * The destruction proper, once the vault is closed and its signer taken: the one implementation
 * behind the app's vault.destroy (which takes the signer from the vault it has open, then closes
 * it) and the CLI's `rsched vault shred` (destroyVault above). Holds the vault lock until the
 * certificate is written; the caller may already hold it (the lock is counted per process).
 */
export async function destroyClosedVault(
  opts: { dir: string; vaultId: string; actor: string; signer: DestructionSigner } & Pick<VaultContext, 'clock' | 'logger' | 'offload'>,
): Promise<DestructionCertificate> {
  let cert: DestructionCertificate;
  try {
    const lock = acquireVaultLock(opts.dir, () => opts.clock.now());
    try {
      // Overwrites, removals and fsyncs: in the app a worker thread does them (VaultContext.offload).
      cert = await (opts.offload?.shred ?? shredVaultFiles)({ dir: opts.dir, vaultId: opts.vaultId, actor: opts.actor, time: opts.clock.now().toISOString(), signer: opts.signer });
    } finally {
      lock.release();
    }
  } finally {
    opts.signer.privateKeyPkcs8.fill(0);
  }
  opts.logger.warn('vault destroyed', { vaultId: opts.vaultId, actor: opts.actor });
  return cert;
}

export interface ShredOptions {
  dir: string;
  vaultId: string;
  actor: string;
  /** When the destruction was carried out (the certificate's time). */
  time: string;
  /** The device key that signs the certificate; the private key as PKCS#8 DER, zeroed here after use. */
  signer: { deviceId: string; publicKeyPem: string; privateKeyPkcs8: Buffer };
}

type FileRecord = DestructionCertificate['files'][number];

/** Key material: a keystore, its previous version, a leftover of an atomic write, a damaged copy kept aside. */
const KEY_FILE = /^keystore\.json(\.prev)?(\.tmp-\d+|\.damaged-\d+)?$/;
/** Encrypted data: the database, its journals, a rekeyed copy (vault.db.rekey, .rekey.tmp), snapshots, downloads. */
const DATA_FILE = /^\.?vault\.(db|session)/;

function overwriteAndRemove(path: string, name: string): FileRecord {
  const bytes = overwriteWithRandom(path, randomBytes);
  rmSync(path);
  return { name, bytes, action: 'overwritten-and-removed' };
}

function remove(path: string, name: string): FileRecord {
  const bytes = statSync(path).size;
  rmSync(path);
  return { name, bytes, action: 'removed' };
}

function filesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
}

function keystoreVaultId(path: string): string | null {
  try {
    const id = (JSON.parse(readFileSync(path, 'utf8')) as { vaultId?: unknown }).vaultId;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/**
 * Copies of this vault that a restore moved aside (`<dir>.before-restore-<time>`, backup.ts): each
 * holds a full keystore that opens the same data key, so it goes too. A copy of another vault (a
 * different vault id) is left alone.
 */
function beforeRestoreCopies(dir: string, vaultId: string): string[] {
  const parent = dirname(resolve(dir));
  const prefix = `${basename(resolve(dir))}.before-restore-`;
  return readdirSync(parent, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.startsWith(prefix))
    .map((e) => join(parent, e.name))
    .filter((copy) => [KEYSTORE_FILE, KEYSTORE_PREV_FILE].some((k) => keystoreVaultId(join(copy, k)) === vaultId))
    .sort();
}

/**
 * The destruction itself, once the caller holds the vault lock and has re-authenticated: key slots
 * (and every other copy of them: leftovers of atomic writes, damaged copies kept aside, copies a
 * restore moved aside) overwritten and removed, the database, its leftovers and companions removed,
 * the signed certificate written. Only destroyClosedVault calls it (directly, or in the vault worker
 * through VaultContext.offload).
 */
export async function shredVaultFiles(o: ShredOptions): Promise<DestructionCertificate> {
  const p = vaultPaths(o.dir);
  const files: FileRecord[] = [];
  const copies = beforeRestoreCopies(o.dir, o.vaultId);
  // 1. Key slots first: once these are random, nothing else matters cryptographically.
  for (const path of [p.keystore, p.keystorePrev]) {
    files.push(existsSync(path) ? overwriteAndRemove(path, basename(path)) : { name: basename(path), bytes: 0, action: 'absent' });
  }
  for (const name of filesIn(o.dir).filter((n) => KEY_FILE.test(n))) files.push(overwriteAndRemove(join(o.dir, name), name));
  for (const copy of copies) {
    for (const name of filesIn(copy).filter((n) => KEY_FILE.test(n))) files.push(overwriteAndRemove(join(copy, name), `${basename(copy)}/${name}`));
    fsyncDir(copy);
  }
  fsyncDir(p.dir);
  // 2. The database and its companions, including the small state files other modules keep beside it
  //    (audit anchor, sign-in index and counters, last sync receipt, tamper evidence), and leftovers
  //    (an interrupted rekey's copy, snapshot or download files): nothing of the vault stays behind.
  for (const path of [p.db, p.wal, p.shm]) {
    if (!existsSync(path)) files.push({ name: basename(path), bytes: 0, action: 'absent' });
  }
  for (const name of filesIn(o.dir).filter((n) => DATA_FILE.test(n) || COMPANION_FILES.some((c) => n === c || n.startsWith(`${c}.`)))) files.push(remove(join(o.dir, name), name));
  fsyncDir(p.dir);
  // 3. The copies a restore moved aside: everything in them is this vault's.
  for (const copy of copies) {
    for (const name of filesIn(copy)) files.push(remove(join(copy, name), `${basename(copy)}/${name}`));
    rmSync(copy, { recursive: true, force: true });
  }
  if (copies.length > 0) fsyncDir(dirname(resolve(o.dir)));

  const unsigned = {
    format: 'rsched-destruction-certificate' as const,
    version: 1 as const,
    vaultId: o.vaultId,
    time: o.time,
    actor: o.actor,
    files,
    deviceId: o.signer.deviceId,
    publicKeyPem: o.signer.publicKeyPem,
  };
  const privateKey = createPrivateKey({ key: o.signer.privateKeyPkcs8, format: 'der', type: 'pkcs8' });
  o.signer.privateKeyPkcs8.fill(0);
  const signature = sign(null, Buffer.from(canonicalJson(unsigned), 'utf8'), privateKey).toString('base64');
  const cert: DestructionCertificate = { ...unsigned, signature };
  writeFileAtomic(join(o.dir, certificateFileName(o.vaultId)), Buffer.from(JSON.stringify(cert, null, 2) + '\n', 'utf8'));
  return cert;
}

/** True when the certificate is well-formed and its signature verifies with the key it carries. */
export function verifyDestructionCertificate(cert: unknown, expectedPublicKeyPem?: string): boolean {
  const parsed = certSchema.safeParse(cert);
  if (!parsed.success) return false;
  const { signature, ...unsigned } = parsed.data;
  if (expectedPublicKeyPem !== undefined && expectedPublicKeyPem.trim() !== unsigned.publicKeyPem.trim()) return false;
  try {
    return verify(null, Buffer.from(canonicalJson(unsigned), 'utf8'), createPublicKey(unsigned.publicKeyPem), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
