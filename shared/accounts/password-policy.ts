import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

/**
 * The password policy (NIST SP 800-63B section 3.1.1, OWASP ASVS 5.0 V6), pure so the renderer can
 * show the same verdict inline that the main process enforces:
 * - length counted in Unicode code points after NFKC normalization: at least 15 (8 when the account
 *   has MFA), at most 256;
 * - no composition rules, no rotation, any character (spaces and emoji included);
 * - refused when it is a common or breached password, or guessable (zxcvbn score below 3), or
 *   contains a context word (program, hospital, user name); with MFA the score floor is 2;
 * - refused when longer than 72 UTF-8 bytes, because bcrypt reads only 72 bytes: we refuse rather
 *   than truncate silently (the main process checks again with bcrypt.truncates()).
 */
export const PASSWORD_POLICY = {
  minLength: 15,
  minLengthWithMfa: 8,
  maxLength: 256,
  maxBytes: 72,
  minScore: 3,
  /** With a second factor the password alone no longer guards the account (800-63B 5.1.1.2). */
  minScoreWithMfa: 2,
  /** Shorter context fragments ("md", "fm") would refuse ordinary words. */
  minContextWordLength: 4,
} as const;

export type PasswordProblem = 'too_short' | 'too_long' | 'too_many_bytes' | 'common' | 'context_word' | 'guessable';

export interface PasswordVerdict {
  ok: boolean;
  problems: PasswordProblem[];
  /** zxcvbn score 0-4, for a strength meter. */
  score: number;
  /** Code points after normalization. */
  length: number;
  minLength: number;
}

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  too_short: 'Use a longer password: a few unrelated words make a good passphrase.',
  too_long: 'That password is longer than 256 characters.',
  too_many_bytes: 'That password is too long to store safely (72 bytes at most; emoji and accented letters count 2 to 4).',
  common: 'That password is on a list of common or breached passwords.',
  context_word: 'Do not use the program, hospital or your user name in your password.',
  guessable: 'That password would be easy to guess. Add more unrelated words.',
};

/** NFKC so that the same passphrase typed on another keyboard or OS still matches. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const utf8 = new TextEncoder();

let factory: ZxcvbnFactory | null = null;
function zxcvbn(): ZxcvbnFactory {
  // Built lazily: the dictionaries take a moment to index and most calls never need them.
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return factory;
}

/** Splits context (program name, hospital, user name, email) into the words worth refusing. */
export function contextWords(context: readonly string[]): string[] {
  const words = new Set<string>();
  for (const raw of context) {
    const text = raw.normalize('NFKC').toLowerCase();
    for (const part of [text, ...text.split(/[^\p{L}\p{N}]+/u)]) {
      const w = part.trim();
      if (codePointLength(w) >= PASSWORD_POLICY.minContextWordLength) words.add(w);
    }
  }
  return [...words];
}

function isCommon(result: ZxcvbnResult, password: string): boolean {
  // A single dictionary match spanning the whole password, from a password list: e.g.
  // "passwordpassword" is a repeat of one, "iloveyou12345678" a common one with a suffix.
  const passwordLists = new Set(['passwords-common', 'diceware-common']);
  return result.sequence.some(
    (m) =>
      m.pattern === 'dictionary' &&
      passwordLists.has(String((m as { dictionaryName?: string }).dictionaryName)) &&
      m.token.length >= Math.max(8, password.length - 4),
  );
}

export interface PasswordCheckOptions {
  /** The account has (or will have) TOTP enrolled: the minimum drops to 8. */
  mfa: boolean;
  /** Program name, hospital, user name, display name, email. */
  context: readonly string[];
}

export function checkPassword(password: string, opts: PasswordCheckOptions): PasswordVerdict {
  const pw = normalizePassword(password);
  const length = codePointLength(pw);
  const minLength = opts.mfa ? PASSWORD_POLICY.minLengthWithMfa : PASSWORD_POLICY.minLength;
  const problems: PasswordProblem[] = [];
  if (length < minLength) problems.push('too_short');
  if (length > PASSWORD_POLICY.maxLength) problems.push('too_long');
  else if (utf8.encode(pw).byteLength > PASSWORD_POLICY.maxBytes) problems.push('too_many_bytes');
  // Past the length limit zxcvbn's work grows for nothing: the verdict is already "no".
  if (problems.includes('too_long')) return { ok: false, problems, score: 0, length, minLength };

  const lower = pw.toLowerCase();
  const words = contextWords(opts.context);
  if (words.some((w) => lower.includes(w))) problems.push('context_word');

  const result = zxcvbn().check(pw, words);
  if (isCommon(result, lower)) problems.push('common');
  else if (result.score < (opts.mfa ? PASSWORD_POLICY.minScoreWithMfa : PASSWORD_POLICY.minScore)) problems.push('guessable');
  return { ok: problems.length === 0, problems, score: result.score, length, minLength };
}
