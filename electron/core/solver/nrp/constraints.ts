import type { ChangeSet, Constraint, CostDelta } from '../engine/model';
import type { NrpInstance } from './instance';

/**
 * Incremental NRP constraints. Variables are cells `e * H + d` holding 0 (off) or shift + 1.
 *
 * Hard rules are priced with a graded measure (how far from satisfied, e.g. missing days of a run,
 * missing shifts of minutes) rather than a count, so the search feels a gradient towards
 * feasibility; it is 0 exactly when the reference evaluator counts no violation.
 */

/** Everything about one staff member: all hard rules plus their shift on/off requests. */
export class EmployeeRow implements Constraint {
  readonly name: string;
  readonly scope: Int32Array;
  hard = 0;
  soft = 0;

  private readonly H: number;
  private readonly S: number;
  private readonly base: number;
  private readonly row: Int32Array;
  private readonly counts: Int32Array;
  private readonly maxShifts: Int32Array;
  private readonly minutesOf: Int32Array;
  private readonly forbidden: Uint8Array;
  private readonly dayOff: Uint8Array;
  /** reqCost[d * (S+1) + v]: request penalty of value v on day d. */
  private readonly reqCost: Int32Array;
  private readonly minTotal: number;
  private readonly maxTotal: number;
  private readonly minuteUnit: number;
  private readonly cmax: number;
  private readonly cmin: number;
  private readonly offMin: number;
  private readonly maxWeekends: number;
  private readonly weekendCount: number;
  private minutes = 0;
  private weekends = 0;

  // Scratch for a pending move, reused across calls.
  private readonly chDays: Int32Array;
  private readonly chOld: Int32Array;
  private readonly chNew: Int32Array;
  private chCount = 0;
  // Components of the last computed delta (hard, soft), valid until the next call.
  private dHard = 0;
  private dSoft = 0;
  private dMinutes = 0;
  private dWeekends = 0;

  constructor(
    instance: NrpInstance,
    readonly staff: number,
  ) {
    const H = instance.horizon;
    const S = instance.shifts.length;
    const st = instance.staff[staff];
    if (!st) throw new Error(`no staff ${staff}`);
    this.name = `row:${st.id}`;
    this.H = H;
    this.S = S;
    this.base = staff * H;
    this.scope = Int32Array.from({ length: H }, (_, d) => this.base + d);
    this.row = new Int32Array(H);
    this.counts = new Int32Array(S + 1);
    this.maxShifts = Int32Array.from({ length: S + 1 }, (_, v) => (v === 0 ? H : (st.maxShifts[v - 1] ?? H)));
    this.minutesOf = Int32Array.from({ length: S + 1 }, (_, v) => (v === 0 ? 0 : (instance.shifts[v - 1]?.minutes ?? 0)));
    this.forbidden = new Uint8Array((S + 1) * (S + 1));
    instance.shifts.forEach((sh, s) => sh.forbiddenNext.forEach((t) => (this.forbidden[(s + 1) * (S + 1) + t + 1] = 1)));
    this.dayOff = new Uint8Array(H);
    for (const d of instance.daysOff[staff] ?? []) this.dayOff[d] = 1;
    this.reqCost = new Int32Array(H * (S + 1));
    for (const r of instance.onRequests) {
      if (r.staff !== staff) continue;
      // Costs whenever the requested shift is not worked: add to every other value.
      for (let v = 0; v <= S; v++) if (v !== r.shift + 1) this.reqCost[r.day * (S + 1) + v]! += r.weight;
    }
    for (const r of instance.offRequests) if (r.staff === staff) this.reqCost[r.day * (S + 1) + r.shift + 1]! += r.weight;
    this.minTotal = st.minTotalMinutes;
    this.maxTotal = st.maxTotalMinutes;
    this.minuteUnit = Math.max(1, Math.min(...instance.shifts.map((s) => s.minutes)));
    this.cmax = st.maxConsecutiveShifts;
    this.cmin = st.minConsecutiveShifts;
    this.offMin = st.minConsecutiveDaysOff;
    this.maxWeekends = st.maxWeekends;
    this.weekendCount = Math.floor((H + 1) / 7);
    this.chDays = new Int32Array(H);
    this.chOld = new Int32Array(H);
    this.chNew = new Int32Array(H);
  }

  /** Request penalty of holding value v on day d (for row re-optimisation). */
  requestCost(d: number, v: number): number {
    return this.reqCost[d * (this.S + 1) + v]!;
  }

  private minutesPenalty(m: number): number {
    if (m > this.maxTotal) return Math.ceil((m - this.maxTotal) / this.minuteUnit);
    if (m < this.minTotal) return Math.ceil((this.minTotal - m) / this.minuteUnit);
    return 0;
  }

  private shiftPenalty(v: number, n: number): number {
    return v > 0 && n > this.maxShifts[v]! ? n - this.maxShifts[v]! : 0;
  }

  private weekendWorked(k: number): boolean {
    const sat = 7 * k + 5;
    return this.row[sat] !== 0 || (sat + 1 < this.H && this.row[sat + 1] !== 0);
  }

