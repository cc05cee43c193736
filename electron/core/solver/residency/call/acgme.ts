import { CALL_WEIGHTS, KIND, type CompiledCall, type PersonContext } from './problem';

/**
 * The fast ACGME check used inside the search, for one person's row of decided days plus their
 * fixed shifts. It follows the compliance engine's definitions (work periods chained by the gap G,
 * core vs +4 time, averaging periods per block with whole leave days removed, free 24-hour periods)
 * but returns a graded number instead of explained results, with no allocation per call:
 * - CPR-24H / CPR-24P4: hours of core time beyond 24 h, of span beyond 28 h;
 * - CPR-14H: hours short of 14 h free after a 24-hour in-house call;
 * - CPR-80H: hours over the weekly limit x eligible days / 7, per period;
 * - CPR-1IN7: days off missing per period;  CPR-Q3: in-house calls beyond eligible days / 3.
 * The final verdict is always the engine's (see verify.ts); EM pack rules are only checked there.
 */

const H24 = 1440;
const H28 = 1680;
const H14 = 840;
const H8 = 480;
const H48 = 2880;
const HOME = KIND.homeCall;
const IHC = KIND.inHouseCall;
const NIGHT = KIND.nightFloat;

function isExtension(kind: number): boolean {
  return kind === KIND.transition || kind === KIND.education;
}

export class FastAcgme {
  private readonly s: Float64Array;
  private readonly e: Float64Array;
  private readonly k: Int32Array;
  private readonly day: Int32Array;
  private readonly counted: Float64Array;
  private readonly busy: Float64Array;
  private readonly wS: Float64Array;
  private readonly wE: Float64Array;
  private readonly wCore: Float64Array;
  private readonly wFlags: Int32Array;

  constructor(
    private readonly m: CompiledCall,
    private readonly ctx: PersonContext,
  ) {
    const n = ctx.fStart.length + m.D + 1;
    this.s = new Float64Array(n);
    this.e = new Float64Array(n);
    this.k = new Int32Array(n);
    this.day = new Int32Array(n);
    this.counted = new Float64Array(2 * n);
    this.busy = new Float64Array(2 * n);
    this.wS = new Float64Array(n);
    this.wE = new Float64Array(n);
    this.wCore = new Float64Array(n);
    this.wFlags = new Int32Array(n);
  }

  /** Merges fixed shifts and the row's chosen shifts (both sorted by start) into the buffers. */
  private merge(row: Int32Array): number {
    const { m, ctx } = this;
    let i = 0;
    let n = 0;
    const F = ctx.fStart.length;
    for (let d = 0; d < m.D; d++) {
      const v = row[d]!;
      if (v === 0) continue;
      const idx = d * m.T + v - 1;
      const cs = m.start[idx]!;
      const ce = m.end[idx]!;
      while (i < F && (ctx.fStart[i]! < cs || (ctx.fStart[i] === cs && ctx.fEnd[i]! <= ce))) {
        this.s[n] = ctx.fStart[i]!;
        this.e[n] = ctx.fEnd[i]!;
        this.k[n] = ctx.fKind[i]!;
        this.day[n] = ctx.fDay[i]!;
        n++;
        i++;
      }
      this.s[n] = cs;
      this.e[n] = ce;
      this.k[n] = m.typeKind[v - 1]!;
      this.day[n] = m.firstDay + d;
      n++;
    }
    for (; i < F; i++, n++) {
      this.s[n] = ctx.fStart[i]!;
      this.e[n] = ctx.fEnd[i]!;
      this.k[n] = ctx.fKind[i]!;
      this.day[n] = ctx.fDay[i]!;
    }
    return n;
  }

  /** Union of intervals (sorted by start) into flat spans; `homeToo` includes home call (busy). */
  private union(n: number, out: Float64Array, homeToo: boolean): number {
    let len = 0;
    for (let i = 0; i < n; i++) {
      if (!homeToo && this.k[i] === HOME) continue;
      if (len > 0 && this.s[i]! <= out[len - 1]!) {
        if (this.e[i]! > out[len - 1]!) out[len - 1] = this.e[i]!;
      } else {
        out[len++] = this.s[i]!;
        out[len++] = this.e[i]!;
      }
    }
    return len;
  }

