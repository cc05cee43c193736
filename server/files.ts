import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LIMITS, type Refusal, type SignedAlertReceipt, type SignedReceipt } from '../shared/sync/protocol';
import { ALERTS_FILE_PREFIX } from '../electron/core/sync/files';
import { writeFileAtomic } from '../electron/core/vault/atomic-file';
import type { ServerApp } from './app';

/**
 * Air-gapped import: each sealed batch file goes through the same Ingestor as an HTTPS push.
 * Files may arrive in any order: batches refused with SEQUENCE_GAP are retried after the others,
 * until a pass makes no progress. Each accepted batch gets a receipt file for the device. Security
 * alerts files (named rsched-alerts-*) go through the alerts check and get an alert receipt file.
 */
export interface FileImport {
  file: string;
  deviceId: string | null;
  ok: boolean;
  storedEntries: number;
  receiptFile?: string;
  receipt?: SignedReceipt;
  /** For a security alerts file: its alert receipt and how many alerts were new. */
  alertReceipt?: SignedAlertReceipt;
  storedAlerts?: number;
  error?: Refusal;
}

export async function importBatchFiles(app: ServerApp, files: string[], receiptDir: string): Promise<FileImport[]> {
  mkdirSync(receiptDir, { recursive: true, mode: 0o700 });
  const results = new Map<string, FileImport>();
  let pending = [...files];
  for (;;) {
    const retry: string[] = [];
    for (const file of pending) {
      const r = await importOne(app, file, receiptDir);
      results.set(file, r);
      if (!r.ok && r.error?.refusal === 'SEQUENCE_GAP') retry.push(file);
    }
    if (retry.length === 0 || retry.length === pending.length) break;
    pending = retry;
  }
  return files.map((f) => results.get(f) as FileImport);
}

async function importOne(app: ServerApp, file: string, receiptDir: string): Promise<FileImport> {
  if (statSync(file).size > LIMITS.maxBodyBytes) {
    return { file, deviceId: null, ok: false, storedEntries: 0, error: { refusal: 'TOO_LARGE', message: `file exceeds ${LIMITS.maxBodyBytes} bytes` } };
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { file, deviceId: null, ok: false, storedEntries: 0, error: { refusal: 'BAD_REQUEST', message: 'file is not JSON' } };
  }
  const receiptFile = join(receiptDir, `${basename(file).replace(/\.sealed\.json$|\.json$/, '')}.receipt.json`);
  if (basename(file).startsWith(ALERTS_FILE_PREFIX)) {
    const a = await app.ingestor.ingestAlerts(value);
    if (!a.ok) return { file, deviceId: a.deviceId, ok: false, storedEntries: 0, error: a.error };
    writeFileAtomic(receiptFile, Buffer.from(JSON.stringify(a.receipt, null, 2) + '\n', 'utf8'));
    return { file, deviceId: a.deviceId, ok: true, storedEntries: 0, receiptFile, alertReceipt: a.receipt, storedAlerts: a.storedAlerts };
  }
  const r = await app.ingestor.ingest(value);
  if (!r.ok) return { file, deviceId: r.deviceId, ok: false, storedEntries: 0, error: r.error };
  writeFileAtomic(receiptFile, Buffer.from(JSON.stringify(r.receipt, null, 2) + '\n', 'utf8'));
  return { file, deviceId: r.deviceId, ok: true, storedEntries: r.storedEntries, receiptFile, receipt: r.receipt };
}
