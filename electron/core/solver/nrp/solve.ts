import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../workers/spawn';
import { evaluateRoster, type NrpEvaluation } from './evaluate';
import type { NrpInstance, NrpRoster } from './instance';
import type { NrpProgress, NrpSearchResult } from './search';
import type { NrpWorkerInput, NrpWorkerMessage } from './worker';

export interface NrpSolveOptions {
  timeLimitMs: number;
  seed?: number;
  /** Parallel searches with seeds seed, seed+1, ...; the best roster wins. Default 2 (both cores). */
  workers?: number;
  /** Work budget per worker in annealing iterations; with it a seed reproduces the same roster. */
  maxIterations?: number;
  useMip?: boolean;
  /** Each worker stops once it holds a feasible roster with at most this objective. */
  targetObjective?: number;
  signal?: AbortSignal;
  onProgress?: (p: NrpProgress & { worker: number }) => void;
}

export interface NrpSolveResult {
  roster: NrpRoster;
  evaluation: NrpEvaluation;
  /** Earliest time any worker held a feasible roster. */
  firstFeasibleMs: number | null;
  elapsedMs: number;
  seed: number;
  cancelled: boolean;
  /** Whether a worker's branch-and-price proved the roster optimal. */
  proved: boolean;
}

/** Starts one search worker (entry 'nrp-solve', see workers/spawn.ts). */
function startWorker(input: NrpWorkerInput): Worker {
  return spawnWorker('nrp-solve', { ...input });
}

function runWorker(input: NrpWorkerInput, onProgress: (p: NrpProgress) => void): Promise<NrpSearchResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(input);
    let settled = false;
    worker.on('message', (m: NrpWorkerMessage) => {
      if (m.type === 'progress') onProgress(m.progress);
      else if (m.type === 'result') {
        settled = true;
        resolve(m.result);
        void worker.terminate();
      } else {
        settled = true;
        reject(new Error(m.message));
        void worker.terminate();
      }
    });
    worker.on('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`solver worker exited with code ${code}`));
      settled = true;
    });
  });
}

/**
 * Whether branch-and-price can be expected to reach integer rosters within the time limit: its
 * root LP must converge first, which takes about a second on four-week instances of up to 1,680
 * member-day-shift cells (Instances 1-7) and 10-15 s on 3,360-5,600 cells (Instances 8-10, where
 * it then found 1302 and proved 4631 optimal in 60 s). Beyond four weeks a whole-row DP costs tens
 * of milliseconds a member, so the dives and frames do better there.
 */
export function branchAndPriceFits(instance: NrpInstance, timeLimitMs: number): boolean {
  const cells = instance.staff.length * instance.horizon * instance.shifts.length;
  return instance.horizon <= 28 && cells <= 0.2 * timeLimitMs;
}

/**
 * Solves an NRP instance with independent searches in worker threads (one per core by default),
 * keeping the best roster: fewest hard violations, then lowest objective, then a proved one, then
 * lowest worker index, so a fixed seed and iteration budget give a fixed answer. Cancelling via `signal` stops every
 * worker, which then returns its best roster so far.
 */
export async function solveNrp(instance: NrpInstance, opts: NrpSolveOptions): Promise<NrpSolveResult> {
  const t0 = Date.now();
  const seed = opts.seed ?? 1;
  const n = Math.max(1, opts.workers ?? 2);
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const onAbort = (): void => {
    Atomics.store(flag, 0, 1);
  };
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        runWorker(
          {
            instance,
            seed: seed + i,
            deadline: t0 + opts.timeLimitMs,
            maxIterations: opts.maxIterations,
            useMip: opts.useMip,
            targetObjective: opts.targetObjective,
            // Every other search gives the dive a longer budget (its first LP needs anything from
            // one to several seconds depending on the instance and the load) and prices partially,
            // which grows a different column pool: the dives end in different rosters.
            diveShare: i % 2 === 1 ? 0.8 : undefined,
            partialPricing: i % 2 === 1,
            branchAndPrice: i % 2 === 1 && branchAndPriceFits(instance, opts.timeLimitMs),
            stop,
          },
          (p) => {
            // A worker that reached the target ends the whole solve, not just itself.
            if (opts.targetObjective !== undefined && p.hard === 0 && p.objective <= opts.targetObjective) onAbort();
            opts.onProgress?.({ ...p, worker: i });
          },
        ).then((r) => {
          // A proved optimum cannot be beaten: the other searches stop and hand in what they hold.
          if (r.proved && r.hard === 0) onAbort();
          if (opts.targetObjective !== undefined && r.hard === 0 && r.objective <= opts.targetObjective) onAbort();
          return r;
        }),
      ),
    );
    // On equal objectives a proved roster wins: the others were stopped at a moment the clock chose,
    // the proof's roster is the same every run with the same seed and budget.
    const order = (x: NrpSearchResult, y: NrpSearchResult): number => x.hard - y.hard || x.objective - y.objective || Number(y.proved) - Number(x.proved);
    let best = results[0]!;
    for (const r of results.slice(1)) if (order(r, best) < 0) best = r;
    const roster: NrpRoster = { horizon: instance.horizon, staffCount: instance.staff.length, cells: Int32Array.from(best.cells) };
    const firsts = results.map((r) => r.firstFeasibleMs).filter((x): x is number => x !== null);
    return {
      roster,
      evaluation: evaluateRoster(instance, roster),
      firstFeasibleMs: firsts.length > 0 ? Math.min(...firsts) : null,
      elapsedMs: Date.now() - t0,
      seed,
      cancelled: opts.signal?.aborted === true,
      proved: best.hard === 0 && best.proved,
    };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
