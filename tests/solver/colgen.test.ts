import { describe, expect, it } from 'vitest';
import { highsRuntime } from '../../electron/core/solver/engine/highs';
import { Rng } from '../../electron/core/solver/engine/rng';
import { ColumnGeneration } from '../../electron/core/solver/nrp/colgen';
import { evaluateRoster } from '../../electron/core/solver/nrp/evaluate';
import { constructed } from './helpers';

describe('price-and-dive (column generation over whole rows)', () => {
  it('turns a constructed Instance5 roster into a feasible one the reference evaluator scores at or above the LP value', async () => {
    const { model, reopt, cells } = constructed(5);
    const inst = model.instance;
    const start = evaluateRoster(inst, { horizon: inst.horizon, staffCount: inst.staff.length, cells });
    expect(start.hardViolations).toBe(0);
    const cg = new ColumnGeneration(model, reopt, await highsRuntime());
    // A round budget (no clock) makes the dive deterministic.
    const dive = cg.dive(cells, Infinity, () => false, 200);
    expect(dive.cells).not.toBeNull();
    const ev = evaluateRoster(inst, { horizon: inst.horizon, staffCount: inst.staff.length, cells: dive.cells! });
    expect(ev.hardViolations).toBe(0);
    expect(ev.objective).toBeLessThan(start.objective);
    expect(dive.lpBound).toBeLessThanOrEqual(ev.objective + 1e-6);
    // The LP relaxation of this master is close to the optimum 1143 (pricing handles the per-type
    // maxima heuristically, so it is not a proven bound).
    expect(dive.lpBound).toBeGreaterThan(1000);
    expect(dive.lpBound).toBeLessThan(1250);
  });

  it('reaches the same LP value with an interior-point master as with simplex', async () => {
    const { model, reopt, cells } = constructed(5);
    const highs = await highsRuntime();
    const simplex = new ColumnGeneration(model, reopt, highs).dive(cells, Infinity, () => false, 200);
    const ipm = new ColumnGeneration(model, reopt, highs);
    ipm.interiorPoint = true;
    const dive = ipm.dive(cells, Infinity, () => false, 200);
    expect(dive.cells).not.toBeNull();
    const inst = model.instance;
    const ev = evaluateRoster(inst, { horizon: inst.horizon, staffCount: inst.staff.length, cells: dive.cells! });
    expect(ev.hardViolations).toBe(0);
    // Both converge the first LP before fixing: the same relaxation value, up to the interior
    // point's tolerance.
    expect(Math.abs(dive.lpBound - simplex.lpBound)).toBeLessThan(1);
    expect(dive.lpBound).toBeLessThanOrEqual(ev.objective + 1e-6);
  });

  it('gives the same roster twice for the same start and round budget', async () => {
    const { model, reopt, cells } = constructed(2);
    const highs = await highsRuntime();
    const a = new ColumnGeneration(model, reopt, highs).dive(cells, Infinity, () => false, 100);
    const b = new ColumnGeneration(model, reopt, highs).dive(cells, Infinity, () => false, 100);
    expect(a.cells).not.toBeNull();
    expect(Array.from(b.cells!)).toEqual(Array.from(a.cells!));
  });

  it('with a cutoff, stops a dive its LP bound shows cannot beat it and never one that would', async () => {
    const { model, reopt, cells } = constructed(2);
    const inst = model.instance;
    const highs = await highsRuntime();
    const free = new ColumnGeneration(model, reopt, highs).dive(cells, Infinity, () => false, 100);
    const ev = evaluateRoster(inst, { horizon: inst.horizon, staffCount: inst.staff.length, cells: free.cells! });
    // A cutoff one above the dive's own roster never stops it: every bound on the way is at most that roster.
    const room = new ColumnGeneration(model, reopt, highs).dive(cells, Infinity, () => false, 100, ev.objective + 1);
    expect(Array.from(room.cells!)).toEqual(Array.from(free.cells!));
    // A cutoff no integer roster can beat (at the rounded-up root bound) stops the dive at its root.
    const none = new ColumnGeneration(model, reopt, highs).dive(cells, Infinity, () => false, 100, Math.ceil(free.lpBound - 1e-6));
    expect(none.cells).toBeNull();
    expect(none.rounds).toBeGreaterThan(0);
  });

  it('out of rounds, fixes the free members in steps with re-pricing, ending better than rounding them all at once', async () => {
    const { model, reopt, cells } = constructed(9);
    const inst = model.instance;
    const highs = await highsRuntime();
    const score = (c: Int32Array | null): number => {
      expect(c).not.toBeNull();
      const ev = evaluateRoster(inst, { horizon: inst.horizon, staffCount: inst.staff.length, cells: c! });
      expect(ev.hardViolations).toBe(0);
      return ev.objective;
    };
    // 40 rounds: the first LP has not converged, so most members are still free when the budget ends.
    const stepwise = new ColumnGeneration(model, reopt, highs).dive(cells, Infinity, () => false, 40);
    const allAtOnce = new ColumnGeneration(model, reopt, highs);
    allAtOnce.lateShare = 1;
    const once = allAtOnce.dive(cells, Infinity, () => false, 40);
    expect(score(stepwise.cells)).toBeLessThan(score(once.cells));
  });

  it('prices windows of the current columns on request, still ending in a feasible roster better than the start', async () => {
    const { model, reopt, cells } = constructed(5);
    const inst = model.instance;
    const start = evaluateRoster(inst, { horizon: inst.horizon, staffCount: inst.staff.length, cells });
    const cg = new ColumnGeneration(model, reopt, await highsRuntime());
    cg.window = 14;
    cg.repriceRounds = 2;
    cg.fixShare = 0.15;
    cg.maxPool = 10 * inst.staff.length;
    const dive = cg.dive(cells, Infinity, () => false, 200);
    expect(dive.cells).not.toBeNull();
    const ev = evaluateRoster(inst, { horizon: inst.horizon, staffCount: inst.staff.length, cells: dive.cells! });
    expect(ev.hardViolations).toBe(0);
    expect(ev.objective).toBeLessThan(start.objective);
  });

  it('re-optimises a row inside a window only, keeping the rest of the context row', () => {
    const { model, reopt, cells } = constructed(5);
    const inst = model.instance;
    const H = inst.horizon;
    const S1 = inst.shifts.length + 1;
    // Costs that make every shift expensive: the best window is as empty as the rules allow.
    const costs = new Float64Array(H * S1);
    for (let d = 0; d < H; d++) for (let v = 1; v < S1; v++) costs[d * S1 + v] = 100;
    const context = cells.subarray(0, H);
    const row = reopt.bestRowInWindow(0, costs, context, 7, 13);
    expect(row).not.toBeNull();
    for (let d = 0; d < H; d++) if (d < 7 || d > 13) expect(row![d]).toBe(context[d]);
    const roster = Int32Array.from(cells);
    roster.set(row!, 0);
    expect(evaluateRoster(inst, { horizon: H, staffCount: inst.staff.length, cells: roster }).hardViolations).toBe(0);
    const worked = (r: ArrayLike<number>): number => Array.from({ length: 7 }, (_, t) => r[7 + t]!).filter((v) => v > 0).length;
    expect(worked(row!)).toBeLessThanOrEqual(worked(context));
  });

  it('prices with a cutoff: the same best row when it costs less, nothing costing the cutoff or more', () => {
    for (const n of [7, 9]) {
      const { model, reopt, cells } = constructed(n);
      const inst = model.instance;
      const H = inst.horizon;
      const S1 = inst.shifts.length + 1;
      const rng = new Rng(n);
      const costOf = (row: ArrayLike<number>, costs: Float64Array): number => {
        let c = 0;
        for (let d = 0; d < H; d++) c += costs[d * S1 + row[d]!]!;
        return c;
      };
      for (let e = 0; e < 6; e++) {
        // Reduced-cost-like prices: shifts pay off on some days, cost on others.
        const costs = new Float64Array(H * S1);
        for (let i = 0; i < costs.length; i++) costs[i] = i % S1 === 0 ? 0 : Math.round(rng.float() * 200 - 120);
        const best = reopt.bestRow(e, costs);
        expect(best).not.toBeNull();
        const optimum = costOf(best!, costs);
        const pruned = reopt.bestRow(e, costs, optimum + 0.5);
        expect(pruned).not.toBeNull();
        expect(costOf(pruned!, costs)).toBe(optimum);
        const none = reopt.bestRow(e, costs, optimum - 0.5);
        if (none) expect(costOf(none, costs)).toBeLessThan(optimum - 0.5);
        // A window of the constructed row, with the rest of the row fixed.
        const context = cells.subarray(e * H, e * H + H);
        const inWindow = reopt.bestRowInWindow(e, costs, context, 7, 20);
        expect(inWindow).not.toBeNull();
        const windowOptimum = costOf(inWindow!, costs);
        expect(costOf(reopt.bestRowInWindow(e, costs, context, 7, 20, windowOptimum + 0.5)!, costs)).toBe(windowOptimum);
        const below = reopt.bestRowInWindow(e, costs, context, 7, 20, windowOptimum - 0.5);
        if (below) expect(costOf(below, costs)).toBeLessThan(windowOptimum - 0.5);
      }
    }
  });
});
