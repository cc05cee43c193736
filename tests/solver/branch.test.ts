import { describe, expect, it } from 'vitest';
import { highsRuntime } from '../../electron/core/solver/engine/highs';
import { BranchAndPrice } from '../../electron/core/solver/nrp/branch';
import { evaluateRoster } from '../../electron/core/solver/nrp/evaluate';
import { NrpModel } from '../../electron/core/solver/nrp/model';
import { NrpMoveContext } from '../../electron/core/solver/nrp/moves';
import { RowReoptimizer } from '../../electron/core/solver/nrp/rowmove';
import { searchNrp } from '../../electron/core/solver/nrp/search';
import { branchAndPriceFits, solveNrp } from '../../electron/core/solver/nrp/solve';
import { parseNrp } from '../../electron/core/solver/nrp/parser';
import { constructed, instanceText, loadInstance } from './helpers';

describe('branch-and-price on cells', () => {
  it('proves the optimum of Instance1 (607) from a constructed roster, returning a roster the reference evaluator scores 607', async () => {
    const { model, reopt, cells } = constructed(1, { exactCaps: true });
    const inst = model.instance;
    const start = evaluateRoster(inst, { horizon: inst.horizon, staffCount: inst.staff.length, cells });
    const bp = new BranchAndPrice(model, reopt, await highsRuntime());
    bp.addRoster(cells);
    const seen: number[] = [];
    bp.onImprove = (objective) => seen.push(objective);
    const r = bp.run(start.objective, Infinity, () => false);
    expect(r.proved).toBe(true);
    expect(r.objective).toBe(607);
    const ev = evaluateRoster(inst, { horizon: inst.horizon, staffCount: inst.staff.length, cells: r.cells! });
    expect(ev.hardViolations).toBe(0);
    expect(ev.objective).toBe(607);
    // Every improvement was reported, ending at the optimum, and the root LP bounds it.
    expect(seen.at(-1)).toBe(607);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(r.rootBound).toBeLessThanOrEqual(607 + 1e-6);
  });

  it('given the optimum of Instance2 (828) as incumbent, exhausts the tree without a better roster', async () => {
    const { model, reopt, cells } = constructed(2, { exactCaps: true });
    const bp = new BranchAndPrice(model, reopt, await highsRuntime());
    bp.addRoster(cells);
    const r = bp.run(828, Infinity, () => false);
    expect(r.proved).toBe(true);
    expect(r.cells).toBeNull();
    expect(r.objective).toBe(828);
  });

  it('claims no proof when stopped early, and a node budget gives the same roster twice', async () => {
    const { model, reopt, cells } = constructed(5, { exactCaps: true });
    const highs = await highsRuntime();
    const once = (): ReturnType<BranchAndPrice['run']> => {
      const bp = new BranchAndPrice(model, reopt, highs);
      bp.addRoster(cells);
      return bp.run(Infinity, Infinity, () => false, 30);
    };
    const a = once();
    const b = once();
    expect(a.proved).toBe(false);
    expect(a.nodes).toBe(30);
    expect(a.objective).toBe(b.objective);
    expect(a.cells && Array.from(a.cells)).toEqual(b.cells && Array.from(b.cells));
  });

  it('prices rows exactly only when the binding per-type maximum is in the DP state, and says so', () => {
    // Instance5 member F may work at most 14 late shifts in 28 days: a price favouring lates
    // makes that maximum bind.
    const inst = loadInstance(5);
    const model = new NrpModel(inst);
    const e = inst.staff.findIndex((s) => s.id === 'F');
    const late = inst.shifts.findIndex((s) => s.id === 'L') + 1;
    const S1 = inst.shifts.length + 1;
    const costs = new Float64Array(inst.horizon * S1);
    for (let d = 0; d < inst.horizon; d++) costs[d * S1 + late] = -10 - (d % 3);
    const lates = (row: Int32Array): number => row.filter((v) => v === late).length;
    const cost = (row: Int32Array): number => row.reduce((sum, v, d) => sum + costs[d * S1 + v]!, 0);

    const repaired = new RowReoptimizer(model, new NrpMoveContext(inst));
    const rowRepaired = repaired.bestRow(e, costs);
    expect(repaired.lastExact).toBe(false);
    expect(rowRepaired).not.toBeNull();

    const exact = new RowReoptimizer(model, new NrpMoveContext(inst));
    exact.exactCapLimit = inst.horizon;
    const rowExact = exact.bestRow(e, costs)!;
    expect(exact.lastExact).toBe(true);
    expect(lates(rowExact)).toBeLessThanOrEqual(14);
    expect(cost(rowExact)).toBeLessThanOrEqual(cost(rowRepaired!) + 1e-9);
  });
});

describe('branch-and-price in the solver', () => {
  it('ends a search as soon as its tree is exhausted, reporting the roster proved optimal', async () => {
    const inst = loadInstance(4);
    const r = await searchNrp(inst, { timeLimitMs: 40_000, seed: 1, branchAndPrice: true });
    expect(r.proved).toBe(true);
    expect(r.hard).toBe(0);
    expect(r.objective).toBe(1716);
    expect(r.cancelled).toBe(false);
    expect(r.elapsedMs).toBeLessThan(40_000);
  });

  it('never builds on a row that breaks a hard rule, and claims no proof without a feasible roster', async () => {
    // A must work 6 shifts in a week with 3 days off: no row of A keeps every rule, so construction
    // leaves A short. That row may not become a column the tree settles on.
    const inst = parseNrp(
      instanceText({
        HORIZON: ['7'],
        SHIFTS: ['D,480,'],
        STAFF: ['A,D=7,3360,2880,7,1,1,2', 'B,D=7,3360,960,7,1,1,2'],
        DAYS_OFF: ['A,1,3,5'],
        SHIFT_ON_REQUESTS: [],
        SHIFT_OFF_REQUESTS: [],
        COVER: ['0,D,1,100,1', '2,D,1,100,1'],
      }).replace(/\r\n/g, '\n'),
    );
    const r = await searchNrp(inst, { timeLimitMs: 20_000, seed: 1, maxIterations: 20_000, branchAndPrice: true });
    expect(r.hard).toBeGreaterThan(0);
    expect(r.proved).toBe(false);
  });

  it('runs on four-week instances the time limit leaves room for, and a proof stops every worker', async () => {
    expect(branchAndPriceFits(loadInstance(7), 10_000)).toBe(true);
    expect(branchAndPriceFits(loadInstance(10), 10_000)).toBe(false);
    expect(branchAndPriceFits(loadInstance(10), 60_000)).toBe(true);
    expect(branchAndPriceFits(loadInstance(14), 600_000)).toBe(false);
    const r = await solveNrp(loadInstance(3), { timeLimitMs: 40_000, seed: 1, workers: 2 });
    expect(r.evaluation.objective).toBe(1001);
    expect(r.proved).toBe(true);
    // The other worker would search until the limit; the proof ended it.
    expect(r.elapsedMs).toBeLessThan(40_000);
  });
});
