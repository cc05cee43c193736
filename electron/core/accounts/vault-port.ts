import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { PRODUCTION_KDF } from '../vault/index';
import { openSlot, readKeystoreFile, recoveryKek } from '../vault/keystore';
import { vaultPaths } from '../vault/index';
import { parseRecoveryKey, RecoveryKeyFormatError } from '../vault/recovery-key';
import { createVault, unlockWithPassword, unlockWithRecoveryKey, vaultExists, type UnlockedVault } from '../vault/index';
import { workerOffload } from '../vault/heavy';

/**
 * The accounts module's view of the vault (electron/core/vault): create, unlock by a user's slot
 * or the recovery key. Kept to one file so the vault module's API can move without touching the
 * sign-in logic.
 */
export type VaultHandle = UnlockedVault;

export interface VaultPort {
  exists(dir: string): boolean;
  create(opts: { dir: string; programName: string; timeZone: string; slotId: string; password: string }): Promise<{ vault: VaultHandle; recoveryKey: string }>;
  unlockWithPassword(opts: { dir: string; slotId: string; password: string }): Promise<VaultHandle>;
  unlockWithRecoveryKey(opts: { dir: string; recoveryKey: string }): Promise<VaultHandle>;
  /** Whether the text is this vault's recovery key, without opening a second connection. */
  verifyRecoveryKey(dir: string, recoveryKey: string, vaultId: string): boolean;
}

export function userSlotId(userId: string): string {
  return `user:${userId}`;
}

export function createVaultPort(base: { clock: Clock; logger: Logger }): VaultPort {
  // The app's vault runs backups and rekeys in a worker thread: its main process answers IPC.
  const ctx = { ...base, offload: workerOffload };
  return {
    exists: (dir) => vaultExists(dir),
    create: (o) => createVault({ dir: o.dir, programName: o.programName, timeZone: o.timeZone, firstSlot: { slotId: o.slotId, password: o.password }, ...ctx }),
    unlockWithPassword: (o) => unlockWithPassword({ ...o, ...ctx }),
    unlockWithRecoveryKey: (o) => unlockWithRecoveryKey({ ...o, ...ctx }),
    verifyRecoveryKey: (dir, text, vaultId) => {
      // Break-glass and recovery on an open vault: unwrap the recovery slot and discard the key.
      let key: Buffer;
      try {
        key = parseRecoveryKey(text);
      } catch (err) {
        if (err instanceof RecoveryKeyFormatError) return false;
        throw err;
      }
      try {
        const body = readKeystoreFile(vaultPaths(dir).keystore, PRODUCTION_KDF);
        const slot = body.slots.find((s) => s.kind === 'recovery');
        if (body.vaultId !== vaultId || !slot || slot.kind !== 'recovery' || !slot.wrap) return false;
        const kek = recoveryKek(key, slot.kdf.salt);
        const dek = openSlot(body.vaultId, slot, kek);
        kek.fill(0);
        if (!dek) return false;
        dek.fill(0);
        return true;
      } finally {
        key.fill(0);
      }
    },
  };
}
