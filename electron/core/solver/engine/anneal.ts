import type { ChangeSet, CostDelta } from './model';
import type { Rng } from './rng';
import type { SearchState } from './state';

/** A move generator: fills `out` with a candidate move; returns false if it found none this time. */
export interface Neighbourhood {
  readonly name: string;
  propose(values: Int32Array, rng: Rng, out: ChangeSet): boolean;
}

export interface AnnealOptions {
  iterations: number;
  /** Start and end temperatures of a geometric cooling over the iterations. */
  t0: number;
  t1: number;
  /** Price of one unit of graded hard violation in soft-cost units. */
  hardWeight: number;
  /** Polled every few thousand iterations; true ends the phase early. */
  shouldStop: () => boolean;
  /** Called when the state is the best seen so far (lexicographic: hard first, then soft). */
  onBest: (state: SearchState) => void;
  bestHard: number;
  bestSoft: number;
}

export interface AnnealStats {
  iterations: number;
  accepted: number;
  improved: number;
  stopped: boolean;
}

/** True if (h, s) is better than (bh, bs): fewer hard violations, then a lower objective. */
export function better(h: number, s: number, bh: number, bs: number): boolean {
  return h < bh || (h === bh && s < bs);
}

/**
 * Simulated annealing over a weighted sum of hard and soft cost, with moves drawn from the
 * neighbourhoods by weight. Iteration-based cooling (not time-based) keeps a run with a given seed
 * reproducible: only the point where the caller stops it depends on the clock.
 */
export function anneal(
  state: SearchState,
  neighbourhoods: readonly Neighbourhood[],
  weights: readonly number[],
  rng: Rng,
  changes: ChangeSet,
  opts: AnnealOptions,
): AnnealStats {
  const out: CostDelta = { hard: 0, soft: 0 };
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w) / total);
  let bestHard = opts.bestHard;
  let bestSoft = opts.bestSoft;
  const W = opts.hardWeight;
  const ratio = opts.t1 / opts.t0;
  let temp = opts.t0;
  let accepted = 0;
  let improved = 0;
  let it = 0;
  for (; it < opts.iterations; it++) {
    if ((it & 2047) === 0) {
      if (opts.shouldStop()) return { iterations: it, accepted, improved, stopped: true };
      temp = opts.t0 * Math.pow(ratio, it / opts.iterations);
    }
    const r = rng.float();
    let k = 0;
    while (k < cumulative.length - 1 && r >= cumulative[k]!) k++;
    changes.clear();
    if (!neighbourhoods[k]!.propose(state.values, rng, changes) || changes.size === 0) continue;
    state.delta(changes, out);
    const d = W * out.hard + out.soft;
    if (d <= 0 || rng.float() < Math.exp(-d / temp)) {
      state.apply(changes);
      accepted++;
      if (better(state.hard, state.soft, bestHard, bestSoft)) {
        bestHard = state.hard;
        bestSoft = state.soft;
        improved++;
        opts.onBest(state);
      }
    }
  }
  return { iterations: it, accepted, improved, stopped: false };
}
