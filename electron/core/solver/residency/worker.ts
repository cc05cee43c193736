import { parentPort, workerData } from 'node:worker_threads';
import type { BlockSolveInput } from './blocks/problem';
import { solveBlocks, type BlockSolveResult } from './blocks/solve';
import type { CallSolveInput } from './call/problem';
import { solveCall, type CallSolveResult } from './call/solve';
import type { ResidencyProgress } from './search';

/** One solve in a worker thread. `stop` is a shared cell the parent sets to 1 to cancel. */
export type ResidencyJob = { kind: 'blocks'; input: BlockSolveInput } | { kind: 'call'; input: CallSolveInput };

export interface ResidencyWorkerInput {
  job: ResidencyJob;
  seed: number;
  maxIterations: number;
  timeLimitMs: number;
  stop: SharedArrayBuffer;
}

export type ResidencyResult = { kind: 'blocks'; result: BlockSolveResult } | { kind: 'call'; result: CallSolveResult };

export type ResidencyWorkerMessage =
  | { type: 'progress'; progress: ResidencyProgress }
  | { type: 'result'; result: ResidencyResult }
  | { type: 'error'; message: string };

const data = workerData as ResidencyWorkerInput;
const port = parentPort;
if (port) {
  const post = (m: ResidencyWorkerMessage): void => port.postMessage(m);
  const limits = {
    seed: data.seed,
    maxIterations: data.maxIterations,
    timeLimitMs: data.timeLimitMs,
    stopFlag: new Int32Array(data.stop),
    onProgress: (progress: ResidencyProgress) => post({ type: 'progress', progress }),
  };
  const run: Promise<ResidencyResult> =
    data.job.kind === 'blocks'
      ? solveBlocks(data.job.input, limits).then((result) => ({ kind: 'blocks' as const, result }))
      : solveCall(data.job.input, limits).then((result) => ({ kind: 'call' as const, result }));
  run.then(
    (result) => post({ type: 'result', result }),
    // The message only: a stack could quote schedule data in a future change, and the parent logs it.
    (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : 'solver failed' }),
  );
}
