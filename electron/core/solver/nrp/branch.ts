import type { Highs } from 'highs';
import { columnKey, coverTargets } from './cover';
import type { NrpModel } from './model';
import type { RowReoptimizer } from './rowmove';

/**
 * Branch-and-price on cells: the exact counterpart of the price-and-dive heuristic (colgen.ts).
 * Every node re-prices the master to convergence under its branching rules, so the columns a
 * fixing needs are generated where they are needed instead of being looked for in the root's pool.
 * A branching rule forces or forbids one value on one cell of one member, which the row DP honours
 * through its per-day costs. Nodes are taken best bound first, each followed by a plunge down one
 * branch until the node is pruned or integer. Objectives are integers, so a node whose Lagrangian
 * bound leaves no integer below the incumbent is pruned, and an exhausted tree proves the incumbent
 * optimal, as far as pricing is exact: the row DP must carry every binding per-type maximum in its
 * state (`RowReoptimizer.exactCapLimit`), otherwise a missed column can prune too early.
 */
interface Column {
  e: number;
  row: Int32Array;
  cost: number;
}

/** Pricing cost of a value a branching rule excludes: far above any reduced cost a row can reach. */
const EXCLUDED = 1e9;
/** Cost of a member's artificial column, which keeps every node's master feasible. */
const ARTIFICIAL = 1e6;

interface Decision {
  e: number;
  d: number;
  v: number;
  /** 0: the cell is forced to v; 1: v is forbidden on the cell. */
  branch: 0 | 1;
}

export interface BranchAndPriceResult {
  /** The best roster found below the incumbent, or null if none was. */
  cells: Int32Array | null;
  objective: number;
  /** Whether the tree was exhausted with exact pricing throughout: the returned (or given) roster is then optimal. */
  proved: boolean;
  rootBound: number;
  nodes: number;
  rounds: number;
}

export class BranchAndPrice {
  private readonly H: number;
  private readonly E: number;
  private readonly S: number;
  private readonly S1: number;
  private readonly cols: Column[] = [];
  private readonly colsOf: number[][];
  private readonly seen = new Set<string>();
  private readonly req: Float64Array;
  private readonly wUnder: Float64Array;
  private readonly wOver: Float64Array;
  /** Request cost per member, day and value (the part of a column's cost that never changes). */
  private readonly request: Float64Array;
  private readonly costs: Float64Array;
  /** Forced value per (member, day), -1 when free. */
  private readonly force: Int32Array;
  /** 1 where a value is forbidden on a (member, day). */
  private readonly forbid: Uint8Array;
  /** Upper bound of each pool column in the LP (0 when a rule excludes it). */
  private readonly upper: number[] = [];
  private lp: ReturnType<Highs['createModel']> | null = null;
  private lpCols = 0;
  /** First LP column of the pool: under and over slack per cover cell, then one artificial per member. */
  private readonly base: number;
  rounds = 0;
  /** False once a pricing problem was solved inexactly (the proof of optimality is then void). */
  private exact = true;

  constructor(
    private readonly model: NrpModel,
    private readonly reopt: RowReoptimizer,
    private readonly highs: Highs,
  ) {
    const inst = model.instance;
    this.H = inst.horizon;
    this.E = inst.staff.length;
    this.S = inst.shifts.length;
    this.S1 = this.S + 1;
    const n = this.H * this.S;
    const targets = coverTargets(inst);
    this.req = targets.requirement;
    this.wUnder = targets.weightUnder;
    this.wOver = targets.weightOver;
    this.request = new Float64Array(this.E * this.H * this.S1);
    for (let e = 0; e < this.E; e++) {
      const rows = model.rows[e]!;
      for (let d = 0; d < this.H; d++) for (let v = 0; v < this.S1; v++) this.request[(e * this.H + d) * this.S1 + v] = rows.requestCost(d, v);
    }
    this.costs = new Float64Array(this.H * this.S1);
    this.force = new Int32Array(this.E * this.H).fill(-1);
    this.forbid = new Uint8Array(this.E * this.H * this.S1);
    this.colsOf = Array.from({ length: this.E }, () => []);
    this.base = 2 * n + this.E;
  }

