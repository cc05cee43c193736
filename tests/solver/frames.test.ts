import { describe, expect, it } from 'vitest';
import { ChangeSet } from '../../electron/core/solver/engine/model';
import { highsRuntime } from '../../electron/core/solver/engine/highs';
import { Rng } from '../../electron/core/solver/engine/rng';
import { SearchState } from '../../electron/core/solver/engine/state';
import { ColumnGeneration } from '../../electron/core/solver/nrp/colgen';
import { constructRows } from '../../electron/core/solver/nrp/construct';
import { evaluateRoster } from '../../electron/core/solver/nrp/evaluate';
import { FrameSweep, type Frame } from '../../electron/core/solver/nrp/frames';
import { NrpModel } from '../../electron/core/solver/nrp/model';
import { NrpMoveContext } from '../../electron/core/solver/nrp/moves';
import { RowReoptimizer } from '../../electron/core/solver/nrp/rowmove';
import { loadInstance } from './helpers';

describe('framed dives (re-planning a few weeks of a long horizon)', () => {
  it('re-plans only the frame (one window or two), keeps every rule, and improves a constructed 12-week roster', async () => {
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

    // The pool is per frame, and nothing of the frame stays: an unframed dive afterwards is the
    // same as one on a fresh master (a round budget makes dives deterministic).
    expect(cg.size).toBe(0);
    const plain = cg.dive(start, Infinity, () => false, 6);
    const fresh = new ColumnGeneration(model, reopt, await highsRuntime()).dive(start, Infinity, () => false, 6);
    expect(Array.from(plain.cells!)).toEqual(Array.from(fresh.cells!));
    expect(plain.lpBound).toBeCloseTo(fresh.lpBound, 6);

    // Two windows (days 0-13 and 42-55): the days between them are held like those outside.
    const pair = cg.frameDive(start, 0, 55, Infinity, () => false, 400, [14, 41]);
    expect(pair.cells).not.toBeNull();
    let changedInWindows = 0;
    for (let e = 0; e < inst.staff.length; e++) {
      for (let d = 0; d < H; d++) {
        const same = pair.cells![e * H + d] === start[e * H + d];
        if (d >= 14 && d <= 41) expect(same).toBe(true);
        else if (d > 55) expect(same).toBe(true);
        else if (!same) changedInWindows++;
      }
    }
    expect(changedInWindows).toBeGreaterThan(0);
    const paired = evaluateRoster(inst, { horizon: H, staffCount: inst.staff.length, cells: pair.cells! });
    expect(paired.hardViolations).toBe(0);
    expect(paired.objective).toBeLessThan(before.objective);
  });
});

describe('frame sweep (which days each framed dive re-plans)', () => {
  const sweepOnce = (sweep: FrameSweep, objective: (i: number) => number): Frame[] => {
    const frames: Frame[] = [];
    for (let i = 0; ; i++) {
      const frame = sweep.frame(objective(i) + 1);
      frames.push(frame);
      if (sweep.done(frame, objective(i))) return frames;
    }
  };

  it('covers the whole horizon in each pass with frames overlapping by half, cut at different days from pass to pass', () => {
    const sweep = new FrameSweep(84, new Rng(3));
    const passes = [1, 2, 3].map(() => sweepOnce(sweep, (i) => 1000 - 100 * i));
    for (const frames of passes) {
      const seen = new Uint8Array(84);
      for (const { lo, hi, skip } of frames) {
        expect(skip).toBeNull();
        expect(hi - lo + 1).toBe(28);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThan(84);
        seen.fill(1, lo, hi + 1);
      }
      expect(seen.every((x) => x === 1)).toBe(true);
      expect(frames[0]!.lo).toBe(0);
      expect(frames[frames.length - 1]!.hi).toBe(83);
    }
    const cuts = passes.map((frames) => frames.map(({ lo }) => lo).join(','));
    expect(new Set(cuts).size).toBeGreaterThan(1);
    expect(sweep.pairs).toBe(false);
  });

  it('after a pass that gained under 1 %, re-plans pairs of two-week windows at least a week apart', () => {
    const sweep = new FrameSweep(182, new Rng(1));
    sweepOnce(sweep, (i) => 5000 - i);
    expect(sweep.pairs).toBe(true);
    const pairs = new Set<string>();
    for (let k = 0; k < 200; k++) {
      const f = sweep.frame(4990);
      expect(f.skip).not.toBeNull();
      const [s0, s1] = f.skip!;
      // Two windows of 14 days, week-aligned, inside the horizon, the gap between them at least a week.
      expect(s0 - f.lo).toBe(14);
      expect(f.hi - s1).toBe(14);
      expect(s1 - s0 + 1).toBeGreaterThanOrEqual(7);
      expect(f.lo % 7).toBe(0);
      expect(f.lo).toBeGreaterThanOrEqual(0);
      expect(f.hi).toBeLessThan(182);
      expect(sweep.done(f, 4990)).toBe(false);
      pairs.add(`${f.lo}-${s1}`);
    }
    expect(pairs.size).toBeGreaterThan(50);
  });

  it('keeps whole frames while passes gain 1 % or more, and on horizons too short for two windows and a gap', () => {
    const gaining = new FrameSweep(182, new Rng(1));
    sweepOnce(gaining, (i) => 5000 - 100 * i);
    expect(gaining.pairs).toBe(false);
    const short = new FrameSweep(28, new Rng(1));
    sweepOnce(short, () => 1000);
    expect(short.pairs).toBe(false);
  });
});
