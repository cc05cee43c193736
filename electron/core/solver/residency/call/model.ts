import type { ChangeSet, Constraint, CostDelta, Model } from '../../engine/model';
import { FastAcgme } from './acgme';
import { CALL_WEIGHTS, type CompiledCall } from './problem';

/**
 * The call schedule as an engine model: one variable per (person, day), value 0 = no decided shift,
 * t+1 = shift type t. Constraints:
 * - CallCells: eligibility (pool, kind, approved absence) hard; requests and churn soft;
 * - PersonRow (one per person): the fast ACGME check (hard) and rest preferences (soft);
 * - DayCover (one per day): min/max head count per shift type (hard);
 * - Fairness: the largest deviation from the fair share of calls, weekends and holidays (soft).
 */

class CallCells implements Constraint {
  readonly name = 'cells';
  readonly scope: Int32Array;
  hard = 0;
  soft = 0;

  constructor(private readonly m: CompiledCall) {
    this.scope = Int32Array.from({ length: m.P * m.D }, (_, i) => i);
  }

  private hardOf(cell: number, v: number): number {
    return v === 0 || this.m.eligible[cell * this.m.T + v - 1] ? 0 : 1;
  }

  private softOf(cell: number, v: number): number {
    let s = this.m.requestCost[cell * (this.m.T + 1) + v]!;
    if (this.m.mode === 'repair' && v !== this.m.current[cell]) s += CALL_WEIGHTS.churn;
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
      out.hard += this.hardOf(c, ch.values[i]!) - this.hardOf(c, values[c]!);
      out.soft += this.softOf(c, ch.values[i]!) - this.softOf(c, values[c]!);
    }
  }

  commit(values: Int32Array, ch: ChangeSet): void {
    const out = { hard: 0, soft: 0 };
    this.delta(values, ch, out);
    this.hard += out.hard;
    this.soft += out.soft;
  }
}

export class PersonRow implements Constraint {
  readonly name: string;
  readonly scope: Int32Array;
  hard = 0;
  soft = 0;
  readonly row: Int32Array;
  readonly acgme: FastAcgme;

  constructor(
    private readonly m: CompiledCall,
    private readonly p: number,
  ) {
    this.name = `row-${p}`;
    this.scope = Int32Array.from({ length: m.D }, (_, d) => p * m.D + d);
    this.row = new Int32Array(m.D);
    this.acgme = new FastAcgme(m, m.persons[p]!);
  }

  private load(values: Int32Array, ch: ChangeSet | null): void {
    const base = this.p * this.m.D;
    for (let d = 0; d < this.m.D; d++) this.row[d] = values[base + d]!;
    if (!ch) return;
    for (let i = 0; i < ch.size; i++) {
      const d = ch.vars[i]! - base;
      if (d >= 0 && d < this.m.D) this.row[d] = ch.values[i]!;
    }
  }

  reset(values: Int32Array): void {
    this.load(values, null);
    const r = this.acgme.price(this.row);
    this.hard = r.hard;
    this.soft = r.soft;
  }

  delta(values: Int32Array, ch: ChangeSet, out: CostDelta): void {
    this.load(values, ch);
    const r = this.acgme.price(this.row);
    out.hard += r.hard - this.hard;
    out.soft += r.soft - this.soft;
  }

  commit(values: Int32Array, ch: ChangeSet): void {
    this.load(values, ch);
    const r = this.acgme.price(this.row);
    this.hard = r.hard;
    this.soft = r.soft;
  }
}

class DayCover implements Constraint {
  readonly name: string;
  readonly scope: Int32Array;
  hard = 0;
  soft = 0;
  private readonly counts: Int32Array;
  private readonly tmp: Int32Array;

  constructor(
    private readonly m: CompiledCall,
    private readonly d: number,
  ) {
    this.name = `day-${d}`;
    this.scope = Int32Array.from({ length: m.P }, (_, p) => p * m.D + d);
    this.counts = new Int32Array(m.T + 1);
    this.tmp = new Int32Array(m.T + 1);
  }

  private cost(counts: Int32Array): number {
    let h = 0;
    for (let t = 0; t < this.m.T; t++) {
      const n = counts[t + 1]!;
      h += Math.max(0, this.m.minPer[t]! - n) + Math.max(0, n - this.m.maxPer[t]!);
    }
    return h;
  }

  reset(values: Int32Array): void {
    this.counts.fill(0);
    for (let i = 0; i < this.scope.length; i++) this.counts[values[this.scope[i]!]!]!++;
    this.hard = this.cost(this.counts);
  }

