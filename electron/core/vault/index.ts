/**
 * The encrypted vault: SQLCipher 4 database + LUKS-style keystore. See docs/key-hierarchy.md.
 * Everything the rest of the app needs is exported here; the other modules are internals.
 */
export {
  createVault,
  unlockWithPassword,
  unlockWithRecoveryKey,
  vaultExists,
  verifyRecoveryKey,
  type UnlockedVault,
  type SlotSummary,
  type VaultContext,
} from './vault';
export { restoreBackup, writeBackup, fileSink, type BackupSink, type BackupSinkFactory, type RestoreResult } from './backup';
export { destroyVault, verifyDestructionCertificate, destructionPhrase, readVaultId, certificateFileName, type DestructionCertificate } from './destroy';
export { getDeviceSigningKey, readVaultInfo, type DeviceSigningKey, type VaultInfo } from './meta';
export { checkRetypedGroup, formatRecoveryKey, parseRecoveryKey, RECOVERY_GROUPS } from './recovery-key';
export { PRODUCTION_KDF, testKdfPolicy, type KdfPolicy } from './kdf';
export { vaultPaths, DB_FILE } from './paths';
export type { Hardening } from './connection';
