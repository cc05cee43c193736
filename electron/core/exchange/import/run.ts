import { AppError, type ErrorCode, type IssueDetail } from '../../../../shared/errors';
import { runWorkerOnce } from '../../workers/spawn';
import type { PlanContext } from '../plan/index';
import type { FileRequest, PlannedFile } from './plan-file';

/** Longest a preview may take before it is stopped (20,000 rows take a few seconds). */
export const IMPORT_TIMEOUT_MS = 60_000;

type WorkerMessage =
  | { type: 'result'; planned: Omit<PlannedFile, 'rows'>; rowsJson: string }
  | { type: 'refused'; code: ErrorCode; message: string; issues?: IssueDetail[]; details?: Record<string, number | string | boolean> }
  | { type: 'error'; message: string };

/** Plans a file in-process; tests and the CLI may use it, the app plans in a worker. */
export type FilePlanner = (req: FileRequest, ctx: PlanContext) => Promise<PlannedFile>;

/**
 * Reads and classifies an uploaded file in a worker thread: parsing and fuzzy-matching thousands of
 * rows takes seconds, which would stall the main process's IPC loop. The worker receives the file
 * and a plain snapshot of the program (people, rotations, ...), never the database or its keys.
 * A refused file comes back as the same typed BAD_INPUT error the planner raised.
 */
export async function planInWorker(request: FileRequest, context: PlanContext, timeoutMs = IMPORT_TIMEOUT_MS): Promise<PlannedFile> {
  const m = await runWorkerOnce<WorkerMessage>('import-plan', { request, context }, {
    timeout: { ms: timeoutMs, error: () => new AppError('INTERNAL', 'Reading the file took too long and was stopped.') },
  });
  if (m.type === 'refused') throw new AppError(m.code, m.message, { ...(m.issues ? { issues: m.issues } : {}), ...(m.details ? { details: m.details } : {}) });
  if (m.type === 'error') throw new Error(`import worker failed: ${m.message}`);
  const rows = JSON.parse(m.rowsJson) as PlannedFile['rows'];
  // The caller's work on the rows (the dispatcher checks 20,000 of them) starts in a later turn of
  // the event loop, so the two do not add up to one long block.
  await new Promise((r) => setImmediate(r));
  return { ...m.planned, rows };
}
