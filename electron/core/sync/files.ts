import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { writeFileAtomic } from '../vault/atomic-file';
import type { DeviceSync } from './device';

/**
 * Air-gapped transfer, device side. The sealed batch files hold exactly the bytes the HTTPS push
 * would send; receipt files come back from `rsched server import`.
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

export interface ReceiptImport {
  file: string;
  ok: boolean;
  size?: number;
  error?: string;
}

export function importReceiptFiles(sync: DeviceSync, files: string[]): ReceiptImport[] {
  const out: ReceiptImport[] = [];
  for (const file of files) {
    try {
      const r = sync.applyReceipt(JSON.parse(readFileSync(file, 'utf8')) as unknown);
      out.push({ file, ok: true, size: r.size });
    } catch (err) {
      if (err instanceof SyntaxError) out.push({ file, ok: false, error: 'not JSON' });
      else if (err instanceof AppError) out.push({ file, ok: false, error: err.message });
      else throw err;
    }
  }
  return out;
}
