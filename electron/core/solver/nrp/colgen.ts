import type { Highs } from 'highs';
import { LinearBuilder } from '../engine/linear';
import type { NrpModel } from './model';
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

  constructor(
    private readonly model: NrpModel,
    private readonly reopt: RowReoptimizer,
    private readonly highs: Highs,
  ) {
    const inst = model.instance;
    this.H = inst.horizon;
    this.E = inst.staff.length;
    this.S = inst.shifts.length;
    const n = this.H * this.S;
    this.req = new Float64Array(n);
    this.wUnder = new Float64Array(n);
    this.wOver = new Float64Array(n);
    for (const c of inst.cover) {
      this.req[c.day * this.S + c.shift] = c.requirement;
      this.wUnder[c.day * this.S + c.shift] = c.weightUnder;
      this.wOver[c.day * this.S + c.shift] = c.weightOver;
    }
    this.costs = new Float64Array(this.H * (this.S + 1));
  }

  get size(): number {
    return this.cols.length;
  }

  /** Adds member e's row as a column (ignored if already present). */
  addRow(e: number, row: ArrayLike<number>): void {
    const key = `${e}:${Array.prototype.join.call(row, ',')}`;
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
   * cover of (d, s): sum of columns working it + under - over = requirement.
   */
  private build(integer: boolean): { b: LinearBuilder; colStart: number } {
    const { H, E, S } = this;
    const b = new LinearBuilder();
    const entries: Array<[number[], number[]]> = [];
    const nRows = E + H * S;
    for (let i = 0; i < nRows; i++) entries.push([[], []]);
    // Slack columns first: under (cost wUnder) and over (cost wOver) per cover cell.
    for (let k = 0; k < H * S; k++) {
      const u = b.addVar(0, Infinity, this.wUnder[k]!, false);
      const o = b.addVar(0, Infinity, this.wOver[k]!, false);
      entries[E + k]![0].push(u, o);
      entries[E + k]![1].push(1, -1);
    }
    const colStart = b.numCols;
    for (const c of this.cols) {
      const j = b.addVar(0, 1, c.cost, integer);
      entries[c.e]![0].push(j);
      entries[c.e]![1].push(1);
      for (let d = 0; d < H; d++) {
        const v = c.row[d]!;
        if (v === 0) continue;
        entries[E + d * S + v - 1]![0].push(j);
        entries[E + d * S + v - 1]![1].push(1);
      }
    }
    for (let i = 0; i < nRows; i++) {
      const rhs = i < E ? 1 : this.req[i - E]!;
      b.addRow(entries[i]![0], entries[i]![1], rhs, rhs);
    }
    return { b, colStart };
  }

  /** The LP relaxation kept across rounds: new columns are appended, so simplex restarts warm. */
  private lpModel: ReturnType<Highs['createModel']> | null = null;
  private lpCols = 0;

  /** Solves the LP relaxation; returns its objective and the row duals (null if HiGHS failed). */
  private solveLp(): { objective: number; duals: Float64Array; primal: Float64Array } | null {
    const { H, E, S } = this;
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
    }
    const m = this.lpModel;
    for (; this.lpCols < this.cols.length; this.lpCols++) {
      const c = this.cols[this.lpCols]!;
      const idx: number[] = [c.e];
      for (let d = 0; d < H; d++) if (c.row[d]! > 0) idx.push(E + d * S + c.row[d]! - 1);
      m.addCol(c.cost, 0, 1, { indices: idx, values: idx.map(() => 1) });
    }
    m.run();
    if (m.getModelStatus() !== this.highs.constants.modelStatus.optimal) return null;
    const sol = m.getSolution();
    return { objective: m.getObjectiveValue(), duals: Float64Array.from(sol.rowDual), primal: Float64Array.from(sol.colValue) };
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
  private price(duals: Float64Array, fixed?: Int32Array): number {
    const { H, E, S } = this;
    const S1 = S + 1;
    let added = 0;
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
        for (let v = 0; v < S1; v++) {
          this.costs[d * S1 + v] = rows.requestCost(d, v) - (v > 0 ? duals[E + d * S + v - 1]! : 0);
        }
      }
      const row = this.reopt.bestRow(e, this.costs);
      if (!row) continue;
      let rc = -duals[e]!;
      for (let d = 0; d < H; d++) rc += this.costs[d * S1 + row[d]!]!;
      if (rc < -1e-6) {
        const before = this.cols.length;
        this.addRow(e, row);
        if (this.cols.length > before) added++;
      }
    }
    return added;
  }

  /**
   * Price-and-dive: column generation to (near) convergence, then repeatedly fix the member whose
   * best column has the largest LP value (every member whose column is at 1 in one go), re-pricing
   * the members still free a few rounds after each fixing, until every member has a row. A primal
   * heuristic: the roster it returns is feasible (every column is a feasible row) but not proven.
   */
  dive(
    start: Int32Array,
    until: number,
    shouldStop: () => boolean,
    maxRounds = Infinity,
  ): { cells: Int32Array | null; lpBound: number; rounds: number } {
    const { H, E, S } = this;
    this.addRoster(start);
    const fixed = new Int32Array(E).fill(-1);
    const slack = 2 * H * S;
    let lpBound = -Infinity;
    let rounds = 0;
    let nFixed = 0;
    // Time left is split: the first LP gets up to half, the fixing steps the rest.
    const t0 = Date.now();
    const firstUntil = until === Infinity ? Infinity : t0 + (until - t0) / 2;
    let lp = this.solveLp();
    while (lp && !shouldStop()) {
      rounds++;
      if (nFixed === 0) lpBound = lp.objective;
      // A round budget instead of the clock keeps a run with an iteration budget reproducible.
      const late = Date.now() >= until || rounds >= maxRounds;
      const added = late ? 0 : this.price(lp.duals, fixed);
      const priced = added === 0 || (nFixed === 0 && (Date.now() >= firstUntil || rounds >= maxRounds / 2));
      if (!priced) {
        lp = this.solveLp();
        continue;
      }
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
      let top = -1;
      for (let e = 0; e < E; e++) {
        if (fixed[e]! >= 0 || bestJ[e]! < 0) continue;
        if (late || bestV[e]! > 0.999) {
          fixed[e] = bestJ[e]!;
          this.lpModel!.changeColBounds(slack + bestJ[e]!, 1, 1);
          fixedNow++;
        } else if (top < 0 || bestV[e]! > bestV[top]!) {
          top = e;
        }
      }
      if (fixedNow === 0 && top >= 0) {
        fixed[top] = bestJ[top]!;
        this.lpModel!.changeColBounds(slack + bestJ[top]!, 1, 1);
        fixedNow = 1;
      }
      nFixed += fixedNow;
      if (nFixed === E || fixedNow === 0) break;
      lp = this.solveLp();
    }
    this.dispose();
    if (nFixed < E) return { cells: null, lpBound, rounds };
    const cells = new Int32Array(H * E);
    for (let e = 0; e < E; e++) cells.set(this.cols[fixed[e]!]!.row, e * H);
    return { cells, lpBound, rounds };
  }
}
