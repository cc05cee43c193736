import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../workers/spawn';
import { AppError } from '../../../../shared/errors';
import type { ExportFormat, ExportModel } from './model';
import type { RenderedExport } from './render';

/** Longest an export may render before it is stopped (a full year of a large program takes ~1-2 s). */
export const EXPORT_TIMEOUT_MS = 60_000;

type WorkerMessage = { type: 'result'; fileName: string; mimeType: string; bytes: Uint8Array } | { type: 'error'; message: string };

function startWorker(format: ExportFormat, model: ExportModel): Worker {
  return spawnWorker('export-render', { format, model });
}

/**
 * Renders an export in a worker thread: XLSX zipping and PDF layout of a full year take long
 * enough to stall the main process's IPC loop, so the main thread only reads the vault (fast,
 * synchronous SQLite) and awaits the bytes. The worker receives plain data, never the database.
 */
export function renderInWorker(format: ExportFormat, model: ExportModel, timeoutMs = EXPORT_TIMEOUT_MS): Promise<RenderedExport> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(format, model);
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => finish(() => reject(new AppError('INTERNAL', 'The export took too long and was stopped.'))), timeoutMs);
    worker.once('message', (m: WorkerMessage) => {
      if (m.type === 'result') finish(() => resolve({ fileName: m.fileName, mimeType: m.mimeType, bytes: m.bytes }));
      else finish(() => reject(new Error(`export worker failed: ${m.message}`)));
    });
    worker.once('error', (err) => finish(() => reject(err)));
    worker.once('exit', (code) => finish(() => reject(new Error(`export worker exited with code ${code}`))));
  });
}
