import { parentPort, workerData } from 'node:worker_threads';
import { AppError, type IssueDetail } from '../../../shared/errors';
import { writeBackup } from './backup';
import { shredVaultFiles, type DestructionCertificate } from './destroy';
import type { KdfPolicy } from './kdf';
import type { KeystoreBody } from './keystore';
import { checkpointFile, rekeyCopy, type CheckpointMode } from './rekey-file';

/**
 * Vault worker: one heavy, path-based step per thread (VACUUM INTO snapshot + encryption for a
 * backup, or the rekeyed copy). Keys arrive as copies and are zeroed here when the step ends.
 */
export type HeavyJob =
  | {
      job: 'backup';
      dbPath: string;
      dek: Uint8Array;
      keystore: KeystoreBody;
      toFile: string;
      passphrase?: string;
      passphrasePolicy?: { context: string[] };
      policy: KdfPolicy;
      createdAt: string;
      schemaVersion: number;
    }
  | { job: 'rekeyCopy'; dbPath: string; oldDek: Uint8Array; newDek: Uint8Array; tmpPath: string; readyPath: string }
  | { job: 'checkpoint'; dbPath: string; dek: Uint8Array; mode: CheckpointMode }
  | { job: 'shred'; dir: string; vaultId: string; actor: string; time: string; deviceId: string; publicKeyPem: string; privateKeyPkcs8: Uint8Array };

export type HeavyReply =
  | { type: 'done'; certificate?: DestructionCertificate }
  | { type: 'error'; code: string | null; message: string; details?: Record<string, number | string | boolean>; issues?: IssueDetail[] };

async function run(job: HeavyJob): Promise<DestructionCertificate | undefined> {
  if (job.job === 'shred') {
    const privateKeyPkcs8 = Buffer.from(job.privateKeyPkcs8.buffer, job.privateKeyPkcs8.byteOffset, job.privateKeyPkcs8.byteLength);
    try {
      return await shredVaultFiles({ dir: job.dir, vaultId: job.vaultId, actor: job.actor, time: job.time, signer: { deviceId: job.deviceId, publicKeyPem: job.publicKeyPem, privateKeyPkcs8 } });
    } finally {
      privateKeyPkcs8.fill(0);
    }
  }
  if (job.job === 'checkpoint') {
    const dek = Buffer.from(job.dek.buffer, job.dek.byteOffset, job.dek.byteLength);
    try {
      checkpointFile(job.dbPath, dek, job.mode);
    } finally {
      dek.fill(0);
    }
    return undefined;
  }
  if (job.job === 'backup') {
    const dek = Buffer.from(job.dek.buffer, job.dek.byteOffset, job.dek.byteLength);
    try {
      const at = new Date(job.createdAt);
      await writeBackup({
        dbPath: job.dbPath,
        dek,
        keystore: job.keystore,
        toFile: job.toFile,
        passphrase: job.passphrase,
        passphrasePolicy: job.passphrasePolicy,
        policy: job.policy,
        clock: { now: () => at, nowMs: () => at.getTime() },
        schemaVersion: job.schemaVersion,
      });
    } finally {
      dek.fill(0);
    }
    return undefined;
  }
  const oldDek = Buffer.from(job.oldDek.buffer, job.oldDek.byteOffset, job.oldDek.byteLength);
  const newDek = Buffer.from(job.newDek.buffer, job.newDek.byteOffset, job.newDek.byteLength);
  try {
    await rekeyCopy({ dbPath: job.dbPath, oldDek, newDek, tmpPath: job.tmpPath, readyPath: job.readyPath });
  } finally {
    oldDek.fill(0);
    newDek.fill(0);
  }
  return undefined;
}

const port = parentPort;
if (port) {
  run(workerData as HeavyJob).then(
    (certificate) => port.postMessage((certificate ? { type: 'done', certificate } : { type: 'done' }) satisfies HeavyReply),
    (err: unknown) => {
      const reply: HeavyReply =
        err instanceof AppError
          ? { type: 'error', code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}), ...(err.issues ? { issues: err.issues } : {}) }
          : { type: 'error', code: null, message: err instanceof Error ? err.message : String(err) };
      port.postMessage(reply);
    },
  );
}
