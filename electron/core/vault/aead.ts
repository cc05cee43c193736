import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One AES-256-GCM sealed secret. Base64 on disk. */
export interface Sealed {
  iv: string;
  wrappedKey: string;
  tag: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(kek: Buffer, secret: Buffer, associatedData: Buffer): Sealed {
  if (kek.length !== 32) throw new Error('key-encryption key must be 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData);
  const ct = Buffer.concat([cipher.update(secret), cipher.final()]);
  return { iv: iv.toString('base64'), wrappedKey: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** Returns the secret, or null when the key is wrong or anything sealed was altered. */
export function open(kek: Buffer, sealed: Sealed, associatedData: Buffer): Buffer | null {
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES || kek.length !== 32) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData);
    decipher.setAuthTag(tag);
    const first = decipher.update(Buffer.from(sealed.wrappedKey, 'base64'));
    const last = decipher.final(); // throws on a bad tag
    const out = Buffer.concat([first, last]);
    first.fill(0);
    return out;
  } catch {
    return null;
  }
}
