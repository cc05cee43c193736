import type { Highs } from 'highs';
import { LinearBuilder } from '../engine/linear';
import { columnKey, coverTargets } from './cover';
import type { NrpModel } from './model';
import type { Rng } from '../engine/rng';
import type { RowReoptimizer } from './rowmove';

/**
 * Column generation over whole rows (a price-and-branch heuristic, the approach behind the published
 * best values). The master chooses one row ("column") per member; cover is linear with under/over
 * slacks, so its LP relaxation prices every (day, shift) through the cover duals. The pricing
 * problem, the cheapest row under request costs minus cover duals, is exactly what the row DP
 * solves. The integer roster comes from a dive (see `dive`); solving the restricted master as a MIP
 * over the generated columns instead was measured weaker (Instance5: 1347 against 1149).
 */
interface Column {
  e: number;
  row: Int32Array;
  cost: number;
}

/** Pricing cost of changing a day a frame holds: far above any reduced cost a row can reach. */
const HELD = 1e9;

export class ColumnGeneration {
  private readonly H: number;
  private readonly E: number;
  private readonly S: number;
  private readonly cols: Column[] = [];
  private readonly seen = new Set<string>();
  private readonly req: Float64Array;
  private readonly wUnder: Float64Array;
  private readonly wOver: Float64Array;
  private readonly costs: Float64Array;
  private nextPrice = 0;
  partial = false;
  /**
   * Pricing window in days (0 = whole rows). On long horizons a whole-row DP costs tens of ms per
   * member; pricing a window of the member's current best column instead is several times cheaper,
   * at the price of exactness (the LP value is then no bound).
   */
  window = 0;
  /**
   * Solve the master by interior point (no crossover) instead of simplex. On large masters the
   * simplex re-solves take 2,000-4,000 iterations however warm they start (the master is very
   * degenerate), and the central duals of an interior point converge in fewer rounds: 30 rounds on
   * Instance20 took 21 s against 40 s, to an LP value of 6532 against 6891.
   */
  interiorPoint = false;
  /** Pricing rounds after each fixing step before the next one (default: until no column prices out). */
  repriceRounds = Infinity;
  /** Share of the free members fixed at least in each fixing step (default: one at a time). */
  fixShare = 0;
  /**
   * Column pool size that triggers pruning (default: never). The master's re-solves hardly profit
   * from warm starts (it is very degenerate), so their cost grows with the pool; pruning keeps, per
   * member, the columns in the LP solution and those with the smallest reduced costs, and rebuilds.
   */
  maxPool = Infinity;
  private keepPerMember = 20;
  /**
   * Out of time (or rounds), each fixing step fixes at least this share of the members still free,
   * with an LP re-solve and, on whole rows, one pricing round in between.
   */
  lateShare = 0.2;
  /** When set, single fixings choose among the three largest columns at random (repeated dives). */
  rng: Rng | null = null;
  /**
   * The days a dive re-plans (see `frameDive`); the whole horizon by default. Cover outside them is
   * constant, so the master has cover rows for these days only.
   */
  /** Master cover row block of each day (-1: not re-planned); a frame may skip days inside [lo, hi]. */
  private readonly rowOf: Int32Array;
  /** The re-planned days in order. */
  private frameDays: number[];
  /** Each member's row outside the frame during a framed dive (the start roster). */
  private context: Int32Array | null = null;
  /** Column fixed per member during a dive (-1 free); re-applied when the master is rebuilt. */
  private fixedCols: Int32Array | null = null;

  constructor(
    private readonly model: NrpModel,
    private readonly reopt: RowReoptimizer,
    private readonly highs: Highs,
  ) {
    const inst = model.instance;
    this.H = inst.horizon;
    this.E = inst.staff.length;
    this.S = inst.shifts.length;
    const targets = coverTargets(inst);
    this.req = targets.requirement;
    this.wUnder = targets.weightUnder;
    this.wOver = targets.weightOver;
    this.costs = new Float64Array(this.H * (this.S + 1));
    this.rowOf = Int32Array.from({ length: this.H }, (_, d) => d);
    this.frameDays = Array.from({ length: this.H }, (_, d) => d);
  }

