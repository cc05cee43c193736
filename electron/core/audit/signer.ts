import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * What the log needs from the device key: the vault keeps the Ed25519 key inside the encrypted
 * database (electron/core/vault getDeviceSigningKey); the log only ever asks for signatures.
 */
export interface DeviceSigner {
  deviceId: string;
  publicKeyPem: string;
  sign(bytes: Buffer): Buffer;
}

/** Wraps the vault's { deviceId, publicKeyPem, privateKey } (getDeviceSigningKey) as a signer. */
export function signerFromKey(key: { deviceId: string; publicKeyPem: string; privateKey: KeyObject }): DeviceSigner {
  if (key.privateKey.asymmetricKeyType !== 'ed25519') throw new Error('device key must be Ed25519');
  // Refuse a pair that does not match: a checkpoint signed by another key would fail verification later.
  const derived = createPublicKey(key.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  if (normalizePem(derived) !== normalizePem(key.publicKeyPem)) throw new Error('device public key does not match the private key');
  return {
    deviceId: key.deviceId,
    publicKeyPem: key.publicKeyPem,
    sign: (bytes) => sign(null, bytes, key.privateKey),
  };
}

export function normalizePem(pem: string): string {
  return pem.replace(/\r/g, '').trim();
}

/** Ed25519 verification; false for any malformed key or signature. */
export function verifyEd25519(publicKeyPem: string, bytes: Buffer, signature: Buffer): boolean {
  try {
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, bytes, key, signature);
  } catch {
    return false;
  }
}
