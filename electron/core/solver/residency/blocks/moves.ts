import type { Neighbourhood } from '../../engine/anneal';
import type { ChangeSet } from '../../engine/model';
import type { Rng } from '../../engine/rng';
import type { CompiledBlocks } from './problem';

/**
 * Neighbourhoods of the rotation model. Pinned cells never move. Swaps keep capacity (two people
 * in one block) or curriculum counts (one person's two blocks) intact, so they walk along plateaus
 * of the hard rules that single changes would have to climb out of.
 */
export function blockMoves(m: CompiledBlocks): Neighbourhood[] {
  const V = m.R + 1;
  // Allowed values per cell, so a change proposes only values that respect eligibility and leave.
  const options: number[][] = [];
  for (let c = 0; c < m.P * m.B; c++) {
    const list: number[] = [];
    for (let v = 0; v < V; v++) if (m.allowed[c * V + v]) list.push(v);
    options.push(list);
  }
  const free = (c: number): boolean => m.fixed[c]! < 0;

  const change: Neighbourhood = {
    name: 'change',
    propose(values: Int32Array, rng: Rng, out: ChangeSet): boolean {
      const c = rng.int(m.P * m.B);
      if (!free(c)) return false;
      const opts = options[c]!;
      if (opts.length === 0) return false;
      const v = opts[rng.int(opts.length)]!;
      if (v === values[c]) return false;
      out.push(c, v);
      return true;
    },
  };

  const swapPeople: Neighbourhood = {
    name: 'swap-people',
    propose(values: Int32Array, rng: Rng, out: ChangeSet): boolean {
      const b = rng.int(m.B);
      const c1 = rng.int(m.P) * m.B + b;
      const c2 = rng.int(m.P) * m.B + b;
      if (c1 === c2 || !free(c1) || !free(c2) || values[c1] === values[c2]) return false;
      out.push(c1, values[c2]!);
      out.push(c2, values[c1]!);
      return true;
    },
  };

  const swapBlocks: Neighbourhood = {
    name: 'swap-blocks',
    propose(values: Int32Array, rng: Rng, out: ChangeSet): boolean {
      const p = rng.int(m.P);
      const c1 = p * m.B + rng.int(m.B);
      const c2 = p * m.B + rng.int(m.B);
      if (c1 === c2 || !free(c1) || !free(c2) || values[c1] === values[c2]) return false;
      out.push(c1, values[c2]!);
      out.push(c2, values[c1]!);
      return true;
    },
  };

  return [change, swapPeople, swapBlocks];
}

/**
 * Starting point: pinned cells as pinned; in repair mode every other cell as it is now (so an
 * unchanged cell costs no churn); otherwise a random allowed value.
 */
export function initialBlocks(m: CompiledBlocks, rng: Rng): Int32Array {
  const V = m.R + 1;
  const values = new Int32Array(m.P * m.B);
  for (let c = 0; c < values.length; c++) {
    if (m.fixed[c]! >= 0) {
      values[c] = m.fixed[c]!;
      continue;
    }
    if (m.mode === 'repair' && m.current[c]! >= 0) {
      values[c] = m.current[c]!;
      continue;
    }
    const opts: number[] = [];
    for (let v = 0; v < V; v++) if (m.allowed[c * V + v]) opts.push(v);
    values[c] = opts.length > 0 ? opts[rng.int(opts.length)]! : m.R;
  }
  return values;
}
