import { scrypt as scryptCb } from 'node:crypto';

/** Parameters stored with each password-derived wrap. Salt is base64 of 16+ random bytes. */
export interface ScryptParams {
  name: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
}

/**
 * What the code derives with and the floor it accepts from a keystore. The floor is checked before
 * any derivation, so a keystore edited down to N=2^10 is refused rather than quietly brute-forceable.
 */
export interface KdfPolicy {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly minN: number;
  readonly minR: number;
  readonly minP: number;
  /** True only for the test policy: production entry points refuse such a policy. */
  readonly weakForTests: boolean;
}

/** OWASP Password Storage Cheat Sheet: scrypt N=2^17, r=8, p=1 (about 0.4 s here). */
export const PRODUCTION_KDF: KdfPolicy = Object.freeze({
  N: 2 ** 17,
  r: 8,
  p: 1,
  minN: 2 ** 17,
  minR: 8,
  minP: 1,
  weakForTests: false,
});

/** Upper bounds so a hostile keystore cannot make us allocate gigabytes or spin for minutes. */
const MAX_N = 2 ** 22;
const MAX_R = 32;
const MAX_P = 16;

/**
 * A fast policy for the test suite. It refuses to exist outside vitest, so no production path
 * (CLI, Electron main) can obtain one, and vaults written with it fail the production floor.
 */
export function testKdfPolicy(N = 2 ** 12): KdfPolicy {
  if (process.env.VITEST !== 'true') {
    throw new Error('testKdfPolicy is only available under the test runner');
  }
  return Object.freeze({ N, r: 8, p: 1, minN: N, minR: 8, minP: 1, weakForTests: true });
}

export function paramsAcceptable(params: Pick<ScryptParams, 'N' | 'r' | 'p'>, policy: KdfPolicy): boolean {
  const { N, r, p } = params;
  const isPow2 = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  return (
    isPow2 &&
    Number.isInteger(r) &&
    Number.isInteger(p) &&
    N >= policy.minN &&
    r >= policy.minR &&
    p >= policy.minP &&
    N <= MAX_N &&
    r <= MAX_R &&
    p <= MAX_P
  );
}

/** 128 * N * r bytes is what scrypt needs; Node's default maxmem (32 MiB) is too small for N=2^17. */
function maxmemFor(N: number, r: number, p: number): number {
  return Math.max(256 * 1024 * 1024, 128 * N * r * (p + 2));
}

/** Derives a 32-byte key-encryption key. The password is NFKC-normalized so the same typed text always works. */
export function deriveKek(password: string | Buffer, salt: Buffer, params: Pick<ScryptParams, 'N' | 'r' | 'p'>): Promise<Buffer> {
  const input = typeof password === 'string' ? Buffer.from(password.normalize('NFKC'), 'utf8') : password;
  return new Promise((resolve, reject) => {
    scryptCb(input, salt, 32, { N: params.N, r: params.r, p: params.p, maxmem: maxmemFor(params.N, params.r, params.p) }, (err, key) => {
      if (typeof password === 'string') input.fill(0);
      if (err) reject(err);
      else resolve(key);
    });
  });
}