  /** Graded penalty of the runs lying entirely inside [a, b] (a and b are run boundaries). */
  private runsPenalty(a: number, b: number): number {
    const row = this.row;
    const H = this.H;
    let p = 0;
    let start = a;
    while (start <= b) {
      const working = row[start] !== 0;
      let end = start;
      while (end < b && (row[end + 1] !== 0) === working) end++;
      const len = end - start + 1;
      const bounded = start > 0 && end < H - 1;
      if (working) {
        if (len > this.cmax) p += len - this.cmax;
        if (bounded && len < this.cmin) p += this.cmin - len;
      } else if (bounded && len < this.offMin) {
        p += this.offMin - len;
      }
      start = end + 1;
    }
    return p;
  }

  private successionPenalty(from: number, to: number): number {
    let p = 0;
    const S1 = this.S + 1;
    for (let d = Math.max(0, from); d < to && d + 1 < this.H; d++) p += this.forbidden[this.row[d]! * S1 + this.row[d + 1]!]!;
    return p;
  }

  reset(values: Int32Array): void {
    const H = this.H;
    this.row.set(values.subarray(this.base, this.base + H));
    this.counts.fill(0);
    this.minutes = 0;
    let hard = 0;
    let soft = 0;
    for (let d = 0; d < H; d++) {
      const v = this.row[d]!;
      this.counts[v]!++;
      this.minutes += this.minutesOf[v]!;
      if (this.dayOff[d] && v !== 0) hard++;
      soft += this.reqCost[d * (this.S + 1) + v]!;
    }
    for (let v = 1; v <= this.S; v++) hard += this.shiftPenalty(v, this.counts[v]!);
    hard += this.minutesPenalty(this.minutes);
    hard += this.runsPenalty(0, H - 1);
    hard += this.successionPenalty(0, H - 1);
    this.weekends = 0;
    for (let k = 0; k < this.weekendCount; k++) if (this.weekendWorked(k)) this.weekends++;
    hard += Math.max(0, this.weekends - this.maxWeekends);
    this.hard = hard;
    this.soft = soft;
  }

  /** Loads this row's part of `changes` into the scratch arrays; returns false if none. */
  private gather(changes: ChangeSet): boolean {
    this.chCount = 0;
    const lo = this.base;
    const hi = this.base + this.H;
    for (let i = 0; i < changes.size; i++) {
      const v = changes.vars[i]!;
      if (v < lo || v >= hi) continue;
      const d = v - lo;
      const nv = changes.values[i]!;
      // Several changes to one cell: the last wins, as in SearchState.apply.
      let j = 0;
      while (j < this.chCount && this.chDays[j] !== d) j++;
      if (j === this.chCount) {
        this.chDays[j] = d;
        this.chOld[j] = this.row[d]!;
        this.chCount++;
      }
      this.chNew[j] = nv;
    }
    return this.chCount > 0;
  }

  /** Computes the delta of the gathered changes into dHard/dSoft; leaves `row` with the new values iff keep. */
  private compute(keep: boolean): void {
    const H = this.H;
    const S1 = this.S + 1;
    let lo = H;
    let hi = -1;
    let dSoft = 0;
    let dHard = 0;
    let dMinutes = 0;
    for (let j = 0; j < this.chCount; j++) {
      const d = this.chDays[j]!;
      const o = this.chOld[j]!;
      const n = this.chNew[j]!;
      if (d < lo) lo = d;
      if (d > hi) hi = d;
      dSoft += this.reqCost[d * S1 + n]! - this.reqCost[d * S1 + o]!;
      if (this.dayOff[d]) dHard += (n !== 0 ? 1 : 0) - (o !== 0 ? 1 : 0);
      dMinutes += this.minutesOf[n]! - this.minutesOf[o]!;
    }
    dHard += this.minutesPenalty(this.minutes + dMinutes) - this.minutesPenalty(this.minutes);

    // Run window: from the start of the run holding lo-1 to the end of the run holding hi+1, so every
    // run that a change could merge, split or resize lies inside and its neighbours stay fixed.
    const row = this.row;
    let a = Math.max(0, lo - 1);
    const wa = row[a] !== 0;
    while (a > 0 && (row[a - 1] !== 0) === wa) a--;
    let b = Math.min(H - 1, hi + 1);
    const wb = row[b] !== 0;
    while (b < H - 1 && (row[b + 1] !== 0) === wb) b++;
    let before = this.runsPenalty(a, b) + this.successionPenalty(lo - 1, hi + 1);
    const wkLo = Math.floor(lo / 7);
    const wkHi = Math.min(this.weekendCount - 1, Math.floor(hi / 7));
    let wkBefore = 0;
    for (let k = wkLo; k <= wkHi; k++) if (this.weekendWorked(k)) wkBefore++;

    // Apply to the row and to shift counts.
    for (let j = 0; j < this.chCount; j++) row[this.chDays[j]!] = this.chNew[j]!;
    for (let j = 0; j < this.chCount; j++) {
      const o = this.chOld[j]!;
      const n = this.chNew[j]!;
      if (o === n) continue;
      before += this.shiftPenalty(o, this.counts[o]!) + this.shiftPenalty(n, this.counts[n]!);
      this.counts[o]!--;
      this.counts[n]!++;
      dHard += this.shiftPenalty(o, this.counts[o]!) + this.shiftPenalty(n, this.counts[n]!);
    }
    // [a, b] is still bounded by the same unchanged neighbours (a < lo and b > hi when not at an
    // edge), so the runs inside it are all that the change can affect.
    const after = this.runsPenalty(a, b) + this.successionPenalty(lo - 1, hi + 1);
    let wkAfter = 0;
    for (let k = wkLo; k <= wkHi; k++) if (this.weekendWorked(k)) wkAfter++;
    const dWeekends = wkAfter - wkBefore;
    dHard += Math.max(0, this.weekends + dWeekends - this.maxWeekends) - Math.max(0, this.weekends - this.maxWeekends);
    dHard += after - before;

    if (!keep) {
      for (let j = this.chCount - 1; j >= 0; j--) {
        const o = this.chOld[j]!;
        const n = this.chNew[j]!;
        row[this.chDays[j]!] = o;
        if (o === n) continue;
        this.counts[o]!++;
        this.counts[n]!--;
      }
    }
    this.dHard = dHard;
    this.dSoft = dSoft;
    this.dMinutes = dMinutes;
    this.dWeekends = dWeekends;
  }

