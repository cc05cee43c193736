import { createHash, randomBytes } from 'node:crypto';

/**
 * The recovery key: 256 random bits shown once, in a form a person can copy by hand.
 *
 * Display form: 8 groups of 8 Crockford base32 characters joined by '-'. Each group encodes 4 key
 * bytes plus 1 check byte = 40 bits = exactly 8 characters. The check byte is the first byte of
 * SHA-256("rsched-rk" || groupIndex || groupBytes): it catches a mistyped group (miss rate 1/256
 * per group) and groups typed in the wrong order, and tells the person WHICH group is wrong.
 * Crockford's alphabet has no I, L, O, U; on input I/L read as 1 and O as 0, case is ignored.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_GROUPS = 8;
const GROUP_CHARS = 8;
const KEY_BYTES = 32;

export class RecoveryKeyFormatError extends Error {
  override name = 'RecoveryKeyFormatError';
  constructor(
    message: string,
    /** 0-based index of the first bad group, when known. */
    readonly group?: number,
  ) {
    super(message);
  }
}

function checkByte(index: number, bytes: Buffer): number {
  const h = createHash('sha256').update('rsched-rk').update(Buffer.from([index])).update(bytes).digest();
  const b = h[0] ?? 0;
  h.fill(0);
  return b;
}

function encodeGroup(index: number, bytes: Buffer): string {
  // 5 bytes -> 40 bits -> 8 characters; BigInt is fine here (not hot, and no key copy outlives it).
  const five = Buffer.concat([bytes, Buffer.from([checkByte(index, bytes)])]);
  let n = 0n;
  for (const b of five) n = (n << 8n) | BigInt(b);
  five.fill(0);
  let out = '';
  for (let i = GROUP_CHARS - 1; i >= 0; i--) out += ALPHABET[Number((n >> BigInt(i * 5)) & 31n)];
  return out;
}

function normalizeChar(c: string): string {
  const u = c.toUpperCase();
  if (u === 'I' || u === 'L') return '1';
  if (u === 'O') return '0';
  return u;
}

function decodeGroup(index: number, text: string): Buffer {
  if (text.length !== GROUP_CHARS) throw new RecoveryKeyFormatError(`group ${index + 1} must have ${GROUP_CHARS} characters`, index);
  let n = 0n;
  for (const raw of text) {
    const v = ALPHABET.indexOf(normalizeChar(raw));
    if (v < 0) throw new RecoveryKeyFormatError(`group ${index + 1} has a character that is not in the alphabet`, index);
    n = (n << 5n) | BigInt(v);
  }
  const five = Buffer.alloc(5);
  for (let i = 4; i >= 0; i--) {
    five[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  const bytes = Buffer.from(five.subarray(0, 4));
  const ok = checkByte(index, bytes) === five[4];
  five.fill(0);
  if (!ok) {
    bytes.fill(0);
    throw new RecoveryKeyFormatError(`group ${index + 1} does not match its check character`, index);
  }
  return bytes;
}

/** Splits typed text into groups, ignoring spaces and dashes between them. */
function groupsOf(text: string): string[] {
  const compact = text.replace(/[\s-]+/g, '');
  if (compact.length !== RECOVERY_GROUPS * GROUP_CHARS) {
    throw new RecoveryKeyFormatError(`a recovery key has ${RECOVERY_GROUPS} groups of ${GROUP_CHARS} characters`);
  }
  const out: string[] = [];
  for (let i = 0; i < RECOVERY_GROUPS; i++) out.push(compact.slice(i * GROUP_CHARS, (i + 1) * GROUP_CHARS));
  return out;
}

export function generateRecoveryKeyBytes(): Buffer {
  return randomBytes(KEY_BYTES);
}

export function formatRecoveryKey(key: Buffer): string {
  if (key.length !== KEY_BYTES) throw new Error('recovery key must be 32 bytes');
  const groups: string[] = [];
  for (let i = 0; i < RECOVERY_GROUPS; i++) groups.push(encodeGroup(i, key.subarray(i * 4, i * 4 + 4)));
  return groups.join('-');
}

/** Parses the display form back to the 32 key bytes; throws RecoveryKeyFormatError naming the bad group. */
export function parseRecoveryKey(text: string): Buffer {
  const groups = groupsOf(text);
  const parts = groups.map((g, i) => decodeGroup(i, g));
  const key = Buffer.concat(parts);
  for (const p of parts) p.fill(0);
  return key;
}

/**
 * For the "retype group N to confirm you wrote it down" step: true when `typed` is group
 * `groupIndex` (0-based) of `displayKey`, tolerant of case and of I/L/O look-alikes.
 */
export function checkRetypedGroup(displayKey: string, groupIndex: number, typed: string): boolean {
  const groups = groupsOf(displayKey);
  const expected = groups[groupIndex];
  if (expected === undefined) return false;
  const t = typed.replace(/[\s-]+/g, '');
  if (t.length !== GROUP_CHARS) return false;
  let same = true;
  for (let i = 0; i < GROUP_CHARS; i++) {
    if (normalizeChar(t[i] ?? '') !== normalizeChar(expected[i] ?? '')) same = false;
  }
  return same;
}