  /** Sets the re-planned days: [lo, hi] without the days in `skip` (inclusive), if given. */
  private setFrame(lo: number, hi: number, skip: [number, number] | null): void {
    this.rowOf.fill(-1);
    this.frameDays = [];
    for (let d = lo; d <= hi; d++) {
      if (skip && d >= skip[0] && d <= skip[1]) continue;
      this.rowOf[d] = this.frameDays.length;
      this.frameDays.push(d);
    }
  }

  /** First and last re-planned day: the span a framed row DP runs over. */
  private get lo(): number {
    return this.frameDays[0]!;
  }

  private get hi(): number {
    return this.frameDays[this.frameDays.length - 1]!;
  }

  /** Empties the column pool and drops the LP (a framed dive's columns belong to its frame). */
  private clearPool(): void {
    this.dispose();
    this.cols.length = 0;
    this.seen.clear();
  }

  /** Cover cells in the master: the frame's days times the shift types. */
  private get coverCells(): number {
    return this.frameDays.length * this.S;
  }

  /** The master row covering (d, shift v-1), or -1 when d lies outside the frame. */
  private coverRow(d: number, v: number): number {
    const r = this.rowOf[d]!;
    return r < 0 ? -1 : this.E + r * this.S + v - 1;
  }

  get size(): number {
    return this.cols.length;
  }

  /** Adds member e's row as a column (ignored if already present). */
  addRow(e: number, row: ArrayLike<number>): void {
    const key = columnKey(e, row);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const r = Int32Array.from(row);
    const rows = this.model.rows[e]!;
    let cost = 0;
    for (let d = 0; d < this.H; d++) cost += rows.requestCost(d, r[d]!);
    this.cols.push({ e, row: r, cost });
  }

  addRoster(cells: Int32Array): void {
    for (let e = 0; e < this.E; e++) this.addRow(e, cells.subarray(e * this.H, e * this.H + this.H));
  }

  /**
   * The master as a linear program: rows 0..E-1 pick one column per member (= 1); row E + d*S + s is
   * cover of (d, s) (d counted from the frame's first day): sum of columns working it + under - over
   * = requirement.
   */
  private build(integer: boolean): { b: LinearBuilder; colStart: number } {
    const { E, S } = this;
    const b = new LinearBuilder();
    const entries: Array<[number[], number[]]> = [];
    const nRows = E + this.coverCells;
    /** Index into req / wUnder / wOver of the master's k-th cover row. */
    const cell = (k: number): number => this.frameDays[Math.floor(k / S)]! * S + (k % S);
    for (let i = 0; i < nRows; i++) entries.push([[], []]);
    // Slack columns first: under (cost wUnder) and over (cost wOver) per cover cell.
    for (let k = 0; k < this.coverCells; k++) {
      const u = b.addVar(0, Infinity, this.wUnder[cell(k)]!, false);
      const o = b.addVar(0, Infinity, this.wOver[cell(k)]!, false);
      entries[E + k]![0].push(u, o);
      entries[E + k]![1].push(1, -1);
    }
    const colStart = b.numCols;
    for (const c of this.cols) {
      const j = b.addVar(0, 1, c.cost, integer);
      entries[c.e]![0].push(j);
      entries[c.e]![1].push(1);
      for (const d of this.frameDays) {
        const v = c.row[d]!;
        if (v === 0) continue;
        entries[this.coverRow(d, v)]![0].push(j);
        entries[this.coverRow(d, v)]![1].push(1);
      }
    }
    for (let i = 0; i < nRows; i++) {
      const rhs = i < E ? 1 : this.req[cell(i - E)]!;
      b.addRow(entries[i]![0], entries[i]![1], rhs, rhs);
    }
    return { b, colStart };
  }

