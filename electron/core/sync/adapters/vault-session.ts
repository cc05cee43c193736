import { join } from 'node:path';
import { ANCHOR_FILE } from '../../audit/anchor';
import { AuditLog } from '../../audit/log';
import { signerFromKey } from '../../audit/signer';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { authorizeSlot } from '../../slot-authority';
import { getDeviceSigningKey, unlockWithPassword, type KdfPolicy, type UnlockedVault } from '../../vault/index';
import { DeviceSync } from '../device';
import { auditLogSource } from './audit-log';
import { deviceSigningKey } from './device-key';
import { securityOutbox } from './security-outbox';

/**
 * Adapter over the vault and audit modules for the CLI: unlock a vault folder, open its audit log
 * the way the app does (anchor file beside the vault), and build DeviceSync on top.
 */
export const RECEIPT_COPY_FILE = 'sync-receipt.json';

export interface SyncSession {
  vault: UnlockedVault;
  log: AuditLog;
  sync: DeviceSync;
  close(): void;
}

export async function openSyncSession(opts: { dir: string; slotId: string; password: string; clock: Clock; logger: Logger; kdfPolicy?: KdfPolicy }): Promise<SyncSession> {
  const vault = await unlockWithPassword({
    dir: opts.dir,
    slotId: opts.slotId,
    password: opts.password,
    clock: opts.clock,
    logger: opts.logger,
    ...(opts.kdfPolicy ? { kdfPolicy: opts.kdfPolicy } : {}),
  });
  try {
    const db = vault.db;
    // A slot password proves slot ownership only: the account must also be allowed to manage sync.
    authorizeSlot(db, opts.slotId, 'sync.manage');
    const log = AuditLog.open(db, { clock: opts.clock, signer: signerFromKey(getDeviceSigningKey(db)), anchorPath: join(opts.dir, ANCHOR_FILE), logger: opts.logger });
    const sync = new DeviceSync({ db, log: auditLogSource(log), key: deviceSigningKey(db), clock: opts.clock, logger: opts.logger, receiptCopyPath: join(opts.dir, RECEIPT_COPY_FILE), alerts: securityOutbox(db) });
    return { vault, log, sync, close: () => vault.close() };
  } catch (err) {
    vault.close();
    throw err;
  }
}
