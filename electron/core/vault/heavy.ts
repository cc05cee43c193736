import { AppError, type ErrorCode } from '../../../shared/errors';
import { runWorkerOnce } from '../workers/spawn';
import type { writeBackup } from './backup';
import type { DestructionCertificate, shredVaultFiles } from './destroy';
import type { HeavyJob, HeavyReply } from './heavy-worker';
import { PRODUCTION_KDF } from './kdf';
import type { CheckpointMode, rekeyCopy } from './rekey-file';

/**
 * The vault's heavy steps, run in a worker thread so the app's main process keeps answering IPC
 * while a backup is encrypted or a rekeyed copy is written and checked (seconds on a large vault).
 * Same signatures as the in-thread functions: VaultContext.offload swaps them in (the app does; the
 * CLI has no event loop to protect and runs them in its own thread).
 */
export interface VaultOffload {
  writeBackup: typeof writeBackup;
  rekeyCopy: typeof rekeyCopy;
  /** A WAL checkpoint from the worker's own connection (the app's then closes quickly). */
  checkpoint(opts: { dbPath: string; dek: Buffer; mode: CheckpointMode }): Promise<void>;
  /** Emergency destruction's overwrites, removals and fsyncs, and the signed certificate. */
  shred: typeof shredVaultFiles;
}

async function runJob(job: HeavyJob, transfer: ArrayBuffer[]): Promise<Extract<HeavyReply, { type: 'done' }>> {
  const m = await runWorkerOnce<HeavyReply>('vault-heavy', job, {
    // workerData was copied into the worker: our copies of the keys can go.
    started: () => {
      for (const b of transfer) new Uint8Array(b).fill(0);
    },
  });
  if (m.type === 'done') return m;
  throw m.code
    ? new AppError(m.code as ErrorCode, m.message, { ...(m.details ? { details: m.details } : {}), ...(m.issues ? { issues: m.issues } : {}) })
    : new Error(`vault worker failed: ${m.message}`);
}

function copyKey(key: Buffer): Uint8Array {
  return new Uint8Array(key);
}

export const workerOffload: VaultOffload = {
  async writeBackup(opts) {
    const dek = copyKey(opts.dek);
    await runJob(
      {
        job: 'backup',
        dbPath: opts.dbPath,
        dek,
        keystore: opts.keystore,
        toFile: opts.toFile,
        ...(opts.passphrase !== undefined ? { passphrase: opts.passphrase } : {}),
        ...(opts.passphrasePolicy ? { passphrasePolicy: { context: [...opts.passphrasePolicy.context] } } : {}),
        policy: opts.policy ?? PRODUCTION_KDF,
        createdAt: opts.clock.now().toISOString(),
        schemaVersion: opts.schemaVersion,
      },
      [dek.buffer as ArrayBuffer],
    );
  },
  async checkpoint(opts) {
    const dek = copyKey(opts.dek);
    await runJob({ job: 'checkpoint', dbPath: opts.dbPath, dek, mode: opts.mode }, [dek.buffer as ArrayBuffer]);
  },
  async rekeyCopy(opts) {
    const oldDek = copyKey(opts.oldDek);
    const newDek = copyKey(opts.newDek);
    await runJob({ job: 'rekeyCopy', dbPath: opts.dbPath, oldDek, newDek, tmpPath: opts.tmpPath, readyPath: opts.readyPath }, [oldDek.buffer as ArrayBuffer, newDek.buffer as ArrayBuffer]);
  },
  async shred(opts) {
    const privateKeyPkcs8 = copyKey(opts.signer.privateKeyPkcs8);
    opts.signer.privateKeyPkcs8.fill(0);
    const reply = await runJob(
      { job: 'shred', dir: opts.dir, vaultId: opts.vaultId, actor: opts.actor, time: opts.time, deviceId: opts.signer.deviceId, publicKeyPem: opts.signer.publicKeyPem, privateKeyPkcs8 },
      [privateKeyPkcs8.buffer as ArrayBuffer],
    );
    if (!reply.certificate) throw new Error('vault worker returned no destruction certificate');
    return reply.certificate as DestructionCertificate;
  },
};
