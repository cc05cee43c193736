import { parentPort, workerData } from 'node:worker_threads';
import type { NrpInstance } from './instance';
import { searchNrp, type NrpProgress, type NrpSearchResult } from './search';

/** Input of one search worker. `stop` is a shared cell the parent sets to 1 to cancel. */
export interface NrpWorkerInput {
  instance: NrpInstance;
  seed: number;
  /** Absolute end time (epoch ms), so worker start-up counts against the caller's time limit. */
  deadline: number;
  maxIterations?: number;
  useMip?: boolean;
  /** Share of the time limit the price-and-dive may use (see NrpSearchOptions). */
  diveShare?: number;
  partialPricing?: boolean;
  branchAndPrice?: boolean;
  targetObjective?: number;
  stop: SharedArrayBuffer;
}

export type NrpWorkerMessage =
  | { type: 'progress'; progress: NrpProgress }
  | { type: 'result'; result: NrpSearchResult }
  | { type: 'error'; message: string };

const input = workerData as NrpWorkerInput;
const port = parentPort;
if (port) {
  const post = (m: NrpWorkerMessage): void => port.postMessage(m);
  searchNrp(input.instance, {
    seed: input.seed,
    timeLimitMs: Math.max(0, input.deadline - Date.now()),
    maxIterations: input.maxIterations,
    useMip: input.useMip,
    diveShare: input.diveShare,
    partialPricing: input.partialPricing,
    branchAndPrice: input.branchAndPrice,
    targetObjective: input.targetObjective,
    stopFlag: new Int32Array(input.stop),
    onProgress: (progress) => post({ type: 'progress', progress }),
  }).then(
    (result) => post({ type: 'result', result }),
    (err: unknown) => post({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
}
