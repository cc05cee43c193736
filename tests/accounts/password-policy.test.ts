import { describe, expect, it } from 'vitest';
import { PASSWORD_POLICY, checkPassword, contextWords } from '../../shared/accounts/password-policy';

const ctx = { mfa: false, context: ['Family Medicine Residency', 'Madigan Army Medical Center', 'jdoe', 'Jane Doe'] };

describe('password policy (NIST 800-63B / ASVS)', () => {
  it('refuses 14 characters and accepts 15 (code points, no composition rules)', () => {
    expect(checkPassword('tangerine orbi', ctx).problems).toContain('too_short');
    const v = checkPassword('tangerine orbit', ctx);
    expect(v).toMatchObject({ ok: true, length: 15 });
  });

  it('accepts 8 characters when the account has MFA, but not 7', () => {
    expect(checkPassword('zq7#Lm2v', { ...ctx, mfa: true }).ok).toBe(true);
    expect(checkPassword('zq7#Lm2', { ...ctx, mfa: true }).problems).toContain('too_short');
  });

  it('accepts a 64-character passphrase and an emoji passphrase', () => {
    const long = 'quietly fossil tangerine orbit under a lantern of marble weather';
    expect(long.length).toBe(64);
    expect(checkPassword(long, ctx).ok).toBe(true);
    const emoji = '🐴🔋📎🦒 staple orbit fossil';
    expect(checkPassword(emoji, ctx)).toMatchObject({ ok: true, problems: [] });
  });

  it('counts code points after NFKC: a decomposed accent is one character', () => {
    const composed = 'café orbit lantern';
    const decomposed = 'cafe\u0301 orbit lantern';
    expect(checkPassword(decomposed, ctx).length).toBe(checkPassword(composed, ctx).length);
  });

  it('refuses common and breached passwords even when long enough', () => {
    for (const p of ['passwordpassword', 'iloveyou12345678', '123456789012345', 'qwertyuiopasdfgh', 'a'.repeat(64)]) {
      const v = checkPassword(p, ctx);
      expect(v.ok, p).toBe(false);
      expect(v.problems.some((x) => x === 'common' || x === 'guessable'), p).toBe(true);
    }
  });

  it('refuses context words: program, hospital, user name', () => {
    expect(checkPassword('madigan rocks forever and ever', ctx).problems).toContain('context_word');
    expect(checkPassword('residency lantern orbit fossil', ctx).problems).toContain('context_word');
    expect(checkPassword('jdoe lantern orbit fossil quietly', ctx).problems).toContain('context_word');
    expect(contextWords(['Jane Doe'])).toEqual(['jane doe', 'jane']);
  });

  it('refuses more than 72 UTF-8 bytes (bcrypt would truncate) and more than 256 characters', () => {
    const emojiHeavy = '🐴🔋📎🦒🐴🔋📎🦒🐴🔋📎🦒🐴🔋📎🦒🐴🔋📎'; // 19 code points, 76 bytes
    expect(checkPassword(emojiHeavy, ctx).problems).toContain('too_many_bytes');
    expect(checkPassword('x'.repeat(PASSWORD_POLICY.maxLength + 1), ctx).problems).toContain('too_long');
  });
});
