import { parentPort, workerData } from 'node:worker_threads';
import type { ExportFormat, ExportModel } from './model';
import { renderExport } from './render';

/** Export worker: renders one file from a plain export model and posts the bytes back (transferred). */
export interface ExportWorkerInput {
  format: ExportFormat;
  model: ExportModel;
}

const port = parentPort;
if (port) {
  const input = workerData as ExportWorkerInput;
  renderExport(input.format, input.model).then(
    (r) => {
      const copy = r.bytes.slice();
      port.postMessage({ type: 'result', fileName: r.fileName, mimeType: r.mimeType, bytes: copy }, [copy.buffer]);
    },
    (err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
}
