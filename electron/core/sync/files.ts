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

export function exportBatchFiles(sync: DeviceSync, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const files: string[] = [];
  for (const b of sync.exportBatches()) {
    const path = join(outDir, batchFileName(sync.deviceId, b.base, b.size));
    writeFileAtomic(path, Buffer.from(JSON.stringify(b.envelope) + '\n', 'utf8'));
    files.push(path);
  }
  return files;
}

/** The queued security alerts as one sealed file (at most one message's worth per export), named by outbox rows. */
export function alertsFileName(deviceId: string, firstRow: number, lastRow: number): string {
  return `${ALERTS_FILE_PREFIX}${deviceId}-${String(firstRow).padStart(12, '0')}-${String(lastRow).padStart(12, '0')}.sealed.json`;
}

/** Sealed alerts files start with this; the server's import routes them to the alerts check. */
export const ALERTS_FILE_PREFIX = 'rsched-alerts-';

export function exportAlertsFile(sync: DeviceSync, outDir: string): string | null {
  const msg = sync.nextAlerts();
  if (!msg) return null;
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const rows = msg.items.map((i) => i.outboxId);
  const path = join(outDir, alertsFileName(sync.deviceId, Math.min(...rows), Math.max(...rows)));
  writeFileAtomic(path, Buffer.from(JSON.stringify(msg.envelope) + '\n', 'utf8'));
  return path;
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
