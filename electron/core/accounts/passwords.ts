import bcrypt from 'bcryptjs';
import { randomBytes, randomInt } from 'node:crypto';
import { checkPassword, normalizePassword, PASSWORD_PROBLEM_MESSAGES, type PasswordCheckOptions } from '../../../shared/accounts/password-policy';
import { AppError } from '../../../shared/errors';

/** OWASP: bcrypt work factor 10 at least; 12 is ~0.35 s here with bcryptjs, paid once per sign-in. */
export const BCRYPT_COST = 12;

/**
 * Refuses a new password with WEAK_PASSWORD, naming the problems (never echoing the value).
 * bcrypt.truncates() is the authority on the 72-byte limit: the shared policy estimates it for the
 * renderer, this check is what holds.
 */
export function enforcePolicy(password: string, opts: PasswordCheckOptions, field = 'newPassword'): string {
  const pw = normalizePassword(password);
  const verdict = checkPassword(pw, opts);
  const problems = [...verdict.problems];
  if (bcrypt.truncates(pw) && !problems.includes('too_many_bytes') && !problems.includes('too_long')) problems.push('too_many_bytes');
  if (problems.length > 0) {
    throw new AppError('WEAK_PASSWORD', undefined, {
      issues: problems.map((p) => ({ path: field, message: PASSWORD_PROBLEM_MESSAGES[p] })),
      details: { minLength: verdict.minLength },
    });
  }
  return pw;
}

export function hashPassword(password: string): Promise<string> {
  const pw = normalizePassword(password);
  if (bcrypt.truncates(pw)) throw new AppError('WEAK_PASSWORD');
  return bcrypt.hash(pw, BCRYPT_COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  const pw = normalizePassword(password);
  // A password bcrypt would truncate can never be one we stored: refuse without the prefix match.
  if (bcrypt.truncates(pw)) return bcrypt.compare('', hash).then(() => false);
  return bcrypt.compare(pw, hash);
}

/** A valid hash of a random secret, compared against when the user name is unknown: same time cost. */
let dummyHash: Promise<string> | null = null;
export async function burnVerifyTime(password: string): Promise<false> {
  dummyHash ??= bcrypt.hash(randomBytes(16).toString('hex'), BCRYPT_COST);
  await bcrypt.compare(normalizePassword(password).slice(0, 64), await dummyHash);
  return false;
}

/**
 * One-time temporary password: 20 characters from an alphabet without look-alikes, ~100 bits,
 * grouped for reading aloud. It is generated, not chosen, so the policy's dictionary checks do not
 * apply; it works for 24 hours and must be replaced at sign-in.
 */
const TEMP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export function generateTemporaryPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 5; i++) s += TEMP_ALPHABET[randomInt(TEMP_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

export const TEMPORARY_PASSWORD_LIFETIME_MS = 24 * 60 * 60 * 1000;
