import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../../../shared/errors';
import type { PlanContext } from '../plan/index';
import { planFile, type FileRequest } from './plan-file';

/** Import worker: reads and classifies one uploaded file against a plain snapshot of the program. */
export interface ImportWorkerInput {
  request: FileRequest;
  context: PlanContext;
}

const port = parentPort;
if (port) {
  const input = workerData as ImportWorkerInput;
  planFile(input.request, input.context).then(
    // Rows go as JSON text: parsing it costs the main thread less than a structured clone of objects.
    ({ rows, ...rest }) => port.postMessage({ type: 'result', planned: rest, rowsJson: JSON.stringify(rows) }),
    (err: unknown) => {
      // A refused file is the user's answer, typed as it would be on the main thread.
      if (err instanceof AppError) port.postMessage({ type: 'refused', code: err.code, message: err.message, issues: err.issues, details: err.details });
      else port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    },
  );
}