  get poolSize(): number {
    return this.cols.length;
  }

  /** Adds member e's row as a column (ignored if already present). */
  addRow(e: number, row: ArrayLike<number>): void {
    const key = columnKey(e, row);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const r = Int32Array.from(row);
    let cost = 0;
    for (let d = 0; d < this.H; d++) cost += this.request[(e * this.H + d) * this.S1 + r[d]!]!;
    this.colsOf[e]!.push(this.cols.length);
    this.cols.push({ e, row: r, cost });
    this.upper.push(this.allows(e, r) ? 1 : 0);
  }

  addRoster(cells: ArrayLike<number>): void {
    for (let e = 0; e < this.E; e++) this.addRow(e, Array.prototype.slice.call(cells, e * this.H, e * this.H + this.H) as number[]);
  }

  /** Whether member e's row keeps every branching rule in force. */
  private allows(e: number, row: Int32Array): boolean {
    const { H, S1 } = this;
    for (let d = 0; d < H; d++) {
      const f = this.force[e * H + d]!;
      if (f >= 0 && row[d] !== f) return false;
      if (this.forbid[(e * H + d) * S1 + row[d]!]) return false;
    }
    return true;
  }

  /** Re-applies the rules of member e to the bounds of its columns. */
  private rebound(e: number): void {
    for (const j of this.colsOf[e]!) {
      const u = this.allows(e, this.cols[j]!.row) ? 1 : 0;
      if (u === this.upper[j]) continue;
      this.upper[j] = u;
      if (j < this.lpCols) this.lp!.changeColBounds(this.base + j, 0, u);
    }
  }

  private apply(x: Decision): void {
    if (x.branch === 0) this.force[x.e * this.H + x.d] = x.v;
    else this.forbid[(x.e * this.H + x.d) * this.S1 + x.v] = 1;
    this.rebound(x.e);
  }

  private undo(x: Decision): void {
    if (x.branch === 0) this.force[x.e * this.H + x.d] = -1;
    else this.forbid[(x.e * this.H + x.d) * this.S1 + x.v] = 0;
    this.rebound(x.e);
  }

  private coverRow(d: number, v: number): number {
    return this.E + d * this.S + v - 1;
  }

  private createLp(): void {
    const { E, H, S } = this;
    const nRows = E + H * S;
    const rowLower = new Float64Array(nRows);
    for (let i = 0; i < nRows; i++) rowLower[i] = i < E ? 1 : this.req[i - E]!;
    // Slacks and artificials as a CSC-free CSR build: rows list their columns.
    const rowCols: number[][] = Array.from({ length: nRows }, () => []);
    const rowVals: number[][] = Array.from({ length: nRows }, () => []);
    const colCost: number[] = [];
    const colUpper: number[] = [];
    for (let k = 0; k < H * S; k++) {
      rowCols[E + k]!.push(colCost.length, colCost.length + 1);
      rowVals[E + k]!.push(1, -1);
      colCost.push(this.wUnder[k]!, this.wOver[k]!);
      colUpper.push(Infinity, Infinity);
    }
    for (let e = 0; e < E; e++) {
      rowCols[e]!.push(colCost.length);
      rowVals[e]!.push(1);
      colCost.push(ARTIFICIAL);
      colUpper.push(Infinity);
    }
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < nRows; i++) {
      indices.push(...rowCols[i]!);
      values.push(...rowVals[i]!);
      starts.push(indices.length);
    }
    this.lp = this.highs.createModel({
      numCols: colCost.length,
      numRows: nRows,
      offset: 0,
      colCost: Float64Array.from(colCost),
      colLower: new Float64Array(colCost.length),
      colUpper: Float64Array.from(colUpper),
      rowLower,
      rowUpper: Float64Array.from(rowLower),
      matrix: { format: 'csr', numRows: nRows, numCols: colCost.length, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    });
    this.lp.options.set({ output_flag: false, presolve: 'off', solver: 'simplex', simplex_strategy: 1 });
    this.lpCols = 0;
  }

