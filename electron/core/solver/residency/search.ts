import { anneal, better, type Neighbourhood } from '../engine/anneal';
import { ChangeSet, type Model } from '../engine/model';
import { Rng } from '../engine/rng';
import { SearchState } from '../engine/state';

/** Progress of a residency search, posted after every phase. */
export interface ResidencyProgress {
  elapsedMs: number;
  iterations: number;
  /** Graded hard violation of the best schedule so far (0 = every modelled hard rule holds). */
  hard: number;
  /** Soft objective of the best schedule so far. */
  soft: number;
  phase: number;
}

export interface ResidencySearchOptions {
  seed: number;
  /** Work budget in annealing iterations: with it (and a time limit not reached) a seed is reproducible. */
  maxIterations: number;
  timeLimitMs: number;
  /** Shared cancel cell (a worker's), polled with the clock. */
  stopFlag?: Int32Array;
  onProgress?: (p: ResidencyProgress) => void;
  /** Iterations per annealing phase; the temperature restarts at each phase. */
  phaseIterations: number;
  hardWeight: number;
  t0: number;
  t1: number;
  /** After a feasible schedule, stop once this many phases in a row brought no improvement. */
  patience: number;
}

export interface ResidencySearchResult {
  values: Int32Array;
  hard: number;
  soft: number;
  iterations: number;
  elapsedMs: number;
  firstFeasibleMs: number | null;
  /** Stopped by the cancel cell or the clock rather than by budget or convergence. */
  stopped: boolean;
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The anytime loop shared by the rotation and call models: phases of simulated annealing from the
 * current state, restarting from the best schedule after a phase that lost ground. Phase lengths are
 * counted in iterations (never in time), so only a clock or cancel stop makes a run irreproducible.
 * The event loop gets a turn between phases so a cancel message is seen.
 */
export async function runResidencySearch(
  model: Model,
  initial: Int32Array,
  neighbourhoods: readonly Neighbourhood[],
  weights: readonly number[],
  opts: ResidencySearchOptions,
): Promise<ResidencySearchResult> {
  const started = Date.now();
  const deadline = started + opts.timeLimitMs;
  const rng = new Rng(opts.seed);
  const state = new SearchState(model, initial);
  const changes = new ChangeSet(16);
  const best = Int32Array.from(state.values);
  let bestHard = state.hard;
  let bestSoft = state.soft;
  let firstFeasibleMs: number | null = bestHard === 0 ? 0 : null;
  let iterations = 0;
  let stopped = false;
  let idle = 0;
  const shouldStop = (): boolean => (opts.stopFlag !== undefined && Atomics.load(opts.stopFlag, 0) === 1) || Date.now() >= deadline;

  for (let phase = 0; iterations < opts.maxIterations; phase++) {
    if (shouldStop()) {
      stopped = true;
      break;
    }
    const before = { hard: bestHard, soft: bestSoft };
    // Every third phase starts hotter to leave a local minimum; the others refine.
    const hot = phase % 3 === 2 ? 3 : 1;
    const stats = anneal(state, neighbourhoods, weights, rng, changes, {
      iterations: Math.min(opts.phaseIterations, opts.maxIterations - iterations),
      t0: opts.t0 * hot,
      t1: opts.t1,
      hardWeight: opts.hardWeight,
      shouldStop,
      onBest: (s) => {
        best.set(s.values);
        bestHard = s.hard;
        bestSoft = s.soft;
        if (bestHard === 0 && firstFeasibleMs === null) firstFeasibleMs = Date.now() - started;
      },
      bestHard,
      bestSoft,
    });
    iterations += stats.iterations;
    opts.onProgress?.({ elapsedMs: Date.now() - started, iterations, hard: bestHard, soft: bestSoft, phase });
    if (stats.stopped) {
      stopped = true;
      break;
    }
    if (better(bestHard, bestSoft, before.hard, before.soft)) idle = 0;
    else idle++;
    if (bestHard === 0 && bestSoft === 0) break;
    if (bestHard === 0 && idle >= opts.patience) break;
    // A phase that ended worse than the best restarts from the best (intensification).
    if (better(bestHard, bestSoft, state.hard, state.soft)) state.reset(best);
    await tick();
  }
  return { values: best, hard: bestHard, soft: bestSoft, iterations, elapsedMs: Date.now() - started, firstFeasibleMs, stopped };
}
