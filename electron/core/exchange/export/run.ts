import { runWorkerOnce } from '../../workers/spawn';
import { AppError } from '../../../../shared/errors';
import type { ExportFormat, ExportModel } from './model';
import type { RenderedExport } from './render';

/** Longest an export may render before it is stopped (a full year of a large program takes ~1-2 s). */
export const EXPORT_TIMEOUT_MS = 60_000;

type WorkerMessage = { type: 'result'; fileName: string; mimeType: string; bytes: Uint8Array } | { type: 'error'; message: string };

/**
 * Renders an export in a worker thread: XLSX zipping and PDF layout of a full year take long
 * enough to stall the main process's IPC loop, so the main thread only reads the vault (fast,
 * synchronous SQLite) and awaits the bytes. The worker receives plain data, never the database.
 */
export async function renderInWorker(format: ExportFormat, model: ExportModel, timeoutMs = EXPORT_TIMEOUT_MS): Promise<RenderedExport> {
  const m = await runWorkerOnce<WorkerMessage>('export-render', { format, model }, {
    timeout: { ms: timeoutMs, error: () => new AppError('INTERNAL', 'The export took too long and was stopped.') },
  });
  if (m.type === 'error') throw new Error(`export worker failed: ${m.message}`);
  return { fileName: m.fileName, mimeType: m.mimeType, bytes: m.bytes };
}