  private solveLp(): { objective: number; duals: Float64Array; primal: Float64Array } | null {
    if (!this.lp) this.createLp();
    const m = this.lp!;
    for (; this.lpCols < this.cols.length; this.lpCols++) {
      const c = this.cols[this.lpCols]!;
      const idx: number[] = [c.e];
      for (let d = 0; d < this.H; d++) if (c.row[d]! > 0) idx.push(this.coverRow(d, c.row[d]!));
      m.addCol(c.cost, 0, this.upper[this.lpCols]!, { indices: idx, values: idx.map(() => 1) });
    }
    m.run();
    if (m.getModelStatus() !== this.highs.constants.modelStatus.optimal) return null;
    const sol = m.getSolution();
    return { objective: m.getObjectiveValue(), duals: Float64Array.from(sol.rowDual), primal: Float64Array.from(sol.colValue) };
  }

  /**
   * Prices every member; adds each row with a negative reduced cost. Returns how many were added
   * and the sum of the members' most negative reduced costs (for the Lagrangian bound).
   */
  private price(duals: Float64Array): { added: number; reduced: number } {
    const { H, E, S1 } = this;
    let added = 0;
    let reduced = 0;
    for (let e = 0; e < E; e++) {
      for (let d = 0; d < H; d++) {
        const f = this.force[e * H + d]!;
        for (let v = 0; v < S1; v++) {
          const i = (e * H + d) * S1 + v;
          let c = this.request[i]! - (v > 0 ? duals[this.coverRow(d, v)]! : 0);
          if ((f >= 0 && v !== f) || this.forbid[i]) c += EXCLUDED;
          this.costs[d * S1 + v] = c;
        }
      }
      const row = this.reopt.bestRow(e, this.costs, duals[e]!);
      if (!this.reopt.lastExact) this.exact = false;
      if (!row) continue;
      let rc = -duals[e]!;
      for (let d = 0; d < H; d++) rc += this.costs[d * S1 + row[d]!]!;
      if (rc >= -1e-6) continue;
      reduced += rc;
      const before = this.cols.length;
      this.addRow(e, row);
      if (this.cols.length > before) added++;
    }
    return { added, reduced };
  }

  /**
   * Column generation at the current node. Returns the converged LP, or null when the node is
   * pruned: its bound leaves no integer objective below `cutoff`, or time ran out.
   */
  private node(cutoff: number, until: number, shouldStop: () => boolean): { objective: number; primal: Float64Array } | null {
    for (;;) {
      if (shouldStop() || Date.now() >= until) return null;
      const lp = this.solveLp();
      if (!lp) {
        // A failed master proves nothing about this node.
        this.exact = false;
        return null;
      }
      this.rounds++;
      const { added, reduced } = this.price(lp.duals);
      // Every member takes exactly one column, so the LP value plus each member's most negative
      // reduced cost bounds every roster of this node (Lagrangian bound).
      if (lp.objective + reduced > cutoff - 1 + 1e-4) return null;
      if (added === 0) return lp;
    }
  }

  /** Decisions in force, outermost first. */
  private path: Decision[] = [];

  /** Moves the master to another node: undoes the current path back to the common prefix, applies the rest. */
  private setPath(path: Decision[]): void {
    let k = 0;
    while (k < path.length && k < this.path.length && path[k] === this.path[k]) k++;
    for (let i = this.path.length - 1; i >= k; i--) this.undo(this.path[i]!);
    for (let i = k; i < path.length; i++) this.apply(path[i]!);
    this.path = path;
  }

  /** Called with every improving roster as it is found. */
  onImprove: ((objective: number, cells: Int32Array) => void) | null = null;