  delta(_values: Int32Array, changes: ChangeSet, out: CostDelta): void {
    if (!this.gather(changes)) return;
    this.compute(false);
    out.hard += this.dHard;
    out.soft += this.dSoft;
  }

  commit(_values: Int32Array, changes: ChangeSet): void {
    if (!this.gather(changes)) return;
    this.compute(true);
    this.hard += this.dHard;
    this.soft += this.dSoft;
    this.minutes += this.dMinutes;
    this.weekends += this.dWeekends;
  }
}

/** Cover of one day: per shift, penalties for each person missing or extra. */
export class CoverDay implements Constraint {
  readonly name: string;
  readonly scope: Int32Array;
  hard = 0;
  soft = 0;
  private readonly H: number;
  private readonly req: Int32Array;
  private readonly wUnder: Int32Array;
  private readonly wOver: Int32Array;
  private readonly counts: Int32Array;

  constructor(
    instance: NrpInstance,
    readonly day: number,
  ) {
    const S = instance.shifts.length;
    this.H = instance.horizon;
    this.name = `cover:${day}`;
    this.scope = Int32Array.from({ length: instance.staff.length }, (_, e) => e * this.H + day);
    this.req = new Int32Array(S + 1);
    this.wUnder = new Int32Array(S + 1);
    this.wOver = new Int32Array(S + 1);
    this.counts = new Int32Array(S + 1);
    for (const c of instance.cover) {
      if (c.day !== day) continue;
      this.req[c.shift + 1] = c.requirement;
      this.wUnder[c.shift + 1] = c.weightUnder;
      this.wOver[c.shift + 1] = c.weightOver;
    }
  }

  /** Cost of shift value v being staffed n times (value 0, off, is never priced). */
  cost(v: number, n: number): number {
    if (v === 0) return 0;
    const r = this.req[v]!;
    return n < r ? (r - n) * this.wUnder[v]! : (n - r) * this.wOver[v]!;
  }

  /** People currently on value v this day (read-only view for heuristics). */
  count(v: number): number {
    return this.counts[v]!;
  }

  requirement(v: number): number {
    return this.req[v]!;
  }

  reset(values: Int32Array): void {
    this.counts.fill(0);
    for (let i = 0; i < this.scope.length; i++) this.counts[values[this.scope[i]!]!]!++;
    let s = 0;
    for (let v = 1; v < this.counts.length; v++) s += this.cost(v, this.counts[v]!);
    this.soft = s;
  }

  private inScope(variable: number): boolean {
    return variable % this.H === this.day;
  }

  /**
   * Applies the changes to counts and returns the cost difference; `values` gives old values. Cells
   * changed twice in one set are not supported (moves never do that).
   */
  private shift(values: Int32Array, changes: ChangeSet, sign: 1 | -1): number {
    let d = 0;
    for (let i = 0; i < changes.size; i++) {
      const variable = changes.vars[i]!;
      if (!this.inScope(variable)) continue;
      const o = sign === 1 ? values[variable]! : changes.values[i]!;
      const n = sign === 1 ? changes.values[i]! : values[variable]!;
      if (o === n) continue;
      d -= this.cost(o, this.counts[o]!) + this.cost(n, this.counts[n]!);
      this.counts[o]!--;
      this.counts[n]!++;
      d += this.cost(o, this.counts[o]!) + this.cost(n, this.counts[n]!);
    }
    return d;
  }

  delta(values: Int32Array, changes: ChangeSet, out: CostDelta): void {
    out.soft += this.shift(values, changes, 1);
    this.shift(values, changes, -1);
  }

  commit(values: Int32Array, changes: ChangeSet): void {
    this.soft += this.shift(values, changes, 1);
  }
}