  /** The LP relaxation kept across rounds: new columns are appended, so simplex restarts warm. */
  private lpModel: ReturnType<Highs['createModel']> | null = null;
  private lpCols = 0;

  /** Solves the LP relaxation; returns its objective and the row duals (null if HiGHS failed). */
  private solveLp(): { objective: number; duals: Float64Array; primal: Float64Array } | null {
    if (!this.lpModel) {
      const lp = this.build(false).b.build();
      this.lpModel = this.highs.createModel({
        numCols: lp.numCols,
        numRows: lp.numRows,
        offset: 0,
        colCost: lp.colCost,
        colLower: lp.colLower,
        colUpper: lp.colUpper,
        rowLower: lp.rowLower,
        rowUpper: lp.rowUpper,
        matrix: { format: 'csr', numRows: lp.numRows, numCols: lp.numCols, starts: lp.starts, indices: lp.indices, values: lp.values },
      });
      this.lpModel.options.set({ output_flag: false, presolve: 'off', solver: 'simplex' });
      this.lpCols = this.cols.length;
      const slack = 2 * this.coverCells;
      if (this.fixedCols) for (const j of this.fixedCols) if (j >= 0) this.lpModel.changeColBounds(slack + j, 1, 1);
    }
    const m = this.lpModel;
    for (; this.lpCols < this.cols.length; this.lpCols++) {
      const c = this.cols[this.lpCols]!;
      const idx: number[] = [c.e];
      for (const d of this.frameDays) if (c.row[d]! > 0) idx.push(this.coverRow(d, c.row[d]!));
      m.addCol(c.cost, 0, 1, { indices: idx, values: idx.map(() => 1) });
    }
    // Until the first fixing only columns are added, which keeps the basis primal feasible: primal
    // simplex goes on from it (Instance12: 100-150 ms against 150-300 ms a re-solve). Once members
    // are fixed, dual simplex is faster (primal took up to 4,700 iterations there). Windowed pricing
    // keeps dual simplex (primal was not measured better there).
    const anyFixed = this.fixedCols?.some((j) => j >= 0) ?? false;
    const strategy = anyFixed || this.window > 0 ? 1 : 4;
    m.options.set({ simplex_strategy: strategy });
    if (this.interiorPoint) m.options.set({ solver: 'ipm', run_crossover: 'off' });
    m.run();
    if (m.getModelStatus() !== this.highs.constants.modelStatus.optimal) return null;
    const sol = m.getSolution();
    return { objective: m.getObjectiveValue(), duals: Float64Array.from(sol.rowDual), primal: Float64Array.from(sol.colValue) };
  }

  /** Drops columns (see maxPool) and the LP model, which the next solve rebuilds. */
  private prune(duals: Float64Array, primal: Float64Array, fixed: Int32Array): void {
    const { E } = this;
    const slack = 2 * this.coverCells;
    const byMember: Array<Array<{ j: number; rc: number }>> = Array.from({ length: E }, () => []);
    this.cols.forEach((c, j) => {
      let rc = c.cost - duals[c.e]!;
      for (const d of this.frameDays) if (c.row[d]! > 0) rc -= duals[this.coverRow(d, c.row[d]!)]!;
      byMember[c.e]!.push({ j, rc });
    });
    const keep = new Uint8Array(this.cols.length);
    for (let e = 0; e < E; e++) {
      if (fixed[e]! >= 0) {
        keep[fixed[e]!] = 1;
        continue;
      }
      const list = byMember[e]!;
      for (const x of list) if ((primal[slack + x.j] ?? 0) > 1e-9) keep[x.j] = 1;
      list.sort((x, y) => x.rc - y.rc || x.j - y.j);
      for (const x of list.slice(0, this.keepPerMember)) keep[x.j] = 1;
    }
    const remap = new Int32Array(this.cols.length).fill(-1);
    const next: Column[] = [];
    this.cols.forEach((c, j) => {
      if (keep[j]) {
        remap[j] = next.length;
        next.push(c);
      } else {
        this.seen.delete(columnKey(c.e, c.row));
      }
    });
    this.cols.length = 0;
    this.cols.push(...next);
    for (let e = 0; e < E; e++) if (fixed[e]! >= 0) fixed[e] = remap[fixed[e]!]!;
    this.dispose();
  }

