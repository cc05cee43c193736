import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { z } from 'zod';
import { canonicalJson } from '../../../shared/canonical-json';
import { AppError } from '../../../shared/errors';
import { open as openSealed, seal, type Sealed } from './aead';
import { writeFileAtomic } from './atomic-file';
import { deriveKek, paramsAcceptable, type KdfPolicy, type ScryptParams } from './kdf';

/**
 * The keystore: LUKS-style key slots beside vault.db, readable before unlock. Each slot wraps the
 * same 32-byte data key (DEK) with AES-256-GCM under a key-encryption key (KEK) derived from a
 * password (scrypt) or from the recovery key (HKDF; it already has 256 bits of entropy).
 *
 * Integrity: the file is the canonical JSON of the document plus a SHA-256 checksum of it. Parsing
 * requires the bytes to re-serialize identically, so ANY changed byte is either unparsable, a
 * checksum mismatch, or non-canonical: all reported as KEYSTORE_DAMAGED before any KDF runs. This
 * is what separates "damaged" from "wrong password" (the GCM tag alone cannot tell them apart).
 * The checksum is not a MAC: someone who can write the file can re-compute it, which is why
 * associated data binds each wrap to its slot and KDF parameters and the KDF floor is enforced.
 */
export const KEYSTORE_FILE = 'keystore.json';
export const KEYSTORE_PREV_FILE = 'keystore.json.prev';
export const KEYSTORE_FORMAT = 'rsched-keystore';
export const KEYSTORE_VERSION = 1;
export const RECOVERY_SLOT_ID = 'recovery' as const;
const MAX_KEYSTORE_BYTES = 1024 * 1024;

const b64 = (min: number, max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]*={0,2}$/)
    .refine((s) => {
      const n = Buffer.from(s, 'base64').length;
      return n >= min && n <= max && Buffer.from(s, 'base64').toString('base64') === s;
    });

const sealedSchema = z.strictObject({ iv: b64(12, 12), wrappedKey: b64(32, 32), tag: b64(16, 16) });
const scryptSchema = z.strictObject({
  name: z.literal('scrypt'),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  salt: b64(16, 64),
});
const hkdfSchema = z.strictObject({ name: z.literal('hkdf-sha256'), salt: b64(16, 64) });
const slotIdSchema = z.string().regex(/^(recovery|user:[A-Za-z0-9._-]{1,128})$/);
const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);

const passwordSlotSchema = z.strictObject({
  slotId: slotIdSchema,
  kind: z.literal('password'),
  createdAt: iso,
  updatedAt: iso,
  kdf: scryptSchema,
  /** null once a rekey has invalidated the wrap: the holder needs an administrator to reset it. */
  wrap: sealedSchema.nullable(),
});
const recoverySlotSchema = z.strictObject({
  slotId: z.literal(RECOVERY_SLOT_ID),
  kind: z.literal('recovery'),
  createdAt: iso,
  updatedAt: iso,
  kdf: hkdfSchema,
  wrap: sealedSchema.nullable(),
});
const slotSchema = z.discriminatedUnion('kind', [passwordSlotSchema, recoverySlotSchema]);

const bodySchema = z.strictObject({
  format: z.literal(KEYSTORE_FORMAT),
  version: z.literal(KEYSTORE_VERSION),
  vaultId: z.string().regex(/^[0-9a-f-]{36}$/),
  generation: z.number().int().nonnegative(),
  slots: z.array(slotSchema).max(1000),
  /** Set only between the two keystore writes of a rekey: the new DEK sealed under the old DEK. */
  pendingRekey: sealedSchema.nullable(),
});
const fileSchema = bodySchema.extend({ checksum: z.string().regex(/^[0-9a-f]{64}$/) });

export type PasswordSlot = z.infer<typeof passwordSlotSchema>;
export type RecoverySlot = z.infer<typeof recoverySlotSchema>;
export type Slot = z.infer<typeof slotSchema>;
export type KeystoreBody = z.infer<typeof bodySchema>;

function checksumOf(body: KeystoreBody): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export function serializeKeystore(body: KeystoreBody): Buffer {
  const parsed = bodySchema.parse(body);
  return Buffer.from(canonicalJson({ ...parsed, checksum: checksumOf(parsed) }) + '\n', 'utf8');
}

const damaged = (why: string): AppError => new AppError('KEYSTORE_DAMAGED', undefined, { details: { reason: why } });

