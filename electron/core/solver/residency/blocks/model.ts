import type { ChangeSet, Constraint, CostDelta, Model } from '../../engine/model';
import { BLOCK_WEIGHTS, type CompiledBlocks } from './problem';

/**
 * The annual rotation schedule as an engine model: one variable per (trainee, block), value = the
 * rotation index, or R for "no rotation". Three kinds of constraints, each pricing a move from its
 * own caches:
 * - CellRules: eligibility, credentials and leave (hard), block preferences and churn (soft);
 * - BlockLoad (one per block): capacity min/max (hard), even spread of head counts (soft);
 * - PersonYear (one per trainee): curriculum min/max per rotation group (hard), variety and
 *   year-level preferences (soft).
 */

/** Hard violation units of each rule, so explanations and the graded measure agree. */
export const HARD_UNIT = { cell: 1, capacity: 1, curriculum: 1 } as const;

class CellRules implements Constraint {
  readonly name = 'cells';
  readonly scope: Int32Array;
  hard = 0;
  soft = 0;
  private readonly V: number;

  constructor(private readonly m: CompiledBlocks) {
    this.V = m.R + 1;
    this.scope = Int32Array.from({ length: m.P * m.B }, (_, i) => i);
  }

  private hardOf(cell: number, v: number): number {
    // A pinned cell is kept as the coordinator set it, even when it breaks a rule (it is reported).
    if (this.m.fixed[cell]! >= 0) return v === this.m.fixed[cell] ? 0 : HARD_UNIT.cell * 100;
    return this.m.allowed[cell * this.V + v] ? 0 : HARD_UNIT.cell;
  }

  private softOf(cell: number, v: number): number {
    let s = this.m.cellSoft[cell * this.V + v]!;
    if (this.m.mode === 'repair' && this.m.current[cell]! >= 0 && v !== this.m.current[cell]) s += BLOCK_WEIGHTS.churn;
    return s;
  }

  reset(values: Int32Array): void {
    this.hard = 0;
    this.soft = 0;
    for (let c = 0; c < values.length; c++) {
      this.hard += this.hardOf(c, values[c]!);
      this.soft += this.softOf(c, values[c]!);
    }
  }

  delta(values: Int32Array, ch: ChangeSet, out: CostDelta): void {
    for (let i = 0; i < ch.size; i++) {
      const c = ch.vars[i]!;
      const o = values[c]!;
      const n = ch.values[i]!;
      out.hard += this.hardOf(c, n) - this.hardOf(c, o);
      out.soft += this.softOf(c, n) - this.softOf(c, o);
    }
  }

  commit(values: Int32Array, ch: ChangeSet): void {
    const out = { hard: 0, soft: 0 };
    this.delta(values, ch, out);
    this.hard += out.hard;
    this.soft += out.soft;
  }
}

class BlockLoad implements Constraint {
  readonly name: string;
  readonly scope: Int32Array;
  hard = 0;
  soft = 0;
  private readonly counts: Int32Array;
  private readonly tmp: Int32Array;
  private readonly touched: Int32Array;
  private touchedCount = 0;

  constructor(
    private readonly m: CompiledBlocks,
    private readonly b: number,
  ) {
    this.name = `block-${b}`;
    this.scope = Int32Array.from({ length: m.P }, (_, p) => p * m.B + b);
    this.counts = new Int32Array(m.R + 1);
    this.tmp = new Int32Array(m.R + 1);
    this.touched = new Int32Array(m.R + 1);
  }

  /** Capacity and balance of one rotation at a head count (leave rotations and "none" are free). */
  private hardOf(r: number, n: number): number {
    if (r === this.m.R || this.m.isLeaveRotation[r]) return 0;
    return Math.max(0, this.m.capMin[r]! - n) + Math.max(0, n - this.m.capMax[r]!);
  }
  private softOf(r: number, n: number): number {
    if (r === this.m.R || this.m.isLeaveRotation[r]) return 0;
    return BLOCK_WEIGHTS.balance * n * n;
  }

  reset(values: Int32Array): void {
    this.counts.fill(0);
    for (let i = 0; i < this.scope.length; i++) this.counts[values[this.scope[i]!]!]!++;
    this.hard = 0;
    this.soft = 0;
    for (let r = 0; r <= this.m.R; r++) {
      this.hard += this.hardOf(r, this.counts[r]!);
      this.soft += this.softOf(r, this.counts[r]!);
    }
  }

  private gather(values: Int32Array, ch: ChangeSet): void {
    this.touchedCount = 0;
    for (let i = 0; i < ch.size; i++) {
      const c = ch.vars[i]!;
      if (c % this.m.B !== this.b) continue;
      const o = values[c]!;
      const n = ch.values[i]!;
      if (o === n) continue;
      for (const r of [o, n]) {
        let seen = false;
        for (let k = 0; k < this.touchedCount; k++) if (this.touched[k] === r) seen = true;
        if (!seen) {
          this.touched[this.touchedCount++] = r;
          this.tmp[r] = 0;
        }
      }
      this.tmp[o]!--;
      this.tmp[n]!++;
    }
  }

