import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../../../shared/canonical-json';

/**
 * Key handling shared by the device and the server (Node crypto). Public keys travel as their raw
 * 32 bytes in base64 (RFC 8032 / RFC 7748 encodings), private keys stay PKCS#8 DER at rest.
 */
export type KeyKind = 'ed25519' | 'x25519';

export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('not an OKP public key');
  return Buffer.from(jwk.x, 'base64url');
}

export function publicKeyFromRaw(kind: KeyKind, rawB64: string): KeyObject {
  const raw = Buffer.from(rawB64, 'base64');
  if (raw.length !== 32) throw new Error(`${kind} public key must be 32 bytes`);
  return createPublicKey({ key: { kty: 'OKP', crv: kind === 'ed25519' ? 'Ed25519' : 'X25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export function privateKeyFromPkcs8(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

export interface KeyPairDer {
  publicRaw: string;
  privatePkcs8: Buffer;
}

export function generateKeyPair(kind: KeyKind): KeyPairDer {
  const { publicKey, privateKey } = kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('x25519');
  return { publicRaw: rawPublicKey(publicKey).toString('base64'), privatePkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }) };
}

/** The exact bytes a signature covers: a domain line, then the canonical JSON of the body. */
export function signedBytes(domain: string, body: unknown): Buffer {
  return Buffer.from(`${domain}\n${canonicalJson(body)}`, 'utf8');
}

export function signBody(domain: string, body: unknown, privateKey: KeyObject): string {
  return sign(null, signedBytes(domain, body), privateKey).toString('base64');
}

function domainBytes(domain: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${domain}\n`, 'utf8'), payload]);
}

/** Ed25519 over `domain + '\n' + payload` (payload: UTF-8 canonical JSON bytes); 64 raw bytes. */
export function signPayload(domain: string, payload: Buffer, privateKey: KeyObject): Buffer {
  return sign(null, domainBytes(domain, payload), privateKey);
}

export function verifyPayload(domain: string, payload: Buffer, signature: Buffer, publicKey: KeyObject): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(null, domainBytes(domain, payload), publicKey, signature);
  } catch {
    return false;
  }
}

export function verifyBody(domain: string, body: unknown, signatureB64: string, publicKey: KeyObject): boolean {
  const sig = Buffer.from(signatureB64, 'base64');
  if (sig.length !== 64) return false;
  try {
    return verify(null, signedBytes(domain, body), publicKey, sig);
  } catch {
    return false;
  }
}

/**
 * Fingerprint read aloud over the phone: SHA-256 over the canonical JSON of the public keys, first
 * 20 bytes (160 bits: far beyond what anyone could grind a look-alike for) in groups of 4 hex digits.
 */
export function fingerprint(keys: { signingKey: string; sealingKey: string; tlsSpkiSha256?: string | null }): string {
  const digest = createHash('sha256').update(canonicalJson({ fingerprint: 'rsched-sync/v1', ...keys })).digest('hex').slice(0, 40);
  return digest.match(/.{4}/g)?.join(' ') ?? digest;
}

/** SHA-256 of the certificate's SubjectPublicKeyInfo (DER), base64: survives re-issuing with the same key. */
export function spkiPinOfCert(certPemOrDer: string | Buffer): string {
  const cert = new X509Certificate(certPemOrDer);
  const spki = cert.publicKey.export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(spki).digest('base64');
}

/** First 16 bytes of SHA-256 of a raw X25519 key: names the recipient of a sealed envelope. */
export function recipientId(sealingKeyRawB64: string): string {
  return createHash('sha256').update(Buffer.from(sealingKeyRawB64, 'base64')).digest().subarray(0, 16).toString('base64');
}
