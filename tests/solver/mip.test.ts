import { describe, expect, it } from 'vitest';
import { highsRuntime, solveMip } from '../../electron/core/solver/engine/highs';
import { evaluateRoster } from '../../electron/core/solver/nrp/evaluate';
import { emptyRoster } from '../../electron/core/solver/nrp/instance';
import { applyMipSolution, buildNrpMip } from '../../electron/core/solver/nrp/mip';
import { searchNrp } from '../../electron/core/solver/nrp/search';
import { loadInstance } from './helpers';

describe('NRP MIP formulation (HiGHS)', () => {
  it('solves Instance1 whole to the proven optimum 607, and the evaluator agrees', async () => {
    const inst = loadInstance(1);
    const roster = emptyRoster(inst);
    const free = new Uint8Array(roster.cells.length).fill(1);
    const mip = buildNrpMip(inst, roster.cells, free);
    const res = solveMip(await highsRuntime(), mip.lp, { timeLimit: 30 });
    expect(res.status).toBe('optimal');
    expect(Math.round(res.objective)).toBe(607);
    applyMipSolution(inst, mip, free, res.values!, roster.cells);
    const ev = evaluateRoster(inst, roster);
    expect(ev.hardViolations).toBe(0);
    expect(ev.objective).toBe(607);
  });

  it('re-optimises a sub-problem around a fixed roster without getting worse', async () => {
    const inst = loadInstance(4);
    const start = await searchNrp(inst, { timeLimitMs: 10_000, seed: 1, maxIterations: 50_000 });
    expect(start.hard).toBe(0);
    const cells = Int32Array.from(start.cells);
    const H = inst.horizon;
    const free = new Uint8Array(cells.length);
    for (const e of [0, 1]) free.fill(1, e * H, e * H + H);
    const mip = buildNrpMip(inst, cells, free);
    const res = solveMip(await highsRuntime(), mip.lp, { timeLimit: 10, start: mip.start });
    expect(res.values).not.toBeNull();
    // The objective of the sub-MIP includes the fixed part as a constant: it is the roster's objective.
    expect(Math.round(res.objective)).toBeLessThanOrEqual(start.objective);
    applyMipSolution(inst, mip, free, res.values!, cells);
    const ev = evaluateRoster(inst, { horizon: H, staffCount: inst.staff.length, cells });
    expect(ev.hardViolations).toBe(0);
    expect(ev.objective).toBe(Math.round(res.objective));
    for (let c = 0; c < cells.length; c++) if (!free[c]) expect(cells[c]).toBe(start.cells[c]);
  });
});