  /** Frees the HiGHS model held between rounds. */
  dispose(): void {
    this.lpModel?.dispose();
    this.lpModel = null;
  }

  /**
   * Prices every member against the duals; adds each improving row. Returns how many were added.
   * Reduced cost of a row: its request cost - sum of the cover duals it works - the member's dual.
   */
  private price(duals: Float64Array, fixed?: Int32Array, primal?: Float64Array): number {
    const { H, E, S } = this;
    const S1 = S + 1;
    let added = 0;
    const w = this.window > 0 && this.window < H && !this.context ? this.window : 0;
    // Windowed pricing re-optimises a window of each member's column with the largest LP value.
    let anchor: Int32Array | null = null;
    if (w > 0) {
      anchor = new Int32Array(E).fill(-1);
      const slack = 2 * this.coverCells;
      const best = new Float64Array(E).fill(-1);
      for (let j = 0; j < this.cols.length; j++) {
        const e = this.cols[j]!.e;
        const v = primal ? (primal[slack + j] ?? 0) : 0;
        if (v > best[e]!) {
          best[e] = v;
          anchor[e] = j;
        }
      }
    }

    // Partial pricing (optional): members are priced from a rotating start and the round ends once a
    // quarter of them gave a column; a round that adds nothing has still priced everyone, so
    // convergence is still detected exactly. It grows a different column pool, so the dive ends
    // elsewhere (Instance6: 2046 against 1952 with full pricing, Instance7: 1058 against 1166).
    const enough = this.partial ? Math.max(4, Math.ceil(E / 4)) : E;
    const from = this.nextPrice;
    for (let k = 0; k < E && added < enough; k++) {
      const e = (from + k) % E;
      this.nextPrice = (e + 1) % E;
      if (fixed && fixed[e]! >= 0) continue;
      const rows = this.model.rows[e]!;
      for (let d = 0; d < H; d++) {
        const inFrame = this.rowOf[d]! >= 0;
        for (let v = 0; v < S1; v++) {
          this.costs[d * S1 + v] = rows.requestCost(d, v) - (v > 0 && inFrame ? duals[this.coverRow(d, v)]! : 0);
        }
      }
      if (this.context) {
        // A framed dive re-plans the frame only: the rest of the member's row stays as it is, and
        // days the frame skips inside [lo, hi] are held to it by a prohibitive cost on other values.
        const ctx = this.context.subarray(e * H, e * H + H);
        for (let d = this.lo; d <= this.hi; d++) {
          if (this.rowOf[d]! >= 0) continue;
          for (let v = 0; v < S1; v++) if (v !== ctx[d]) this.costs[d * S1 + v] = HELD;
        }
        const row = this.reopt.bestRowInWindow(e, this.costs, ctx, this.lo, this.hi, duals[e]!);
        if (row && this.addIfImproving(e, row, duals)) added++;
        continue;
      }
      if (anchor && anchor[e]! >= 0) {
        // Every window of the anchor (overlapping by half) is priced; each improving row is added.
        const step = Math.max(1, Math.floor(w / 2));
        const ctx = this.cols[anchor[e]!]!.row;
        let gave = false;
        for (let a = 0; ; a += step) {
          const from = Math.min(H - w, a);
          const row = this.reopt.bestRowInWindow(e, this.costs, ctx, from, from + w - 1, duals[e]!);
          if (row && this.addIfImproving(e, row, duals)) gave = true;
          if (from === H - w) break;
        }
        if (gave) added++;
        continue;
      }
      // Only rows with a negative reduced cost are wanted, which lets the DP prune.
      const row = this.reopt.bestRow(e, this.costs, duals[e]!);
      if (row && this.addIfImproving(e, row, duals)) added++;
    }
    return added;
  }

