import { describe, expect, it } from 'vitest';
import { ChangeSet, type CostDelta } from '../../electron/core/solver/engine/model';
import { Rng } from '../../electron/core/solver/engine/rng';
import { SearchState } from '../../electron/core/solver/engine/state';
import { evaluateRoster } from '../../electron/core/solver/nrp/evaluate';
import { NrpModel } from '../../electron/core/solver/nrp/model';
import { loadInstance } from './helpers';

/**
 * The solver's delta evaluation must agree with the reference evaluator after any sequence of moves:
 * soft cost equals the objective exactly, and the graded hard measure is 0 exactly when the
 * evaluator finds no violation.
 */
describe('incremental (delta) evaluation', () => {
  for (const n of [1, 5, 12]) {
    it(`agrees with the reference evaluator under random moves on Instance${n}`, () => {
      const inst = loadInstance(n);
      const H = inst.horizon;
      const E = inst.staff.length;
      const S = inst.shifts.length;
      const model = new NrpModel(inst);
      const rng = new Rng(n);
      const start = new Int32Array(H * E).map(() => (rng.float() < 0.6 ? 1 + rng.int(S) : 0));
      const state = new SearchState(model, start);
      const ch = new ChangeSet();
      const out: CostDelta = { hard: 0, soft: 0 };
      for (let it = 0; it < 3000; it++) {
        ch.clear();
        const kind = rng.int(3);
        if (kind === 0) {
          ch.push(rng.int(H * E), rng.int(S + 1));
        } else if (kind === 1) {
          const d = rng.int(H);
          const a = rng.int(E);
          const b = rng.int(E);
          if (a === b) continue;
          ch.push(a * H + d, state.values[b * H + d]!);
          ch.push(b * H + d, state.values[a * H + d]!);
        } else {
          const e = rng.int(E);
          const from = rng.int(H);
          const len = 1 + rng.int(Math.min(7, H - from));
          const v = rng.int(S + 1);
          for (let d = from; d < from + len; d++) ch.push(e * H + d, v);
        }
        state.delta(ch, out);
        const hard0 = state.hard;
        const soft0 = state.soft;
        state.apply(ch);
        expect(state.soft - soft0).toBe(out.soft);
        expect(state.hard - hard0).toBe(out.hard);
        if (it % 50 === 0) {
          const ev = evaluateRoster(inst, { horizon: H, staffCount: E, cells: state.values });
          expect(state.soft).toBe(ev.objective);
          expect(state.hard === 0).toBe(ev.hardViolations === 0);
          // A full rebuild from the same values gives the same cached totals.
          const fresh = new SearchState(model, state.values);
          expect(fresh.hard).toBe(state.hard);
          expect(fresh.soft).toBe(state.soft);
        }
      }
    });
  }
});
