import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../shared/errors';
import { parseJsonText, parseMessage } from '../shared/sync/parse';
import { ed25519PublicKeyB64, x25519PublicKeyB64, b64Range } from '../shared/sync/encoding';
import { fingerprint, generateKeyPair, privateKeyFromPkcs8, publicKeyFromRaw } from '../electron/core/sync/protocol/keys';

/**
 * The server's long-term keys: Ed25519 signs enrollment responses and receipts, X25519 opens sealed
 * batches. Kept in `server-identity.json` (mode 0600) in the data folder; the folder belongs on an
 * encrypted, access-controlled disk (it also holds the devices' audit entries).
 */
export const IDENTITY_FILE = 'server-identity.json';

const identityFile = z.strictObject({
  format: z.literal('rsched-server-identity'),
  version: z.literal(1),
  serverId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
  signing: z.strictObject({ publicKey: ed25519PublicKeyB64, privatePkcs8: b64Range(16, 256, 'private key') }),
  sealing: z.strictObject({ publicKey: x25519PublicKeyB64, privatePkcs8: b64Range(16, 256, 'private key') }),
});

export interface ServerIdentity {
  serverId: string;
  signingPublic: string;
  sealingPublic: string;
  signingKey: KeyObject;
  sealingKey: KeyObject;
  signingPublicKey: KeyObject;
  /** What the admin reads to the device owner over the phone. */
  fingerprint(tlsSpkiSha256: string | null): string;
}

export function loadOrCreateIdentity(dataDir: string): ServerIdentity {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, IDENTITY_FILE);
  if (!existsSync(path)) {
    const signing = generateKeyPair('ed25519');
    const sealing = generateKeyPair('x25519');
    const doc = {
      format: 'rsched-server-identity',
      version: 1,
      serverId: `srv-${randomBytes(8).toString('hex')}`,
      signing: { publicKey: signing.publicRaw, privatePkcs8: signing.privatePkcs8.toString('base64') },
      sealing: { publicKey: sealing.publicRaw, privatePkcs8: sealing.privatePkcs8.toString('base64') },
    };
    signing.privatePkcs8.fill(0);
    sealing.privatePkcs8.fill(0);
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  }
  const doc = parseMessage(identityFile, parseJsonText(readFileSync(path, 'utf8'), 'server identity file'), 'server identity file');
  try {
    const signingKey = privateKeyFromPkcs8(Buffer.from(doc.signing.privatePkcs8, 'base64'));
    const sealingKey = privateKeyFromPkcs8(Buffer.from(doc.sealing.privatePkcs8, 'base64'));
    return {
      serverId: doc.serverId,
      signingPublic: doc.signing.publicKey,
      sealingPublic: doc.sealing.publicKey,
      signingKey,
      sealingKey,
      signingPublicKey: publicKeyFromRaw('ed25519', doc.signing.publicKey),
      fingerprint: (tls) => fingerprint({ signingKey: doc.signing.publicKey, sealingKey: doc.sealing.publicKey, tlsSpkiSha256: tls }),
    };
  } catch (err) {
    throw new AppError('KEYSTORE_DAMAGED', 'server identity file holds unusable keys', { cause: err });
  }
}