/** Parses keystore bytes; every defect is AppError KEYSTORE_DAMAGED (never a crash, never a KDF run). */
export function parseKeystore(bytes: Buffer, policy: KdfPolicy): KeystoreBody {
  let text: string;
  let raw: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    raw = JSON.parse(text);
  } catch {
    throw damaged('unparsable');
  }
  const result = fileSchema.safeParse(raw);
  if (!result.success) throw damaged('structure');
  const { checksum, ...body } = result.data;
  if (checksumOf(body) !== checksum) throw damaged('checksum');
  if (canonicalJson(result.data) + '\n' !== text) throw damaged('not canonical');
  const ids = new Set<string>();
  for (const slot of body.slots) {
    if (ids.has(slot.slotId)) throw damaged('duplicate slot');
    ids.add(slot.slotId);
    if (slot.kind === 'password' && !paramsAcceptable(slot.kdf, policy)) {
      // Below the floor (or absurdly high): refuse before deriving anything.
      throw new AppError('KEYSTORE_DAMAGED', 'The keystore asks for key-derivation settings below the security policy.', {
        details: { reason: 'kdf below policy' },
      });
    }
  }
  return body;
}

export function readKeystoreFile(path: string, policy: KdfPolicy): KeystoreBody {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw damaged('missing');
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_KEYSTORE_BYTES) throw damaged('too large');
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return parseKeystore(buf.subarray(0, off), policy);
  } finally {
    closeSync(fd);
  }
}

export function writeKeystoreFile(path: string, prevPath: string | undefined, body: KeystoreBody): void {
  writeFileAtomic(path, serializeKeystore(body), prevPath ? { prevPath } : {});
}

/** Associated data: binds a wrap to the format version, vault, slot id, slot kind and KDF parameters. */
export function slotAad(vaultId: string, slot: Pick<Slot, 'slotId' | 'kind' | 'kdf'>): Buffer {
  return Buffer.from(
    canonicalJson({ format: KEYSTORE_FORMAT, version: KEYSTORE_VERSION, vaultId, slotId: slot.slotId, kind: slot.kind, kdf: slot.kdf }),
    'utf8',
  );
}

export function rekeyAad(vaultId: string): Buffer {
  return Buffer.from(canonicalJson({ format: KEYSTORE_FORMAT, version: KEYSTORE_VERSION, vaultId, purpose: 'pending-rekey' }), 'utf8');
}

export function newScryptParams(policy: KdfPolicy): ScryptParams {
  return { name: 'scrypt', N: policy.N, r: policy.r, p: policy.p, salt: randomBytes(16).toString('base64') };
}

export function recoveryKek(recoveryKey: Buffer, saltB64: string): Buffer {
  return Buffer.from(hkdfSync('sha256', recoveryKey, Buffer.from(saltB64, 'base64'), 'rsched recovery slot v1', 32));
}

export async function passwordKek(password: string, kdf: ScryptParams): Promise<Buffer> {
  return deriveKek(password, Buffer.from(kdf.salt, 'base64'), kdf);
}

/** Builds a password slot wrapping `dek`. Returns the slot and the KEK (caller zeroes or keeps it). */
export async function makePasswordSlot(
  vaultId: string,
  slotId: string,
  password: string,
  dek: Buffer,
  policy: KdfPolicy,
  now: string,
): Promise<{ slot: PasswordSlot; kek: Buffer }> {
  const kdf = newScryptParams(policy);
  const kek = await passwordKek(password, kdf);
  const base = { slotId, kind: 'password' as const, kdf };
  return { slot: { ...base, createdAt: now, updatedAt: now, wrap: seal(kek, dek, slotAad(vaultId, base)) }, kek };
}

export function makeRecoverySlot(vaultId: string, recoveryKey: Buffer, dek: Buffer, now: string, createdAt = now): RecoverySlot {
  const kdf = { name: 'hkdf-sha256' as const, salt: randomBytes(16).toString('base64') };
  const kek = recoveryKek(recoveryKey, kdf.salt);
  const base = { slotId: RECOVERY_SLOT_ID as typeof RECOVERY_SLOT_ID, kind: 'recovery' as const, kdf };
  const slot = { ...base, createdAt, updatedAt: now, wrap: seal(kek, dek, slotAad(vaultId, base)) };
  kek.fill(0);
  return slot;
}

/** Re-seals `dek` for an existing slot with a KEK the caller already holds (same salt and params). */
export function resealSlot<S extends Slot>(vaultId: string, slot: S, kek: Buffer, dek: Buffer, now: string): S {
  return { ...slot, updatedAt: now, wrap: seal(kek, dek, slotAad(vaultId, slot)) };
}

/** Opens a slot's wrap; null when the KEK is wrong (the keystore itself was already checked intact). */
export function openSlot(vaultId: string, slot: Slot, kek: Buffer): Buffer | null {
  if (!slot.wrap) return null;
  return openSealed(kek, slot.wrap, slotAad(vaultId, slot));
}

export function sealPendingRekey(vaultId: string, oldDek: Buffer, newDek: Buffer): Sealed {
  return seal(oldDek, newDek, rekeyAad(vaultId));
}

export function openPendingRekey(vaultId: string, pending: Sealed, oldDek: Buffer): Buffer | null {
  return openSealed(oldDek, pending, rekeyAad(vaultId));
}
