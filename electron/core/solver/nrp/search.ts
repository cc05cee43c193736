import { anneal, better, type Neighbourhood } from '../engine/anneal';
import { ChangeSet, type CostDelta } from '../engine/model';
import { Rng } from '../engine/rng';
import { SearchState } from '../engine/state';
import { constructRows } from './construct';
import { highsRuntime } from '../engine/highs';
import { BranchAndPrice } from './branch';
import { ColumnGeneration } from './colgen';
import { FrameSweep } from './frames';
import { MipLns, type LnsKind } from './lns';
import { RowReoptimizer } from './rowmove';
import type { NrpInstance } from './instance';
import { NrpModel } from './model';
import { blockSetMove, blockSwapMove, changeMove, NrpMoveContext, shiftInTimeMove, swapDayMove } from './moves';

export interface NrpProgress {
  elapsedMs: number;
  /** Objective of the best roster so far (meaningful as a score only when hard is 0). */
  objective: number;
  /** Graded hard violation of the best roster so far (0 = feasible). */
  hard: number;
  phase: string;
}

export interface NrpSearchOptions {
  timeLimitMs: number;
  seed: number;
  /** Optional work budget in annealing iterations: with it, a seed gives the same roster every run. */
  maxIterations?: number;
  signal?: AbortSignal;
  /** Extra stop flag (a worker's shared cancel cell); checked with the signal. */
  stopFlag?: Int32Array;
  onProgress?: (p: NrpProgress) => void;
  /** Stop as soon as a feasible roster with at most this objective is found (e.g. a known optimum). */
  targetObjective?: number;
  /** Use exact HiGHS sub-problem solves (LNS) between annealing phases; default false (see docs). */
  useMip?: boolean;
  /**
   * Price-and-dive (column generation over whole rows with HiGHS) after construction; default on
   * for horizons up to 56 days and up to 60 staff, where it typically beats the local search alone.
   */
  columnGeneration?: boolean;
  /** Share of the time limit the dive may use (default 0.5). */
  diveShare?: number;
  /** Pricing window in days for the dive (default: whole rows; 21 beyond 28 days with 40 members or more); see ColumnGeneration. */
  pricingWindow?: number;
  /** Partial pricing in the dive's column generation (default off); see ColumnGeneration. */
  partialPricing?: boolean;
  /**
   * Branch-and-price (branch.ts) after construction instead of the price-and-dive, until the time
   * limit or until it proves its roster optimal; default off. Meant for four-week instances, where
   * whole-row pricing takes well under a millisecond a member.
   */
  branchAndPrice?: boolean;
}

export interface NrpSearchResult {
  cells: Int32Array;
  objective: number;
  hard: number;
  /** Milliseconds to the first feasible roster, or null if none was found. */
  firstFeasibleMs: number | null;
  elapsedMs: number;
  iterations: number;
  cancelled: boolean;
  /** Whether branch-and-price exhausted its tree: no roster is better than this one. */
  proved: boolean;
}

/** Yields to the event loop so an AbortSignal or a worker message can be seen between phases. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The NRP search: greedy construction with exact row pricing (RowDp), then repeated phases of
 * [noisy row re-optimisation sweep, simulated annealing, exact row sweep], optionally followed by a
 * HiGHS LNS step, always keeping the best roster. Anytime: stoppable at any point, returns its best.
 * Everything random comes from the seeded Rng and phase lengths are counted in iterations, so with
 * `maxIterations` a seed reproduces the same roster.
 */
