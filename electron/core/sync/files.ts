import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { writeFileAtomic } from '../vault/atomic-file';
import type { DeviceSync } from './device';

/**
 * Air-gapped transfer, device side. The sealed batch and alerts files hold exactly the bytes the
 * HTTPS push would send; receipt files come back from `rsched server import`.
 */
export function batchFileName(deviceId: string, base: number, size: number): string {
  return `rsched-batch-${deviceId}-${String(base).padStart(12, '0')}-${String(size).padStart(12, '0')}.sealed.json`;
}

/** Sealed alerts files start with this; the server's import routes them to the alerts check. */
export const ALERTS_FILE_PREFIX = 'rsched-alerts-';

/** The queued security alerts as one sealed file (at most one message's worth per export), named by outbox rows. */
export function alertsFileName(deviceId: string, firstRow: number, lastRow: number): string {
  return `${ALERTS_FILE_PREFIX}${deviceId}-${String(firstRow).padStart(12, '0')}-${String(lastRow).padStart(12, '0')}.sealed.json`;
}

/** One file of an air-gapped export: the sealed bytes and what they carry. */
export interface ExportFile {
  fileName: string;
  bytes: Buffer;
  /** The audit entries of a batch file, `fromSeq..toSeq`; null for the security alerts file. */
  fromSeq: number | null;
  toSeq: number | null;
  /** Security alerts in the file (0 for a batch file). */
  alerts: number;
}

/**
 * Everything an air-gapped export carries, for `rsched sync export` and the app alike: one sealed
 * batch file per batch the server has not acknowledged, then one sealed file of the queued security
 * alerts (a message's worth; the rest go with the next export). Nothing is marked sent here: only
 * the receipts `rsched server import` writes do that, so exporting twice sends the same again.
 */
export function exportFiles(sync: DeviceSync): ExportFile[] {
  const sealed = (envelope: unknown): Buffer => Buffer.from(JSON.stringify(envelope) + '\n', 'utf8');
  const files: ExportFile[] = sync.exportBatches().map((b) => ({
    fileName: batchFileName(sync.deviceId, b.base, b.size),
    bytes: sealed(b.envelope),
    fromSeq: b.base,
    toSeq: b.size - 1,
    alerts: 0,
  }));
  const msg = sync.nextAlerts();
  if (msg) {
    const rows = msg.items.map((i) => i.outboxId);
    files.push({ fileName: alertsFileName(sync.deviceId, Math.min(...rows), Math.max(...rows)), bytes: sealed(msg.envelope), fromSeq: null, toSeq: null, alerts: msg.items.length });
  }
  return files;
}

/** exportFiles written into `outDir` (created owner-only); returns the paths of the batch files and of the alerts file. */
export function writeExportFiles(sync: DeviceSync, outDir: string): { batchFiles: string[]; alertsFile: string | null } {
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const out: { batchFiles: string[]; alertsFile: string | null } = { batchFiles: [], alertsFile: null };
  for (const f of exportFiles(sync)) {
    const path = join(outDir, f.fileName);
    writeFileAtomic(path, f.bytes);
    if (f.fromSeq === null) out.alertsFile = path;
    else out.batchFiles.push(path);
  }
  return out;
}

/** True for an alert receipt (as opposed to a batch receipt): its body says so. */
export function isAlertReceipt(value: unknown): boolean {
  return (value as { receipt?: { format?: unknown } } | null)?.receipt?.format === 'rsched-sync-alert-receipt';
}

export interface ReceiptImport {
  file: string;
  ok: boolean;
  size?: number;
  /** For an alert receipt: the queued alerts it marked sent. */
  alertsMarked?: number;
  error?: string;
}

export function importReceiptFiles(sync: DeviceSync, files: string[]): ReceiptImport[] {
  const out: ReceiptImport[] = [];
  for (const file of files) {
    try {
      const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (isAlertReceipt(value)) out.push({ file, ok: true, alertsMarked: sync.applyAlertReceipt(value).marked });
      else out.push({ file, ok: true, size: sync.applyReceipt(value).size });
    } catch (err) {
      if (err instanceof SyntaxError) out.push({ file, ok: false, error: 'not JSON' });
      else if (err instanceof AppError) out.push({ file, ok: false, error: err.message });
      else throw err;
    }
  }
  return out;
}