  private apply(values: Int32Array, ch: ChangeSet, into: Int32Array): void {
    into.set(this.counts);
    for (let i = 0; i < ch.size; i++) {
      const c = ch.vars[i]!;
      if (c % this.m.D !== this.d) continue;
      into[values[c]!]!--;
      into[ch.values[i]!]!++;
    }
  }

  delta(values: Int32Array, ch: ChangeSet, out: CostDelta): void {
    this.apply(values, ch, this.tmp);
    out.hard += this.cost(this.tmp) - this.hard;
  }

  commit(values: Int32Array, ch: ChangeSet): void {
    this.apply(values, ch, this.counts);
    this.hard = this.cost(this.counts);
  }
}

/**
 * Fairness over calls, weekend calls and holiday calls. A person's deviation is (carried + now) -
 * (fair share now + the mean carried): someone who took more calls earlier in the year is owed fewer
 * now. The largest absolute deviation of each count is what the coordinator sees, so it carries the
 * main weight; the squared sum breaks ties towards an even spread.
 */
export class Fairness implements Constraint {
  readonly name = 'fairness';
  readonly scope: Int32Array;
  hard = 0;
  soft = 0;
  readonly counts: Float64Array;
  readonly target: Float64Array;
  private readonly next: Float64Array;
  /** People with a share: others can only hold calls through eligibility violations, priced there. */
  private readonly members: Int32Array;

  constructor(private readonly m: CompiledCall) {
    this.scope = Int32Array.from({ length: m.P * m.D }, (_, i) => i);
    this.counts = new Float64Array(m.P * 3);
    this.next = new Float64Array(m.P * 3);
    const members: number[] = [];
    for (let p = 0; p < m.P; p++) if (m.share[p * 3]! > 0) members.push(p);
    this.members = Int32Array.from(members);
    this.target = new Float64Array(m.P * 3);
    for (let k = 0; k < 3; k++) {
      let mean = 0;
      for (const p of members) mean += m.carried[p * 3 + k]!;
      mean = members.length > 0 ? mean / members.length : 0;
      for (const p of members) this.target[p * 3 + k] = m.share[p * 3 + k]! + mean - m.carried[p * 3 + k]!;
    }
  }

  private weight(d: number, k: number): number {
    return k === 0 ? 1 : k === 1 ? this.m.weekend[d]! : this.m.holiday[d]!;
  }

  private cost(counts: Float64Array): number {
    let soft = 0;
    for (let k = 0; k < 3; k++) {
      let max = 0;
      for (const p of this.members) {
        const dev = Math.abs(counts[p * 3 + k]! - this.target[p * 3 + k]!);
        if (dev > max) max = dev;
        soft += CALL_WEIGHTS.fairSquare * dev * dev;
      }
      soft += CALL_WEIGHTS.fairMax * max;
    }
    return soft;
  }

  reset(values: Int32Array): void {
    this.counts.fill(0);
    for (let c = 0; c < values.length; c++) {
      if (values[c] === 0) continue;
      const p = Math.floor(c / this.m.D);
      const d = c % this.m.D;
      for (let k = 0; k < 3; k++) this.counts[p * 3 + k]! += this.weight(d, k);
    }
    this.soft = this.cost(this.counts);
  }

  private apply(values: Int32Array, ch: ChangeSet): void {
    this.next.set(this.counts);
    for (let i = 0; i < ch.size; i++) {
      const c = ch.vars[i]!;
      const was = values[c] !== 0;
      const now = ch.values[i] !== 0;
      if (was === now) continue;
      const p = Math.floor(c / this.m.D);
      const d = c % this.m.D;
      const sign = now ? 1 : -1;
      for (let k = 0; k < 3; k++) this.next[p * 3 + k]! += sign * this.weight(d, k);
    }
  }

  delta(values: Int32Array, ch: ChangeSet, out: CostDelta): void {
    this.apply(values, ch);
    out.soft += this.cost(this.next) - this.soft;
  }

  commit(values: Int32Array, ch: ChangeSet): void {
    this.apply(values, ch);
    this.counts.set(this.next);
    this.soft = this.cost(this.counts);
  }
}

export class CallModel implements Model {
  readonly numVars: number;
  readonly constraints: readonly Constraint[];
  readonly rows: PersonRow[];
  readonly fairness: Fairness;

  constructor(readonly m: CompiledCall) {
    this.numVars = m.P * m.D;
    this.rows = Array.from({ length: m.P }, (_, p) => new PersonRow(m, p));
    this.fairness = new Fairness(m);
    const list: Constraint[] = [new CallCells(m), ...this.rows, this.fairness];
    for (let d = 0; d < m.D; d++) list.push(new DayCover(m, d));
    this.constraints = list;
  }

  domainSize(): number {
    return this.m.T + 1;
  }
}