  delta(values: Int32Array, ch: ChangeSet, out: CostDelta): void {
    this.gather(values, ch);
    for (let k = 0; k < this.touchedCount; k++) {
      const r = this.touched[k]!;
      const n0 = this.counts[r]!;
      const n1 = n0 + this.tmp[r]!;
      out.hard += this.hardOf(r, n1) - this.hardOf(r, n0);
      out.soft += this.softOf(r, n1) - this.softOf(r, n0);
    }
  }

  commit(values: Int32Array, ch: ChangeSet): void {
    this.gather(values, ch);
    for (let k = 0; k < this.touchedCount; k++) {
      const r = this.touched[k]!;
      const n0 = this.counts[r]!;
      const n1 = n0 + this.tmp[r]!;
      this.hard += this.hardOf(r, n1) - this.hardOf(r, n0);
      this.soft += this.softOf(r, n1) - this.softOf(r, n0);
      this.counts[r] = n1;
    }
  }
}

class PersonYear implements Constraint {
  readonly name: string;
  readonly scope: Int32Array;
  hard = 0;
  soft = 0;
  private readonly row: Int32Array;
  private readonly groupCount: Float64Array;
  private readonly rotCount: Int32Array;

  constructor(
    private readonly m: CompiledBlocks,
    private readonly p: number,
  ) {
    this.name = `person-${p}`;
    this.scope = Int32Array.from({ length: m.B }, (_, b) => p * m.B + b);
    this.row = new Int32Array(m.B);
    const groups = Math.max(0, ...Array.from(m.rotationGroup)) + 1;
    this.groupCount = new Float64Array(groups);
    this.rotCount = new Int32Array(m.R + 1);
  }

  /** Full price of one row: B is 13 or 26, so re-pricing the row is cheaper than bookkeeping. */
  private price(row: Int32Array): { hard: number; soft: number } {
    const m = this.m;
    this.groupCount.fill(0);
    this.rotCount.fill(0);
    let soft = 0;
    for (let b = 0; b < m.B; b++) {
      const v = row[b]!;
      this.rotCount[v]!++;
      if (v < m.R) {
        const g = m.rotationGroup[v]!;
        if (g >= 0) this.groupCount[g]! += m.blockWeight[b]!;
        if (b > 0 && row[b - 1] === v && !m.isLeaveRotation[v]) soft += BLOCK_WEIGHTS.repeat;
      }
    }
    let hard = 0;
    for (const [g, min, max] of m.requirements[this.p]!) {
      const c = g >= 0 ? this.groupCount[g]! : 0;
      hard += Math.max(0, min - c) + Math.max(0, c - max);
    }
    for (const [r, w, avoid] of m.yearPrefs[this.p]!) {
      const has = this.rotCount[r]! > 0;
      if (has === (avoid === 1)) soft += w;
    }
    return { hard: hard * HARD_UNIT.curriculum, soft };
  }

  private load(values: Int32Array): void {
    for (let b = 0; b < this.m.B; b++) this.row[b] = values[this.p * this.m.B + b]!;
  }

  private patch(ch: ChangeSet): void {
    for (let i = 0; i < ch.size; i++) {
      const c = ch.vars[i]!;
      if (Math.floor(c / this.m.B) === this.p) this.row[c % this.m.B] = ch.values[i]!;
    }
  }

  reset(values: Int32Array): void {
    this.load(values);
    const r = this.price(this.row);
    this.hard = r.hard;
    this.soft = r.soft;
  }

  delta(values: Int32Array, ch: ChangeSet, out: CostDelta): void {
    this.load(values);
    this.patch(ch);
    const r = this.price(this.row);
    out.hard += r.hard - this.hard;
    out.soft += r.soft - this.soft;
  }

  commit(values: Int32Array, ch: ChangeSet): void {
    this.load(values);
    this.patch(ch);
    const r = this.price(this.row);
    this.hard = r.hard;
    this.soft = r.soft;
  }
}

export class BlockModel implements Model {
  readonly numVars: number;
  readonly constraints: readonly Constraint[];

  constructor(readonly m: CompiledBlocks) {
    this.numVars = m.P * m.B;
    const list: Constraint[] = [new CellRules(m)];
    for (let b = 0; b < m.B; b++) list.push(new BlockLoad(m, b));
    for (let p = 0; p < m.P; p++) list.push(new PersonYear(m, p));
    this.constraints = list;
  }

  domainSize(): number {
    return this.m.R + 1;
  }
}