export async function searchNrp(instance: NrpInstance, opts: NrpSearchOptions): Promise<NrpSearchResult> {
  const t0 = Date.now();
  const deadline = t0 + opts.timeLimitMs;
  const rng = new Rng(opts.seed);
  const model = new NrpModel(instance);
  const ctx = new NrpMoveContext(instance);
  const state = new SearchState(model, new Int32Array(model.numVars));
  const best = Int32Array.from(state.values);
  let bestHard = Infinity;
  let bestSoft = Infinity;
  let firstFeasibleMs: number | null = null;
  let iterations = 0;
  let cancelled = false;
  const maxIterations = opts.maxIterations ?? Infinity;

  const shouldStop = (): boolean => {
    if (opts.signal?.aborted || (opts.stopFlag && Atomics.load(opts.stopFlag, 0) !== 0)) {
      cancelled = true;
      return true;
    }
    if (opts.targetObjective !== undefined && bestHard === 0 && bestSoft <= opts.targetObjective) return true;
    return Date.now() >= deadline || iterations >= maxIterations;
  };
  const report = (phase: string): void =>
    opts.onProgress?.({ elapsedMs: Date.now() - t0, objective: bestSoft, hard: bestHard, phase });
  const onBest = (s: SearchState): void => {
    best.set(s.values);
    bestHard = s.hard;
    bestSoft = s.soft;
    if (s.hard === 0 && firstFeasibleMs === null) firstFeasibleMs = Date.now() - t0;
  };

  const H = instance.horizon;
  const E = instance.staff.length;
  const changes = new ChangeSet();
  const delta: CostDelta = { hard: 0, soft: 0 };
  const reopt = new RowReoptimizer(model, ctx);
  const dpWindow = H <= 56 ? H : 28;
  constructRows(state, model, reopt, rng, changes, { window: dpWindow, shouldStop });
  iterations += E;
  onBest(state);
  report('construct');
  await tick();

  let proved = false;
  if (opts.branchAndPrice === true && !shouldStop()) {
    // Its own row optimiser: exact pricing carries any binding per-type maximum in the DP state.
    const exact = new RowReoptimizer(model, ctx);
    exact.exactCapLimit = H;
    const bp = new BranchAndPrice(model, exact, await highsRuntime());
    // Only rows that keep every hard rule are columns: the tree must never settle on a broken one
    // (construction can leave a member short of their minimum). `state` holds `best` here.
    for (let e = 0; e < E; e++) if (model.rows[e]!.hard === 0) bp.addRow(e, best.subarray(e * H, e * H + H));
    bp.onImprove = (_objective, cells) => {
      state.reset(cells);
      if (better(state.hard, state.soft, bestHard, bestSoft)) onBest(state);
      report('branch-and-price');
    };
    // With an iteration budget the tree is bounded in nodes instead of the clock (reproducibility).
    const fixedWork = opts.maxIterations !== undefined;
    const maxNodes = fixedWork ? Math.max(1, Math.min(4 * E + 40, Math.floor((maxIterations - iterations) / E))) : Infinity;
    const r = bp.run(bestHard === 0 ? bestSoft : Infinity, fixedWork ? Infinity : deadline, shouldStop, maxNodes);
    iterations += r.nodes * E;
    // A proof covers the tree's rosters: it holds for the search's best only if that is one of them.
    proved = r.proved && bestHard === 0 && bestSoft === r.objective;
    state.reset(best);
    report('branch-and-price');
    await tick();
  }

  const useColgen = !proved && opts.branchAndPrice !== true && (opts.columnGeneration ?? (H <= 182 && E <= 60));
  if (useColgen && !shouldStop()) {
    // Exact pricing of whole rows against LP duals finds rosters the local moves cannot reach
    // (moving work between many members at once); the local search then polishes the dive's roster.
    const highs = await highsRuntime();
    const cg = new ColumnGeneration(model, reopt, highs);
    cg.addRoster(best);
    cg.partial = opts.partialPricing ?? false;
    // Whole-row pricing costs 20-40 ms per member beyond four weeks: with 40 members or more a round
    // takes about a second, and the master does not converge in the time. Windows of 21 days of the
    // member's current column are priced instead (60 s, one search: Instance15 4518 -> 4102,
    // Instance19 4935 -> 3727); Instance18 (22 members) does better with whole rows (4707 vs 5148).
    cg.window = opts.pricingWindow ?? (H > 28 && E >= 40 ? 21 : 0);
    // HiGHS re-solves slow down with the pool (the master is degenerate, 1,000-4,000 simplex
    // iterations a re-solve): pruning beyond 30 columns per member cut a whole Instance12 dive from
    // 106 s to 31 s (same 4040) and Instance10's from 5.9 to 4.5 s.
    cg.maxPool = 30 * E;
    if (cg.window > 0) {
      // Long rows: a large master re-solves slowly, so fix in bigger steps with less re-pricing.
      // Three pricing rounds after each step, not two: a whole dive on Instance19 ends at 3601
      // against 5149 (3490-3779 with 10-20 % steps and three or four rounds), in about the same time
      // (most of it goes to the first LP).
      cg.repriceRounds = 3;
      cg.fixShare = 0.15;
      cg.maxPool = 50 * E;
      // Large masters (over 400 cover rows: Instance19 and 20, not 15) re-solve faster by interior
      // point; 60 s runs, two seeds: Instance20 5871 and 5962 against 6084-6433, Instance19 3723
      // and 3938 against 3620-3926 (one run of 15, 252 rows: 4078 against 3976).
      cg.interiorPoint = H * instance.shifts.length > 400;
    }
    // With an iteration budget the dive is bounded in rounds, not by the clock (reproducibility).
    const fixedWork = opts.maxIterations !== undefined;
    // Long horizons need the polish more than the dive's last steps: at most half the time there,
    // and windowed dives hand over to framed dives (below) after 40 %.
    const share = Math.min(opts.diveShare ?? 0.5, H > 56 ? 0.5 : 1, cg.window > 0 ? 0.4 : 1);
    const until = fixedWork ? Infinity : Math.min(deadline, t0 + opts.timeLimitMs * share);
    let roundsLeft = fixedWork ? 4 * E + 40 : Infinity;
    const keepDive = (cells: Int32Array | null): void => {
      if (!cells) return;
      const before = Int32Array.from(state.values);
      state.reset(cells);
      if (better(state.hard, state.soft, bestHard, bestSoft)) onBest(state);
      else state.reset(before);
    };
    const dive = cg.dive(Int32Array.from(best), until, shouldStop, roundsLeft);
    iterations += dive.rounds * E;
    roundsLeft -= dive.rounds;
    keepDive(dive.cells);
    // A dive that ends early leaves time for more: each repeat reuses the column pool (what pruning
    // left of it, so a few pricing rounds converge the LP again) and picks each single fixing among
    // the three largest columns at random.
    // Dives end a few units apart (Instance5: 1146-1252, Instance7: 1058-1369 over ten), so the best
    // of several beats polishing one.
    if (cg.window === 0) {
      cg.rng = rng;
      while (!shouldStop() && Date.now() < until && roundsLeft > 0) {
        // A repeat that cannot beat the best roster stops as soon as its LP bound shows it, which
        // leaves time for more: 5 s of dives on Instance5 ran 55-91 instead of 26-43, and three of
        // seven seeds reached the optimum 1143 against one without the cutoff.
        const cutoff = bestHard === 0 ? bestSoft : Infinity;
        const again = cg.dive(Int32Array.from(best), until, shouldStop, roundsLeft, cutoff);
        // No round at all means the master failed to solve: another dive would fail the same way.
        if (again.rounds === 0) break;
        iterations += again.rounds * E;
        roundsLeft -= again.rounds;
        keepDive(again.cells);
      }
    }
    report('dive');
    await tick();
    if (cg.window > 0 && !shouldStop()) {
      // Framed dives: re-plan four weeks at a time with every row kept outside them, by column
      // generation over whole rows of the frame, then pairs of two-week windows (see FrameSweep).
      // The windowed dive gets the structure right but rounds roughly; frames are four-week
      // instances, where dives come close to the optimum. One search, 60 s: Instance19 3235 and
      // Instance20 4976 (the windowed dive alone: 3601 after 43 s, about 5900).
      const frames = new ColumnGeneration(model, reopt, highs);
      frames.maxPool = 30 * E;
      const sweep = new FrameSweep(H, rng);
      const framesUntil = fixedWork ? Infinity : Math.min(deadline, t0 + opts.timeLimitMs * 0.95);
      while (!shouldStop() && Date.now() < framesUntil && roundsLeft > 0) {
        const frame = sweep.frame(bestSoft);
        const step = frames.frameDive(Int32Array.from(best), frame.lo, frame.hi, framesUntil, shouldStop, roundsLeft, frame.skip);
        if (step.rounds === 0) break;
        iterations += step.rounds * E;
        roundsLeft -= step.rounds;
        keepDive(step.cells);
        if (sweep.done(frame, bestSoft) || sweep.pairs) report('frames');
      }
      await tick();
    }
  }
  let hardWeight = 1000;
  const minHardWeight = 200;
  /** One pass of exact row re-optimisation over every member in random order. */
  const rowSweep = (noise: number): void => {
    const order = rng.shuffle(Array.from({ length: E }, (_, e) => e));
    for (const e of order) {
      const w = Math.min(H, dpWindow);
      const a = rng.int(H - w + 1);
      changes.clear();
      if (!reopt.propose(state.values, e, a, a + w - 1, changes, noise, rng)) continue;
      state.delta(changes, delta);
      if (hardWeight * delta.hard + delta.soft <= 0) state.apply(changes);
    }
    iterations += E;
    if (better(state.hard, state.soft, bestHard, bestSoft)) onBest(state);
  };

  const moves: Neighbourhood[] = [
    changeMove(ctx),
    swapDayMove(ctx),
    blockSwapMove(ctx, 7),
    blockSetMove(ctx, 4),
    shiftInTimeMove(ctx),
  ];
  const weights = [0.3, 0.25, 0.2, 0.1, 0.15];
  const phaseIterations = Math.max(100_000, 400 * H * E);
  const lns = opts.useMip !== true ? null : new MipLns(instance, await highsRuntime(), new Rng(rng.fork()));
  const lnsKinds: LnsKind[] = ['staff', 'window', 'block'];
  let phase = 0;
  while (!proved && !shouldStop()) {
    rowSweep(phase === 0 ? 0 : 2);
    if (shouldStop()) break;
    const stats = anneal(state, moves, weights, rng, changes, {
      iterations: Math.min(phaseIterations, maxIterations - iterations),
      t0: phase % 4 === 3 ? 20 : 10,
      t1: 0.3,
      hardWeight,
      shouldStop,
      onBest,
      bestHard,
      bestSoft,
    });
    iterations += stats.iterations;
    rowSweep(0);
    // Strategic oscillation: a lower hard weight lets annealing cross infeasible regions between
    // feasible rosters; raise it while phases end infeasible, relax it again once they do not.
    hardWeight = state.hard > 0 ? Math.min(hardWeight * 2, 4000) : Math.max(minHardWeight, hardWeight / 1.5);
    if (lns && bestHard === 0 && !shouldStop()) {
      // Exact sub-problem solves on the best roster, then continue the local search from there.
      const cells = Int32Array.from(best);
      let obj = bestSoft;
      for (let k = 0; k < 1 && !shouldStop(); k++) {
        const left = (deadline - Date.now()) / 1000;
        const st = lns.step(lnsKinds[rng.int(lnsKinds.length)]!, cells, obj, Math.min(0.5, left), shouldStop);
        obj = st.objective;
        iterations += 1000;
      }
      if (obj < bestSoft) {
        state.reset(cells);
        onBest(state);
      } else {
        state.reset(best);
      }
    } else if (state.hard > 0 || state.soft > bestSoft * 1.02) {
      state.reset(best);
    }
    phase++;
    report(`phase ${phase}`);
    await tick();
  }
  if (better(state.hard, state.soft, bestHard, bestSoft)) onBest(state);
  return {
    cells: best,
    objective: bestSoft,
    hard: bestHard,
    firstFeasibleMs,
    elapsedMs: Date.now() - t0,
    iterations,
    cancelled,
    proved,
  };
}
