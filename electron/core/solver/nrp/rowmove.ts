import type { ChangeSet } from '../engine/model';
import type { Rng } from '../engine/rng';
import type { NrpModel } from './model';
import type { NrpMoveContext } from './moves';
import { RowDp, type WindowBudget } from './rowdp';

/**
 * The row re-optimisation move: replace one member's cells on a window by the best ones given
 * everybody else (see RowDp). Optional noise on the costs diversifies repeated sweeps.
 */
export class RowReoptimizer {
  private readonly dp: RowDp;
  private readonly S1: number;
  private readonly H: number;
  private cost: Float64Array;

  constructor(
    private readonly model: NrpModel,
    private readonly ctx: NrpMoveContext,
  ) {
    this.dp = new RowDp(model.instance);
    this.S1 = model.instance.shifts.length + 1;
    this.H = model.instance.horizon;
    this.cost = new Float64Array(this.H * this.S1);
    this.limits = model.instance.staff.map((st) => Int32Array.from({ length: this.S1 }, (_, v) => (v === 0 ? this.H : (st.maxShifts[v - 1] ?? this.H))));
    this.counts = new Int32Array(this.S1);
    this.blank = new Int32Array(this.H * model.instance.staff.length);
  }

  private readonly limits: Int32Array[];
  private readonly counts: Int32Array;
  /**
   * Largest per-type maximum carried exactly in the DP state (the state grows by max + 1). Larger
   * ones go through the price repair, which can miss the cheapest row; exact pricing (branch-and-
   * price bounds) raises it.
   */
  exactCapLimit = 12;
  /** Whether the last row search was exact: its row is the cheapest, or no row is under its cutoff. */
  lastExact = true;
  /** Whether the last `propose` found a feasible row (it may equal the current one). */
  lastSolved = false;

  /**
   * Per-shift-type maxima are not in the DP state (it would multiply it by every count); instead a
   * shift type the window used too often gets a growing price and the DP runs again (a Lagrangian
   * repair), with types whose budget is already spent outside the window excluded outright.
   */
  private solveWithShiftLimits(values: Int32Array, e: number, a: number, b: number, budget?: WindowBudget, cutoff = Infinity): Int32Array | null {
    const { H, S1 } = this;
    const limit = this.limits[e]!;
    const outside = new Int32Array(S1);
    for (let d = 0; d < H; d++) if (d < a || d > b) outside[values[e * H + d]!]!++;
    for (let v = 1; v < S1; v++) {
      if (outside[v]! >= limit[v]!) for (let t = 0; t <= b - a; t++) this.cost[t * S1 + v] = 1e9;
    }
    // The tightest small maximum that the window could break goes into the DP state (exact); the
    // others are priced.
    let cap: { value: number; max: number } | undefined;
    for (let v = 1; v < S1; v++) {
      const left = limit[v]! - outside[v]!;
      if (left > 0 && left <= this.exactCapLimit && left < b - a + 1 && (!cap || left < cap.max)) cap = { value: v, max: left };
    }
    // A row within the maxima pays at most `penalty` more under the repair's prices than its true
    // cost, so the cutoff is raised by that much to keep every such row in reach.
    let penalty = 0;
    this.lastExact = true;
    for (let round = 0; round < 10; round++) {
      const best = this.dp.solve(e, a, b, values, this.cost, this.ctx.allowed[e]!, budget, undefined, undefined, cap, cutoff + penalty);
      if (this.dp.gaveUp) this.lastExact = false;
      if (!best) return null;
      // Only a first solve within every maximum is known optimal; a repaired one may not be.
      if (round > 0) this.lastExact = false;
      this.counts.set(outside);
      for (let t = 0; t < best.length; t++) this.counts[best[t]!]!++;
      let ok = true;
      for (let v = 1; v < S1; v++) {
        if (this.counts[v]! <= limit[v]!) continue;
        ok = false;
        const price = 20 * 2 ** round;
        for (let t = 0; t <= b - a; t++) this.cost[t * S1 + v]! += price;
        penalty += price * Math.max(0, limit[v]! - outside[v]!);
      }
      if (ok) return best;
    }
    this.lastExact = false;
    return null;
  }

  /** Per day and value on [a, b]: request cost plus the marginal cover cost of member e holding it. */
  private fillCosts(values: Int32Array, e: number, a: number, b: number, noise: number, rng?: Rng): void {
    const { H, S1 } = this;
    const row = this.model.rows[e]!;
    for (let d = a; d <= b; d++) {
      const cover = this.model.covers[d]!;
      const own = values[e * H + d]!;
      const t = d - a;
      for (let v = 0; v < S1; v++) {
        let c = row.requestCost(d, v);
        if (v > 0) {
          const n = cover.count(v) - (own === v ? 1 : 0);
          c += cover.cost(v, n + 1) - cover.cost(v, n);
        }
        if (noise > 0 && rng) c += noise * rng.float();
        this.cost[t * S1 + v] = c;
      }
    }
  }

  /**
   * The best whole row of member e under given per-day costs `costs[d * (S+1) + v]` (e.g. reduced
   * costs when pricing columns), with every hard rule and the per-shift-type maxima; null if none,
   * or if none costs less than `cutoff`.
   */
  bestRow(e: number, costs: Float64Array, cutoff = Infinity): Int32Array | null {
    this.cost.set(costs.subarray(0, this.H * this.S1));
    return this.solveWithShiftLimits(this.blank, e, 0, this.H - 1, undefined, cutoff);
  }

  private readonly blank: Int32Array;

  /**
   * The best row of member e that equals `context` outside days [a, b], under whole-horizon costs
   * `costs[d * (S+1) + v]`; null if none (or none whose whole row costs less than `cutoff`).
   * Returns the whole row.
   */
  bestRowInWindow(e: number, costs: Float64Array, context: ArrayLike<number>, a: number, b: number, cutoff = Infinity): Int32Array | null {
    const { H, S1 } = this;
    this.cost.set(costs.subarray(a * S1, (b + 1) * S1));
    const base = e * H;
    let outside = 0;
    for (let d = 0; d < H; d++) {
      this.blank[base + d] = context[d]!;
      if (d < a || d > b) outside += costs[d * S1 + context[d]!]!;
    }
    const best = this.solveWithShiftLimits(this.blank, e, a, b, undefined, cutoff - outside);
    const row = Int32Array.from(this.blank.subarray(base, base + H));
    this.blank.fill(0, base, base + H);
    if (!best) return null;
    row.set(best, a);
    return row;
  }

  /** Fills `out` with the changes turning row e on [a, b] into its best; false if none/unchanged. */
  propose(values: Int32Array, e: number, a: number, b: number, out: ChangeSet, noise = 0, rng?: Rng, budget?: WindowBudget): boolean {
    const H = this.H;
    this.fillCosts(values, e, a, b, noise, rng);
    // A feasible current row is itself a candidate, so only rows at most as costly are wanted: the
    // DP may prune everything that cannot beat it (most of the work on a polished roster).
    let cutoff = Infinity;
    if (!budget && this.model.rows[e]!.hard === 0) {
      let current = 0;
      for (let d = a; d <= b; d++) current += this.cost[(d - a) * this.S1 + values[e * H + d]!]!;
      cutoff = current + 1e-6;
    }
    const best = this.solveWithShiftLimits(values, e, a, b, budget, cutoff);
    this.lastSolved = best !== null;
    if (!best) return false;
    for (let d = a; d <= b; d++) {
      const nv = best[d - a]!;
      if (nv !== values[e * H + d]) out.push(e * H + d, nv);
    }
    return out.size > 0;
  }
}