  /** Graded hard violation and soft rest penalties of the row; `detail` receives per-rule amounts. */
  price(row: Int32Array, detail?: Record<string, number>): { hard: number; soft: number } {
    if (!this.ctx.evaluated) return { hard: 0, soft: 0 };
    const n = this.merge(row);
    let hard = 0;
    let soft = 0;
    const add = (rule: string, amount: number): void => {
      hard += amount;
      if (detail) detail[rule] = (detail[rule] ?? 0) + amount;
    };

    // Work periods: chains of counting intervals with gaps of at most G minutes.
    let w = -1;
    for (let i = 0; i < n; i++) {
      const kind = this.k[i]!;
      if (kind === HOME) continue;
      if (w >= 0 && this.s[i]! - this.wE[w]! <= this.m.gap) {
        if (this.e[i]! > this.wE[w]!) this.wE[w] = this.e[i]!;
      } else {
        w++;
        this.wS[w] = this.s[i]!;
        this.wE[w] = this.e[i]!;
        this.wCore[w] = this.s[i]!;
        this.wFlags[w] = 0;
      }
      if (!isExtension(kind) && this.e[i]! > this.wCore[w]!) this.wCore[w] = this.e[i]!;
      if (kind === IHC) this.wFlags[w]! |= 1;
      this.wFlags[w]! |= kind === NIGHT ? 2 : 4;
    }
    const W = w + 1;
    for (let j = 0; j < W; j++) {
      const core = this.wCore[j]! - this.wS[j]!;
      const span = this.wE[j]! - this.wS[j]!;
      if (core > H24) add('CPR-24H', Math.ceil((core - H24) / 60));
      if (span > H28) add('CPR-24P4', Math.ceil((span - H28) / 60));
      if (j + 1 < W) {
        const rest = this.wS[j + 1]! - this.wE[j]!;
        if (this.wFlags[j]! & 1 && core >= H24 && rest < H14) add('CPR-14H', Math.ceil((H14 - rest) / 60));
        if (rest < H8) soft += CALL_WEIGHTS.shortRest * Math.ceil((H8 - rest) / 60);
        // Rest after nights: a day shift right after a night is allowed but discouraged.
        if (this.wFlags[j] === 2 && (this.wFlags[j + 1]! & 4) !== 0 && rest < H48) soft += CALL_WEIGHTS.nightRest * Math.ceil((H48 - rest) / 60);
      }
    }

    const cLen = this.union(n, this.counted, false);
    const bLen = this.union(n, this.busy, true);
    for (const win of this.ctx.windows) {
      if (win.eligibleDays === 0) continue;
      const minutes = within(this.counted, cLen, win.eligible);
      const over = minutes * 7 - win.limitMinutes * win.eligibleDays;
      if (over > 0) add('CPR-80H', Math.ceil(over / 420));
      const off = freeDays(this.busy, bLen, win.eligible);
      if (off * 7 < win.eligibleDays) add('CPR-1IN7', Math.ceil(win.eligibleDays / 7) - off);
      let calls = 0;
      let last = -1;
      for (let i = 0; i < n; i++) {
        if (this.k[i] !== IHC || this.s[i]! < win.start || this.s[i]! >= win.end) continue;
        const d = this.day[i]!;
        if (d === last || win.isLeave[d - win.startDay]) continue;
        last = d;
        calls++;
      }
      if (3 * calls > win.eligibleDays) add('CPR-Q3', calls - Math.floor(win.eligibleDays / 3));
    }
    return { hard, soft };
  }
}

/** Minutes of spans[0..len) inside the union of windows (both sorted, disjoint). */
function within(spans: Float64Array, len: number, windows: Float64Array): number {
  let total = 0;
  for (let w = 0; w < windows.length; w += 2) {
    const from = windows[w]!;
    const to = windows[w + 1]!;
    for (let i = 0; i < len; i += 2) {
      const s = spans[i]!;
      const e = spans[i + 1]!;
      if (e <= from) continue;
      if (s >= to) break;
      total += Math.min(e, to) - Math.max(s, from);
    }
  }
  return total;
}

/** Whole free 24-hour periods inside the windows, as the engine's freeDays counts them. */
function freeDays(busy: Float64Array, len: number, windows: Float64Array): number {
  let days = 0;
  for (let w = 0; w < windows.length; w += 2) {
    const from = windows[w]!;
    const to = windows[w + 1]!;
    let cursor = from;
    for (let i = 0; i < len; i += 2) {
      const s = busy[i]!;
      const e = busy[i + 1]!;
      if (e <= from) continue;
      if (s >= to) break;
      if (s > cursor) days += Math.floor((s - cursor) / H24);
      if (e > cursor) cursor = e;
    }
    if (to > cursor) days += Math.floor((to - cursor) / H24);
  }
  return days;
}
