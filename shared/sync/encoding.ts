import { z } from 'zod';

/**
 * Wire encodings shared by every sync message. Pure (runs in the renderer too): no Buffer, no Node.
 * Binary values travel as canonical standard base64: the schema refuses anything that does not
 * re-encode to the same string, so one value has exactly one spelling and signatures over canonical
 * JSON cannot be malleated by re-padding.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/**
 * Number of bytes a canonical base64 string decodes to, or -1 when it is not canonical base64.
 * A table loop rather than a regular expression: ciphertexts run to megabytes, and this is ~10x
 * faster there than the equivalent regex.
 */
export function base64ByteLength(s: string): number {
  const n = s.length;
  if (n % 4 !== 0) return -1;
  if (n === 0) return 0;
  const pad = s.charCodeAt(n - 1) === 61 ? (s.charCodeAt(n - 2) === 61 ? 2 : 1) : 0;
  for (let i = 0; i < n - pad; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (VALUE[c] as number) < 0) return -1;
  }
  // The last symbol before padding must not carry bits the length cannot hold (non-canonical).
  if (pad > 0) {
    const idx = VALUE[s.charCodeAt(n - pad - 1)] as number;
    if ((idx & (pad === 2 ? 0x0f : 0x03)) !== 0) return -1;
  }
  return (n / 4) * 3 - pad;
}

/** A base64 value of exactly `n` bytes. */
export const b64Bytes = (n: number, what: string) =>
  z.string().refine((s) => base64ByteLength(s) === n, { message: `${what} must be ${n} bytes of canonical base64` });

/** A base64 value of between min and max bytes. */
export const b64Range = (min: number, max: number, what: string) =>
  z.string().refine(
    (s) => {
      const n = base64ByteLength(s);
      return n >= min && n <= max;
    },
    { message: `${what} must be ${min}-${max} bytes of canonical base64` },
  );

export const sha256B64 = (what: string) => b64Bytes(32, what);
export const ed25519PublicKeyB64 = b64Bytes(32, 'Ed25519 public key');
export const x25519PublicKeyB64 = b64Bytes(32, 'X25519 public key');
export const ed25519SignatureB64 = b64Bytes(64, 'Ed25519 signature');

/** UTC instant, millisecond precision, as the clock's toISOString() writes it. */
export const isoInstant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be an ISO-8601 UTC instant with milliseconds');

/** Device ids come from the vault's device key; kept to a safe alphabet so they can name files. */
export const deviceIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'device id must be 1-128 of [A-Za-z0-9._-]');

/** Tree sizes and sequence numbers: non-negative safe integers. */
export const treeSize = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
