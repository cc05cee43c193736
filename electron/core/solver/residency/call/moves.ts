import type { Neighbourhood } from '../../engine/anneal';
import { ChangeSet, type CostDelta } from '../../engine/model';
import type { Rng } from '../../engine/rng';
import { SearchState } from '../../engine/state';
import type { CallModel } from './model';
import type { CompiledCall } from './problem';

/** A random holder of value v on day d, or -1. */
function holderOf(m: CompiledCall, values: Int32Array, d: number, v: number, rng: Rng): number {
  let found = -1;
  let seen = 0;
  for (let p = 0; p < m.P; p++) {
    if (values[p * m.D + d] !== v) continue;
    // Reservoir sampling: uniform over holders in one pass, no allocation.
    if (rng.int(++seen) === 0) found = p;
  }
  return found;
}

/**
 * Neighbourhoods of the call model. Handing a shift to someone else on the same day and trading two
 * people's shifts across days both keep the day's coverage, so they move along the coverage plateau
 * while the ACGME and fairness terms decide; a single change adds or removes a shift.
 */
export function callMoves(m: CompiledCall): Neighbourhood[] {
  const handOver: Neighbourhood = {
    name: 'hand-over',
    propose(values: Int32Array, rng: Rng, out: ChangeSet): boolean {
      if (m.T === 0) return false;
      const d = rng.int(m.D);
      const t = rng.int(m.T);
      const pool = m.pools[d * m.T + t]!;
      if (pool.length === 0) return false;
      const b = pool[rng.int(pool.length)]!;
      const a = holderOf(m, values, d, t + 1, rng);
      if (a === b) return false;
      if (a < 0) {
        if (values[b * m.D + d] !== 0) return false;
        out.push(b * m.D + d, t + 1);
        return true;
      }
      out.push(a * m.D + d, values[b * m.D + d]!);
      out.push(b * m.D + d, t + 1);
      return true;
    },
  };

  const change: Neighbourhood = {
    name: 'change',
    propose(values: Int32Array, rng: Rng, out: ChangeSet): boolean {
      const c = rng.int(m.P * m.D);
      const v = rng.int(m.T + 1);
      if (v === values[c] || (v > 0 && !m.eligible[c * m.T + v - 1])) return false;
      out.push(c, v);
      return true;
    },
  };

  const trade: Neighbourhood = {
    name: 'trade-days',
    propose(values: Int32Array, rng: Rng, out: ChangeSet): boolean {
      if (m.T === 0 || m.D < 2) return false;
      const t = rng.int(m.T) + 1;
      const d1 = rng.int(m.D);
      const d2 = d1 + (rng.int(2) === 0 ? -1 : 1) * (1 + rng.int(7));
      if (d2 < 0 || d2 >= m.D) return false;
      const a = holderOf(m, values, d1, t, rng);
      const b = holderOf(m, values, d2, t, rng);
      if (a < 0 || b < 0 || a === b || values[a * m.D + d2] !== 0 || values[b * m.D + d1] !== 0) return false;
      out.push(a * m.D + d1, 0);
      out.push(a * m.D + d2, t);
      out.push(b * m.D + d2, 0);
      out.push(b * m.D + d1, t);
      return true;
    },
  };
  return [handOver, change, trade];
}

/**
 * Starting point. Repair: the current schedule (an unchanged cell costs no churn). Fresh: day by
 * day, each open slot goes to the pool member whose row it prices cheapest (hard first), which
 * already spreads calls and respects most rest rules before annealing starts.
 */
export function initialCall(model: CallModel, rng: Rng): Int32Array {
  const m = model.m;
  if (m.mode === 'repair') return Int32Array.from(m.current);
  const state = new SearchState(model, new Int32Array(m.P * m.D));
  const ch = new ChangeSet(4);
  const out: CostDelta = { hard: 0, soft: 0 };
  for (let d = 0; d < m.D; d++) {
    for (let t = 0; t < m.T; t++) {
      for (let k = 0; k < m.minPer[t]!; k++) {
        let best = -1;
        let bestCost = Infinity;
        for (const p of m.pools[d * m.T + t]!) {
          if (state.values[p * m.D + d] !== 0) continue;
          ch.clear();
          ch.push(p * m.D + d, t + 1);
          state.delta(ch, out);
          const cost = 1000 * out.hard + out.soft + rng.float();
          if (cost < bestCost) {
            bestCost = cost;
            best = p;
          }
        }
        if (best < 0) break;
        ch.clear();
        ch.push(best * m.D + d, t + 1);
        state.apply(ch);
      }
    }
  }
  return Int32Array.from(state.values);
}
