import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Database } from 'better-sqlite3-multiple-ciphers';
import { getDeviceSigningKey } from '../../vault/index';
import { rawPublicKey } from '../protocol/keys';

/** Adapter over the vault's Ed25519 device key (electron/core/vault getDeviceSigningKey). */
export interface SyncSigningKey {
  deviceId: string;
  privateKey: KeyObject;
  /** Raw 32-byte public key, base64. */
  publicRaw: string;
  publicKeyPem: string;
}

export function deviceSigningKey(db: Database): SyncSigningKey {
  const k = getDeviceSigningKey(db);
  return { deviceId: k.deviceId, privateKey: k.privateKey, publicRaw: rawPublicKey(createPublicKey(k.publicKeyPem)).toString('base64'), publicKeyPem: k.publicKeyPem };
}
