import { describe, expect, it } from 'vitest';
import { ChangeSet } from '../../electron/core/solver/engine/model';
import { highsRuntime } from '../../electron/core/solver/engine/highs';
import { Rng } from '../../electron/core/solver/engine/rng';
import { SearchState } from '../../electron/core/solver/engine/state';
import { ColumnGeneration } from '../../electron/core/solver/nrp/colgen';
import { constructRows } from '../../electron/core/solver/nrp/construct';
import { evaluateRoster } from '../../electron/core/solver/nrp/evaluate';
import { FrameSweep } from '../../electron/core/solver/nrp/frames';
import { NrpModel } from '../../electron/core/solver/nrp/model';
import { NrpMoveContext } from '../../electron/core/solver/nrp/moves';
import { RowReoptimizer } from '../../electron/core/solver/nrp/rowmove';
import { loadInstance } from './helpers';

describe('framed dives (re-planning a few weeks of a long horizon)', () => {
  it('re-plans only the frame, keeps every rule, and improves a constructed 12-week roster', async () => {
    const inst = loadInstance(18);
    const H = inst.horizon;
    const model = new NrpModel(inst);
    const reopt = new RowReoptimizer(model, new NrpMoveContext(inst));
    const state = new SearchState(model, new Int32Array(model.numVars));
    constructRows(state, model, reopt, new Rng(1), new ChangeSet(), { window: 28, shouldStop: () => false });
    const start = Int32Array.from(state.values);
    const before = evaluateRoster(inst, { horizon: H, staffCount: inst.staff.length, cells: start });
    expect(before.hardViolations).toBe(0);

    const cg = new ColumnGeneration(model, reopt, await highsRuntime());
    const [lo, hi] = [28, 41];
    const dive = cg.frameDive(start, lo, hi, Infinity, () => false, 400);
    expect(dive.cells).not.toBeNull();
    const cells = dive.cells!;
    let changedInside = 0;
    for (let e = 0; e < inst.staff.length; e++) {
      for (let d = 0; d < H; d++) {
        const same = cells[e * H + d] === start[e * H + d];
        if (d < lo || d > hi) expect(same).toBe(true);
        else if (!same) changedInside++;
      }
    }
    expect(changedInside).toBeGreaterThan(0);
    const after = evaluateRoster(inst, { horizon: H, staffCount: inst.staff.length, cells });
    expect(after.hardViolations).toBe(0);
    expect(after.objective).toBeLessThan(before.objective);

    // The pool is per frame: an unframed dive afterwards starts from its own roster only.
    expect(cg.size).toBe(0);
  });
});

describe('frame sweep (which days each framed dive re-plans)', () => {
  const sweepOnce = (sweep: FrameSweep, objective: (i: number) => number, ms = 10): Array<[number, number]> => {
    const frames: Array<[number, number]> = [];
    for (let i = 0; ; i++) {
      const { lo, hi } = sweep.frame(objective(i) + 1);
      frames.push([lo, hi]);
      if (sweep.done(lo, ms, objective(i))) return frames;
    }
  };

  it('covers the whole horizon in each pass with frames overlapping by half, cut at different days from pass to pass', () => {
    const sweep = new FrameSweep(84, new Rng(3));
    const passes = [1, 2, 3].map(() => sweepOnce(sweep, (i) => 1000 - 100 * i));
    for (const frames of passes) {
      const seen = new Uint8Array(84);
      for (const [lo, hi] of frames) {
        expect(hi - lo + 1).toBe(28);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThan(84);
        seen.fill(1, lo, hi + 1);
      }
      expect(seen.every((x) => x === 1)).toBe(true);
      expect(frames[0]![0]).toBe(0);
      expect(frames[frames.length - 1]![1]).toBe(83);
    }
    const cuts = passes.map((frames) => frames.map(([lo]) => lo).join(','));
    expect(new Set(cuts).size).toBeGreaterThan(1);
  });

  it('widens the frames after a pass that gained under 1 %, but only while frames are cheap', () => {
    const cheap = new FrameSweep(182, new Rng(1));
    sweepOnce(cheap, () => 5000, 300);
    expect(cheap.frameLength).toBe(42);
    sweepOnce(cheap, (i) => 5000 - 100 * i, 300);
    expect(cheap.frameLength).toBe(42);

    const slow = new FrameSweep(84, new Rng(1));
    sweepOnce(slow, () => 3300, 2000);
    expect(slow.frameLength).toBe(28);
  });
});