  /**
   * Searches for a roster cheaper than `incumbent` until `until`. Starts from the columns added so
   * far (add the incumbent's rows first).
   */
  run(incumbent: number, until: number, shouldStop: () => boolean, maxNodes = Infinity): BranchAndPriceResult {
    const { H, E, S1 } = this;
    let best = incumbent;
    let bestCells: Int32Array | null = null;
    let rootBound = -Infinity;
    let nodes = 0;
    const open: Array<{ path: Decision[]; bound: number }> = [];
    const agg = new Float64Array(E * H * S1);
    let exhausted = false;
    try {
      for (;;) {
        nodes++;
        const lp = this.node(best, until, shouldStop);
        let branchOn = -1;
        if (lp) {
          if (nodes === 1) rootBound = lp.objective;
          agg.fill(0);
          let artificial = 0;
          for (let e = 0; e < E; e++) artificial += lp.primal[this.base - E + e]!;
          for (let j = 0; j < this.cols.length; j++) {
            const x = lp.primal[this.base + j] ?? 0;
            if (x <= 1e-9) continue;
            const c = this.cols[j]!;
            for (let d = 0; d < H; d++) agg[(c.e * H + d) * S1 + c.row[d]!]! += x;
          }
          // Branch on a day off first: whether a member works a day decides more of the roster than
          // which shift they work. Among equals, the cell nearest one half.
          let score = -1;
          for (let i = 0; i < agg.length; i++) {
            const x = agg[i]!;
            if (x <= 1e-6 || x >= 1 - 1e-6) continue;
            const s = 0.5 - Math.abs(x - 0.5) + (i % S1 === 0 ? 1 : 0);
            if (s > score) {
              score = s;
              branchOn = i;
            }
          }
          if (branchOn < 0 && artificial < 1e-6 && lp.objective < best - 1 + 1e-4) {
            // Integer: each member's columns in the solution agree on every cell, so they are one.
            const cells = new Int32Array(E * H);
            for (let j = 0; j < this.cols.length; j++) {
              if ((lp.primal[this.base + j] ?? 0) > 0.5) cells.set(this.cols[j]!.row, this.cols[j]!.e * H);
            }
            best = Math.round(lp.objective);
            bestCells = cells;
            this.onImprove?.(best, cells);
          } else if (branchOn < 0 && Math.abs(artificial - Math.round(artificial)) > 1e-6) {
            // Integer cells beside a fractional artificial column: a numerical edge this search
            // drops, so it can no longer claim to have seen every roster.
            this.exact = false;
          }
        }
        // Stopped after the node was looked at, so a roster it just found is kept.
        if (shouldStop() || Date.now() >= until || nodes >= maxNodes) break;
        if (lp && branchOn >= 0) {
          // Plunge into the branch that forbids the value (for a day off: the member works that
          // day); the other waits with this node's bound. Measured on Instances 5-7 (one core, four
          // seeds each): optimum proved in 1.1-9.8 s, against 3.2-15.8 s forcing it first.
          const v = branchOn % S1;
          const ed = (branchOn - v) / S1;
          const e = Math.floor(ed / H);
          const d = ed % H;
          open.push({ path: [...this.path, { e, d, v, branch: 0 }], bound: lp.objective });
          this.setPath([...this.path, { e, d, v, branch: 1 }]);
          continue;
        }
        // Pruned or integer: resume at an open node that may still hold a better roster.
        for (let i = open.length - 1; i >= 0; i--) if (open[i]!.bound > best - 1 + 1e-4) open.splice(i, 1);
        // Best bound first (the latest among equals, i.e. the deepest).
        let next = open.length - 1;
        for (let i = open.length - 2; i >= 0; i--) if (open[i]!.bound < open[next]!.bound) next = i;
        if (next < 0) {
          exhausted = true;
          break;
        }
        const [node] = open.splice(next, 1);
        this.setPath(node!.path);
      }
    } finally {
      this.setPath([]);
      this.lp?.dispose();
      this.lp = null;
    }
    return { cells: bestCells, objective: best, proved: exhausted && this.exact, rootBound, nodes, rounds: this.rounds };
  }
}
