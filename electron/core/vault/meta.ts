import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Database } from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../../shared/errors';
import { schemaVersion } from '../db/migrate';

/** Vault identity as stored in vault_meta (migration 0001). */
export interface VaultInfo {
  vaultId: string;
  programName: string;
  timeZone: string;
  createdAt: string;
  schemaVersion: number;
}

export const APP_FORMAT = 'rsched-vault/1';

export function insertVaultMeta(db: Database, info: Omit<VaultInfo, 'schemaVersion'>): void {
  db.prepare('INSERT INTO vault_meta (id, vault_id, program_name, time_zone, created_at, created_by_app) VALUES (1, ?, ?, ?, ?, ?)').run(
    info.vaultId,
    info.programName,
    info.timeZone,
    info.createdAt,
    APP_FORMAT,
  );
}

export function readVaultInfo(db: Database): VaultInfo {
  const row = db.prepare('SELECT vault_id, program_name, time_zone, created_at FROM vault_meta WHERE id = 1').get() as
    | { vault_id: string; program_name: string; time_zone: string; created_at: string }
    | undefined;
  if (!row) throw new AppError('DATABASE_DAMAGED', undefined, { details: { reason: 'vault_meta missing' } });
  return { vaultId: row.vault_id, programName: row.program_name, timeZone: row.time_zone, createdAt: row.created_at, schemaVersion: schemaVersion(db) };
}

/** Generates the device's Ed25519 key pair and stores it (private key as PKCS#8 DER, inside the encrypted DB). */
export function insertDeviceKey(db: Database, deviceId: string, createdAt: string): void {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  try {
    db.prepare("INSERT INTO device_keys (device_id, algorithm, public_key_pem, private_key_pkcs8, created_at) VALUES (?, 'ed25519', ?, ?, ?)").run(
      deviceId,
      publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      der,
      createdAt,
    );
  } finally {
    der.fill(0);
  }
}

export interface DeviceSigningKey {
  publicKeyPem: string;
  privateKey: KeyObject;
  deviceId: string;
}

/**
 * The current device signing key (Ed25519), for destruction certificates and audit checkpoints.
 * Sign with `crypto.sign(null, data, privateKey)`; verify with the PEM.
 */
export function getDeviceSigningKey(db: Database): DeviceSigningKey {
  const row = db
    .prepare('SELECT device_id, public_key_pem, private_key_pkcs8 FROM device_keys WHERE retired_at IS NULL ORDER BY created_at DESC, device_id LIMIT 1')
    .get() as { device_id: string; public_key_pem: string; private_key_pkcs8: Buffer } | undefined;
  if (!row) throw new AppError('DATABASE_DAMAGED', undefined, { details: { reason: 'device key missing' } });
  const privateKey = createPrivateKey({ key: row.private_key_pkcs8, format: 'der', type: 'pkcs8' });
  row.private_key_pkcs8.fill(0);
  return { publicKeyPem: row.public_key_pem, privateKey, deviceId: row.device_id };
}
