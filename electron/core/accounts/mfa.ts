import { createHash, randomBytes } from 'node:crypto';
import { generate, generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s, the parameters every authenticator app supports) and
 * one-time recovery codes. Time comes from the core's Clock, so tests can travel.
 */
export const TOTP_ISSUER = 'Residency Scheduler';
const PERIOD_S = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export async function enrollmentMaterial(secret: string, label: string): Promise<{ otpauthUri: string; qrDataUrl: string }> {
  const otpauthUri = generateURI({ issuer: TOTP_ISSUER, label, secret, period: PERIOD_S });
  const qrDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2 });
  return { otpauthUri, qrDataUrl };
}

/**
 * Checks a code at `nowMs`, accepting one step of clock drift either way, and refusing any step
 * at or before `afterStep` (a code, once used, cannot be replayed). Returns the matched step.
 */
export async function checkTotp(secret: string, code: string, nowMs: number, afterStep: number | null): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    period: PERIOD_S,
    epochTolerance: PERIOD_S,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  });
  // The functional API types TOTP and HOTP results together; only TOTP's carries the step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** For tests and the CLI: the code an authenticator would show at `nowMs`. */
export function totpAt(secret: string, nowMs: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(nowMs / 1000), period: PERIOD_S });
}

const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten codes of 10 characters (~49 bits each), shown once as xxxxx-xxxxx. */
export function newRecoveryCodes(count = 10): string[] {
  const codes: string[] = [];
  for (let c = 0; c < count; c++) {
    const bytes = randomBytes(10);
    let s = '';
    for (const b of bytes) s += CODE_ALPHABET[b % CODE_ALPHABET.length];
    codes.push(`${s.slice(0, 5)}-${s.slice(5)}`);
  }
  return codes;
}

export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update('rsched-mfa-recovery\0').update(normalizeRecoveryCode(code)).digest('hex');
}