  /** Adds member e's row if its reduced cost (costs in this.costs) is negative; true if added. */
  private addIfImproving(e: number, row: Int32Array, duals: Float64Array): boolean {
    const S1 = this.S + 1;
    let rc = -duals[e]!;
    for (let d = 0; d < this.H; d++) rc += this.costs[d * S1 + row[d]!]!;
    if (rc >= -1e-6) return false;
    const before = this.cols.length;
    this.addRow(e, row);
    return this.cols.length > before;
  }

  /**
   * A dive that re-plans days [lo, hi] only, every member keeping their row from `start` outside
   * them: a large-neighbourhood step whose master has cover rows for those days alone. On long
   * horizons the whole master re-solves slowly (Instance19, 84 days: about 300 ms a round, most of
   * a 43 s dive); a 28-day frame is the size of a four-week instance, where dives are fast and
   * close to optimal. Starts from an empty pool (columns depend on the rows outside the frame).
   * With `skip`, the days skip[0]..skip[1] inside [lo, hi] are held too: the frame is two windows,
   * and the row DP runs over the whole span with the held days priced out of any change. The
   * returned lpBound leaves out the cover outside the frame, so it is no bound on the roster.
   */
  frameDive(
    start: Int32Array,
    lo: number,
    hi: number,
    until: number,
    shouldStop: () => boolean,
    maxRounds = Infinity,
    skip: [number, number] | null = null,
  ): { cells: Int32Array | null; lpBound: number; rounds: number } {
    this.clearPool();
    this.setFrame(lo, hi, skip);
    this.context = start;
    try {
      return this.dive(start, until, shouldStop, maxRounds);
    } finally {
      this.clearPool();
      this.setFrame(0, this.H - 1, null);
      this.context = null;
    }
  }

