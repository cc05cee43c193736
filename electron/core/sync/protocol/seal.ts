import { createCipheriv, createDecipheriv, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../../../shared/canonical-json';
import { DOMAINS, SYNC_VERSION, type SealedEnvelope, type SealedHeader } from '../../../../shared/sync/protocol';
import { publicKeyFromRaw, rawPublicKey, recipientId } from './keys';

/**
 * Sealing a message to the server's X25519 key (ECIES-style, as in HPKE base mode):
 * a fresh ephemeral X25519 key per message; shared secret = X25519(ephemeral, recipient);
 * key = HKDF-SHA256(secret, salt = ephemeral || recipient, info = domain), 32 bytes;
 * AES-256-GCM with a random 96-bit IV and the canonical JSON of the clear header as associated data,
 * so the device id, recipient and ephemeral key cannot be swapped without failing the tag.
 * A fresh key per message means the random IV never repeats under one key.
 */
function deriveKey(shared: Buffer, ephemeralRaw: Buffer, recipientRaw: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeralRaw, recipientRaw]), DOMAINS.seal, 32));
}

export function seal(plaintext: Buffer, opts: { deviceId: string; recipientSealingKey: string }): SealedEnvelope {
  const recipient = publicKeyFromRaw('x25519', opts.recipientSealingKey);
  const eph = generateKeyPairSync('x25519');
  const ephRaw = rawPublicKey(eph.publicKey);
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: recipient });
  const key = deriveKey(shared, ephRaw, Buffer.from(opts.recipientSealingKey, 'base64'));
  shared.fill(0);
  const header: SealedHeader = {
    format: 'rsched-sealed',
    version: SYNC_VERSION,
    deviceId: opts.deviceId,
    recipient: recipientId(opts.recipientSealingKey),
    ephemeralKey: ephRaw.toString('base64'),
    iv: randomBytes(12).toString('base64'),
  };
  try {
    const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(header.iv, 'base64'));
    cipher.setAAD(Buffer.from(canonicalJson(header), 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { ...header, ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  } finally {
    key.fill(0);
  }
}

/** Opens an envelope with the recipient's private key; returns null when authentication fails. */
export function open(envelope: SealedEnvelope, recipientPrivate: KeyObject, recipientPublicRaw: string): Buffer | null {
  const { ciphertext, tag, ...header } = envelope;
  if (header.recipient !== recipientId(recipientPublicRaw)) return null;
  const eph = publicKeyFromRaw('x25519', header.ephemeralKey);
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: recipientPrivate, publicKey: eph });
  } catch {
    return null; // e.g. a low-order ephemeral point: all-zero secret is refused by OpenSSL
  }
  const key = deriveKey(shared, Buffer.from(header.ephemeralKey, 'base64'), Buffer.from(recipientPublicRaw, 'base64'));
  shared.fill(0);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(header.iv, 'base64'));
    decipher.setAAD(Buffer.from(canonicalJson(header), 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    const ct = Buffer.from(ciphertext, 'base64');
    // Buffer.from skips invalid characters silently: insist on the one canonical spelling.
    if (ct.toString('base64') !== ciphertext) return null;
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    return null;
  } finally {
    key.fill(0);
  }
}
