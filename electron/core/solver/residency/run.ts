import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../workers/spawn';
import type { ResidencyProgress } from './search';
import type { ResidencyJob, ResidencyResult, ResidencyWorkerInput, ResidencyWorkerMessage } from './worker';

export interface RunOptions {
  seed: number;
  maxIterations: number;
  timeLimitMs: number;
  signal?: AbortSignal;
  onProgress?: (p: ResidencyProgress) => void;
}

/** Starts the worker (entry 'residency-solve', see workers/spawn.ts). */
function startWorker(input: ResidencyWorkerInput): Worker {
  return spawnWorker('residency-solve', { ...input });
}

/**
 * Runs one residency solve in a worker thread and resolves with its result. The caller's thread only
 * posts and awaits. Aborting sets the shared stop cell: the search ends at its next poll and still
 * returns its best schedule (anytime), which is checked like any other.
 */
export function runResidencyJob(job: ResidencyJob, opts: RunOptions): Promise<ResidencyResult> {
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const onAbort = (): void => {
    Atomics.store(flag, 0, 1);
  };
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  return new Promise<ResidencyResult>((resolve, reject) => {
    const worker = startWorker({ job, seed: opts.seed, maxIterations: opts.maxIterations, timeLimitMs: opts.timeLimitMs, stop });
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
      void worker.terminate();
    };
    worker.on('message', (m: ResidencyWorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m.progress);
      else if (m.type === 'result') finish(() => resolve(m.result));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`solver worker exited with code ${code}`))));
  });
}