  /**
   * Price-and-dive: column generation to (near) convergence, then repeatedly fix the member whose
   * best column has the largest LP value (every member whose column is at 1 in one go), re-pricing
   * the members still free a few rounds after each fixing, until every member has a row. A primal
   * heuristic: the roster it returns is feasible (every column is a feasible row) but not proven.
   * With a cutoff (an incumbent's objective), a dive on whole rows whose LP bound shows it cannot
   * beat the cutoff stops there and returns no roster.
   */
  dive(
    start: Int32Array,
    until: number,
    shouldStop: () => boolean,
    maxRounds = Infinity,
    cutoff = Infinity,
  ): { cells: Int32Array | null; lpBound: number; rounds: number } {
    const { H, E } = this;
    this.addRoster(start);
    const fixed = new Int32Array(E).fill(-1);
    const slack = 2 * this.coverCells;
    let lpBound = -Infinity;
    let rounds = 0;
    let nFixed = 0;
    let sinceFix = 0;
    let justFixed = false;
    let lpRef = -Infinity;
    this.fixedCols = fixed;
    // Time left is split: the first LP gets up to half, the fixing steps the rest.
    const t0 = Date.now();
    const firstUntil = until === Infinity ? Infinity : t0 + (until - t0) / 2;
    let lp = this.solveLp();
    while (lp && !shouldStop()) {
      rounds++;
      if (nFixed === 0) lpBound = lp.objective;
      // A round budget instead of the clock keeps a run with an iteration budget reproducible.
      const late = Date.now() >= until || rounds >= maxRounds;
      // Out of time, one pricing round after each fixing step still (cheap next to a full dive).
      // A fixing step that left the LP value at the last converged value leaves it optimal: the
      // converged value bounds every master with more members fixed, so no column can price out
      // (as exact as pricing is: the per-type-maximum repair may miss a column).
      const unchanged = this.window === 0 && lp.objective <= lpRef + 1e-6;
      const added = unchanged || (late && !(this.window === 0 && justFixed)) ? 0 : this.price(lp.duals, fixed, lp.primal);
      justFixed = false;
      if (!late && added === 0 && !unchanged) lpRef = lp.objective;
      if (nFixed > 0) sinceFix++;
      const priced =
        added === 0 ||
        (nFixed === 0 && (Date.now() >= firstUntil || rounds >= maxRounds / 2)) ||
        sinceFix >= this.repriceRounds;
      if (!priced) {
        if (this.cols.length > this.maxPool) this.prune(lp.duals, lp.primal, fixed);
        lp = this.solveLp();
        continue;
      }
      // A converged LP bounds every roster that keeps the fixings made so far, and objectives are
      // integers: once the bound leaves no room below the cutoff, the rest of the dive is wasted.
      // (As exact as pricing: a column the per-type-maximum repair misses can make it stop early.)
      // The tolerance is absolute on objectives in the thousands, above simplex noise.
      if (this.window === 0 && !this.context && !late && (added === 0 || unchanged) && lp.objective > cutoff - 1 + 1e-4) break;
      // Fix every free member whose column is at (almost) 1, else the single largest; out of time,
      // round every free member to their largest column at once.
      const bestJ = new Int32Array(E).fill(-1);
      const bestV = new Float64Array(E).fill(-1);
      let fixedNow = 0;
      for (let j = 0; j < this.cols.length; j++) {
        const e = this.cols[j]!.e;
        if (fixed[e]! >= 0) continue;
        const v = lp.primal[slack + j]!;
        if (v > bestV[e]!) {
          bestV[e] = v;
          bestJ[e] = j;
        }
      }
      const tops: number[] = [];
      for (let e = 0; e < E; e++) {
        if (fixed[e]! >= 0 || bestJ[e]! < 0) continue;
        if (bestV[e]! > 0.999) {
          fixed[e] = bestJ[e]!;
          this.lpModel!.changeColBounds(slack + bestJ[e]!, 1, 1);
          fixedNow++;
        } else {
          tops.push(e);
        }
      }
      // Fix the largest fractional ones up to the minimum step (at least one when none was at 1).
      // Out of time, rounding every free member against one fractional LP breaks cover much more
      // than fixing them in a few steps (fixed-round dives on Instance9/10, see the docs).
      const want = Math.max(1, Math.ceil((E - nFixed) * (late ? this.lateShare : this.fixShare))) - fixedNow;
      if (want > 0 && tops.length > 0) {
        tops.sort((x, y) => bestV[y]! - bestV[x]! || x - y);
        // A repeated dive picks its first member among the few largest at random (see `rng`).
        if (this.rng && want === 1 && tops.length > 1) {
          const k = Math.min(tops.length, 3);
          const i = this.rng.int(k);
          [tops[0], tops[i]] = [tops[i]!, tops[0]!];
        }
        for (const e of tops.slice(0, want)) {
          fixed[e] = bestJ[e]!;
          this.lpModel!.changeColBounds(slack + bestJ[e]!, 1, 1);
          fixedNow++;
        }
      }
      nFixed += fixedNow;
      sinceFix = 0;
      justFixed = late;
      if (nFixed === E || fixedNow === 0) break;
      if (this.cols.length > this.maxPool) this.prune(lp.duals, lp.primal, fixed);
      lp = this.solveLp();
    }
    this.dispose();
    this.fixedCols = null;
    if (nFixed < E) return { cells: null, lpBound, rounds };
    const cells = new Int32Array(H * E);
    for (let e = 0; e < E; e++) cells.set(this.cols[fixed[e]!]!.row, e * H);
    return { cells, lpBound, rounds };
  }
}
