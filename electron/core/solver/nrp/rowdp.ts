import type { NrpInstance } from './instance';

/**
 * Exact re-optimisation of one staff member's row over a window of days, all other cells fixed.
 *
 * With the rest of the roster fixed, the objective is linear in the member's own cells (request
 * costs plus the marginal cover cost of one more or one fewer person), and every hard rule is a
 * property of the row alone, so the best row is a resource-constrained shortest path over the
 * window. State after a day: (class of the last value, length of the current run, whether that run
 * started on day 0, minutes worked in the window, weekends worked in the window). Values are merged
 * into classes with the same forbidden successors, which is all the state needs to know about them.
 * Per-shift-type maxima are not in the state: callers price the result with the full incremental
 * evaluation and reject it if such a limit broke.
 */
/**
 * Explicit resource limits for the window alone, used while building a roster window by window:
 * the rest of the row is not built yet, so its limits must be shared out instead of read off it.
 */
export interface WindowBudget {
  minMinutes: number;
  maxMinutes: number;
  maxWeekends: number;
}

export class RowDp {
  /** Whether the last solve gave up because its state space was too large (its null proves nothing). */
  gaveUp = false;
  private readonly H: number;
  private readonly S: number;
  private readonly cls: Int32Array; // value -> class (0 = off)
  private readonly C: number;
  /** forbidAfterClass[c * (S+1) + v] = 1 if value v may not follow a value of class c. */
  private readonly forbidAfterClass: Uint8Array;
  private readonly units: Int32Array; // value -> minutes / g
  private readonly g: number;
  private readonly dayOff: Uint8Array;
  // Buffers reused across solves (a solve leaves bufA/bufB all Infinity).
  private bufA = new Float64Array(0);
  private bufB = new Float64Array(0);
  private listA = new Int32Array(0);
  private listB = new Int32Array(0);
  private entA = new Int32Array(0);
  private entB = new Int32Array(0);
  private pos = new Int32Array(0);
  private entPrev = new Int32Array(1 << 16);
  private entVal = new Int32Array(1 << 16);
  private boundBuf = new Int32Array(0);
  private costBoundBuf = new Float64Array(0);

  private ensure(nStates: number): void {
    if (this.bufA.length < nStates) {
      this.bufA = new Float64Array(nStates).fill(Infinity);
      this.bufB = new Float64Array(nStates).fill(Infinity);
      this.listA = new Int32Array(nStates);
      this.listB = new Int32Array(nStates);
      this.entA = new Int32Array(nStates);
      this.entB = new Int32Array(nStates);
      this.pos = new Int32Array(nStates);
    }
  }

  /**
   * bound[t * K + k]: the most minute units days a+t..b can add after a run state k at day a+t-1
   * (k < cmax: a work run of k+1 days; else an off run of k-cmax+1 days, the last one meaning "long
   * enough"). A relaxation (minimum run lengths of work, weekends, shift types and the right context
   * are ignored), so pruning with it never loses a feasible row; on tight rows it keeps the DP to a
   * narrow band of minutes, which is what makes whole-year rows solvable.
   */
  private suffixBound(e: number, a: number, b: number, allowed: Int32Array): Int32Array {
    const st = this.instance.staff[e]!;
    const cmax = st.maxConsecutiveShifts;
    const offMin = st.minConsecutiveDaysOff;
    const offTop = Math.max(1, offMin);
    const K = cmax + offTop;
    const len = b - a + 1;
    if (this.boundBuf.length < (len + 1) * K) this.boundBuf = new Int32Array((len + 1) * K);
    const g = this.boundBuf;
    let maxUnit = 0;
    for (let i = 0; i < allowed.length; i++) maxUnit = Math.max(maxUnit, this.units[allowed[i]!]!);
    g.fill(0, len * K, (len + 1) * K);
    const base = e * this.H;
    for (let t = len - 1; t >= 0; t--) {
      const open = this.dayOff[base + a + t] !== 1;
      const row = t * K;
      const nextRow = (t + 1) * K;
      for (let k = 0; k < K; k++) {
        const working = k < cmax;
        const r = working ? k + 1 : k - cmax + 1;
        // Off today.
        let best = g[nextRow + (working ? cmax : cmax + Math.min(r + 1, offTop) - 1)]!;
        // Work today.
        if (open && cmax > 0) {
          if (working && r + 1 <= cmax) best = Math.max(best, maxUnit + g[nextRow + r]!);
          else if (!working && r >= offMin) best = Math.max(best, maxUnit + g[nextRow]!);
        }
        g[row + k] = best;
      }
    }
    return g;
  }

  /**
   * finish[t * M + m]: the least cost of days a+t..b for a row that has worked m minute units in the
   * window before day a+t and ends within [lo, hi] (run lengths, successions and weekends relaxed).
   */
  private completionBound(e: number, a: number, b: number, cost: Float64Array, allowed: Int32Array, lo: number, hi: number): Float64Array {
    const S1 = this.S + 1;
    const M = hi + 1;
    const len = b - a + 1;
    const size = (len + 1) * M;
    if (this.costBoundBuf.length < size) this.costBoundBuf = new Float64Array(size);
    const f = this.costBoundBuf;
    for (let m = 0; m < M; m++) f[len * M + m] = m >= lo ? 0 : Infinity;
    const base = e * this.H;
    for (let t = len - 1; t >= 0; t--) {
      const off = this.dayOff[base + a + t] === 1;
      const row = t * M;
      const next = (t + 1) * M;
      for (let m = 0; m < M; m++) {
        let best = Infinity;
        for (let i = 0; i < allowed.length; i++) {
          const v = allowed[i]!;
          if (off && v !== 0) continue;
          const nm = m + this.units[v]!;
          if (nm > hi) continue;
          const c = cost[t * S1 + v]! + f[next + nm]!;
          if (c < best) best = c;
        }
        f[row + m] = best;
      }
    }
    return f;
  }

  constructor(private readonly instance: NrpInstance) {
    const S = instance.shifts.length;
    this.H = instance.horizon;
    this.S = S;
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    this.g = instance.shifts.reduce((acc, s) => gcd(acc, s.minutes), 0) || 1;
    this.units = Int32Array.from({ length: S + 1 }, (_, v) => (v === 0 ? 0 : (instance.shifts[v - 1]?.minutes ?? 0) / this.g));
    const keys = new Map<string, number>([['off', 0]]);
    this.cls = new Int32Array(S + 1);
    instance.shifts.forEach((sh, s) => {
      const key = [...sh.forbiddenNext].sort((x, y) => x - y).join('|');
      if (!keys.has(key)) keys.set(key, keys.size);
      this.cls[s + 1] = keys.get(key)!;
    });
    this.C = keys.size;
    this.forbidAfterClass = new Uint8Array(this.C * (S + 1));
    instance.shifts.forEach((sh, s) => {
      for (const t of sh.forbiddenNext) this.forbidAfterClass[this.cls[s + 1]! * (S + 1) + t + 1] = 1;
    });
    this.dayOff = new Uint8Array(this.H * instance.staff.length);
    instance.daysOff.forEach((days, e) => days.forEach((d) => (this.dayOff[e * this.H + d] = 1)));
  }

  /**
   * Best values for row `e` on days [a, b] given `cells` elsewhere and `cost[(d - a) * (S+1) + v]`
   * per day and value; `allowed` lists the member's permitted values. Returns the new values for
   * the window, or null when no row satisfies the rules with this context (or it is too large).
   * With a `cutoff`, only rows costing less are wanted (null if there is none): partial rows that
   * cannot finish below it are pruned, which is what makes pricing a converged member cheap.
   */
  solve(
    e: number,
    a: number,
    b: number,
    cells: Int32Array,
    cost: Float64Array,
    allowed: Int32Array,
    budget?: WindowBudget,
    maxStates = 4_000_000,
    maxEntries = 8_000_000,
    cap?: { value: number; max: number },
    cutoff = Infinity,
  ): Int32Array | null {
    this.gaveUp = false;
    const { H, S, C } = this;
    const S1 = S + 1;
    const st = this.instance.staff[e]!;
    const base = e * H;
    const cell = (d: number): number => cells[base + d]!;
    const cmax = st.maxConsecutiveShifts;
    const cmin = st.minConsecutiveShifts;
    const offMin = st.minConsecutiveDaysOff;
    const R = Math.max(cmax, cmin, offMin) + 1; // run length is capped at R - 1 (>= all limits)

    // Fixed context outside the window.
    let outUnits = 0;
    for (let d = 0; d < H; d++) if (d < a || d > b) outUnits += this.units[cell(d)]!;
    const lo = budget ? Math.ceil(budget.minMinutes / this.g) : Math.ceil(st.minTotalMinutes / this.g) - outUnits;
    const hi = budget ? Math.floor(budget.maxMinutes / this.g) : Math.floor(st.maxTotalMinutes / this.g) - outUnits;
    if (hi < 0) return null;
    const M = hi + 1;
    let outWeekends = 0;
    const winWeekend = (k: number): boolean => {
      const sat = 7 * k + 5;
      return (sat >= a && sat <= b) || (sat + 1 >= a && sat + 1 <= b && sat + 1 < H);
    };
    const weekendTotal = Math.floor((H + 1) / 7);
    let winWeekends = 0;
    for (let k = 0; k < weekendTotal; k++) {
      if (winWeekend(k)) winWeekends++;
      else {
        const sat = 7 * k + 5;
        if (cell(sat) !== 0 || (sat + 1 < H && cell(sat + 1) !== 0)) outWeekends++;
      }
    }
    const Wcap = Math.min(winWeekends, budget ? budget.maxWeekends : st.maxWeekends - outWeekends);
    if (Wcap < 0) return null;
    const Wn = Wcap + 1;
    const len = b - a + 1;
    const nStates = C * R * 2 * M * Wn * (cap ? cap.max + 1 : 1);
    if (nStates > maxStates) {
      this.gaveUp = true;
      return null;
    }
    // Optionally one shift type's count is in the state too (exact for a binding per-type maximum).
    const capValue = cap ? cap.value : -1;
    const Q = cap ? cap.max + 1 : 1;
    const idx = (c: number, r: number, z: number, m: number, w: number, q: number): number =>
      ((((c * R + r) * 2 + z) * M + m) * Wn + w) * Q + q;

    this.ensure(nStates);
    let cur = this.bufA;
    let nxt = this.bufB;
    let curList = this.listA;
    let nxtList = this.listB;
    let curEnt = this.entA;
    let nxtEnt = this.entB;
    const pos = this.pos;
    let curCount = 0;
    let nxtCount: number;
    // Back pointers only for reached states: entry k holds the previous day's entry and the value.
    let entPrev = this.entPrev;
    let entVal = this.entVal;
    let entries = 0;
    const bound = this.suffixBound(e, a, b, allowed);
    const K = cmax + Math.max(1, offMin);
    const offTop = Math.max(1, offMin);

    // Completion bound for the cutoff: the cheapest way to finish from (day, minutes) with the
    // minutes still in [lo, hi], every other rule relaxed.
    const pruning = cutoff < Infinity;
    const finish = pruning ? this.completionBound(e, a, b, cost, allowed, lo, hi) : this.costBoundBuf;
    if (pruning && !(finish[0]! < cutoff)) return null;

    // Initial state: the run ending at a-1 (fixed), or a virtual start before day 0.
    const prevVal = a > 0 ? cell(a - 1) : -1;
    let prevClass = 0;
    let r0 = 0;
    let z0 = 1;
    if (a > 0) {
      prevClass = this.cls[prevVal]!;
      const working = prevVal !== 0;
      let s = a - 1;
      while (s > 0 && (cell(s - 1) !== 0) === working) s--;
      r0 = Math.min(a - s, R - 1);
      z0 = s === 0 ? 1 : 0;
      if (working && a - s > cmax) return null;
    }
    const startWork = prevVal > 0;
    const s0 = idx(prevClass, r0, z0, 0, 0, 0);
    cur[s0] = 0;
    curEnt[curCount] = entries;
    entPrev[entries] = -1;
    entVal[entries++] = 0;
    curList[curCount++] = s0;

    // Values that lead to the same state from every state (same class, same minutes, forbidden after
    // the same classes) differ only in cost: per day only the cheapest of each such group is tried.
    const groupKey = (v: number): string => {
      let k = `${this.cls[v]}:${this.units[v]}:${v === capValue ? 'cap' : ''}:`;
      for (let c = 0; c < C; c++) k += this.forbidAfterClass[c * S1 + v];
      return k;
    };
    const groupMap = new Map<string, number[]>();
    for (let i = 0; i < allowed.length; i++) {
      const v = allowed[i]!;
      const k = groupKey(v);
      const g = groupMap.get(k);
      if (g) g.push(v);
      else groupMap.set(k, [v]);
    }
    const groups = [...groupMap.values()];
    const cand = new Int32Array(groups.length);

    for (let d = a; d <= b; d++) {
      nxtCount = 0;
      const t = d - a;
      const bt = (t + 1) * K;
      let nCand = 0;
      for (const g of groups) {
        let bv = g[0]!;
        for (let i = 1; i < g.length; i++) if (cost[t * S1 + g[i]!]! < cost[t * S1 + bv]!) bv = g[i]!;
        if (this.dayOff[base + d] === 1 && bv !== 0) continue;
        cand[nCand++] = bv;
      }
      const dow = d % 7;
      if (entries + nStates > entPrev.length) {
        // Grow the entry arrays (or give up on a neighbourhood too large to be worth it).
        if (entPrev.length >= maxEntries) {
          for (let li = 0; li < curCount; li++) cur[curList[li]!] = Infinity;
          this.gaveUp = true;
          return null;
        }
        const size = Math.min(maxEntries, Math.max(entPrev.length * 2, entries + nStates));
        const p2 = new Int32Array(size);
        p2.set(entPrev.subarray(0, entries));
        const v2 = new Int32Array(size);
        v2.set(entVal.subarray(0, entries));
        this.entPrev = entPrev = p2;
        this.entVal = entVal = v2;
        if (entries + nStates > size) {
          for (let li = 0; li < curCount; li++) cur[curList[li]!] = Infinity;
          this.gaveUp = true;
          return null;
        }
      }
      for (let li = 0; li < curCount; li++) {
        const s = curList[li]!;
        const v0 = cur[s]!;
        const ce = curEnt[li]!;
        const q = s % Q;
        let rest = (s - q) / Q;
        const w = rest % Wn;
        rest = (rest - w) / Wn;
        const m = rest % M;
        rest = (rest - m) / M;
        const z = rest % 2;
        rest = (rest - z) / 2;
        const r = rest % R;
        const c = (rest - r) / R;
        const prevWorking = d === a ? startWork : c !== 0;
        // In the virtual start state (a == 0) there is no previous run: r == 0.
        const fresh = d === 0;
        for (let i = 0; i < nCand; i++) {
          const nv = cand[i]!;
          const working = nv !== 0;
          if (working && c !== 0 && !fresh && this.forbidAfterClass[c * S1 + nv]) continue;
          let nr: number;
          let nz: number;
          if (fresh) {
            nr = 1;
            nz = 1;
          } else if (working === prevWorking) {
            nr = Math.min(r + 1, R - 1);
            nz = z;
            if (working && r + 1 > cmax) continue;
          } else {
            // The previous run ends at d-1 and is bounded on the right; check its minimum.
            if (!z && (prevWorking ? r < cmin : r < offMin)) continue;
            nr = 1;
            nz = 0;
          }
          const nm = m + this.units[nv]!;
          if (nm > hi) continue;
          // Prune states that cannot reach the minimum: the suffix bound is the most work the
          // remaining days allow from this run state.
          if (nm < lo) {
            const k = working ? Math.min(nr, cmax) - 1 : cmax + (nz ? offTop : Math.min(nr, offTop)) - 1;
            if (nm + bound[bt + k]! < lo) continue;
          }
          // A weekend is counted once: on its Sunday when that is in the window (Saturday is then the
          // previous value), else on its Saturday at the window's end (Sunday fixed or past the horizon).
          let nw = w;
          if (dow === 6) {
            if (working || prevWorking) nw++;
          } else if (dow === 5 && d === b) {
            if (working || (d + 1 < H && cell(d + 1) !== 0)) nw++;
          }
          if (nw > Wcap) continue;
          const nq = nv === capValue ? q + 1 : q;
          if (nq >= Q) continue;
          const ns = idx(this.cls[nv]!, nr, nz, nm, nw, nq);
          const val = v0 + cost[t * S1 + nv]!;
          if (pruning && !(val + finish[(t + 1) * M + nm]! < cutoff)) continue;
          const old = nxt[ns]!;
          if (val < old) {
            let en: number;
            if (old === Infinity) {
              en = entries++;
              pos[ns] = nxtCount;
              nxtEnt[nxtCount] = en;
              nxtList[nxtCount++] = ns;
            } else {
              en = nxtEnt[pos[ns]!]!;
            }
            nxt[ns] = val;
            entPrev[en] = ce;
            entVal[en] = nv;
          }
        }
      }
      for (let li = 0; li < curCount; li++) cur[curList[li]!] = Infinity;
      const tmp = cur;
      cur = nxt;
      nxt = tmp;
      const tl = curList;
      curList = nxtList;
      nxtList = tl;
      const te = curEnt;
      curEnt = nxtEnt;
      nxtEnt = te;
      curCount = nxtCount;
    }

    // Close the last run against the fixed cells after b, then pick the best feasible end state.
    let rightLen = 0;
    let rightWorking = false;
    let rightToEnd = false;
    const rightVal = b + 1 < H ? cell(b + 1) : -1;
    if (b + 1 < H) {
      rightWorking = rightVal !== 0;
      let s = b + 1;
      while (s + 1 < H && (cell(s + 1) !== 0) === rightWorking) s++;
      rightLen = s - b;
      rightToEnd = s === H - 1;
    }
    let bestS = -1;
    let bestE = -1;
    let bestV = Infinity;
    for (let li = 0; li < curCount; li++) {
      const s = curList[li]!;
      const v0 = cur[s]!;
      if (v0 >= bestV) continue;
      let rest = (s - (s % Q)) / Q;
      const w = rest % Wn;
      rest = (rest - w) / Wn;
      const m = rest % M;
      rest = (rest - m) / M;
      const z = rest % 2;
      rest = (rest - z) / 2;
      const r = rest % R;
      const c = (rest - r) / R;
      void w;
      if (m < lo) continue;
      const working = c !== 0;
      if (b + 1 < H) {
        if (working && rightWorking && this.forbidAfterClass[c * S1 + rightVal]) continue;
        if (working === rightWorking) {
          // r is capped, but a capped work run already failed the cmax test; off runs only need >= offMin.
          const total = r + rightLen;
          if (working && total > cmax) continue;
          if (!z && !rightToEnd && (working ? total < cmin : total < offMin)) continue;
        } else {
          if (!z && (working ? r < cmin : r < offMin)) continue;
          if (!rightToEnd && (rightWorking ? rightLen < cmin : rightLen < offMin)) continue;
        }
      }
      bestS = s;
      bestE = curEnt[li]!;
      bestV = v0;
    }
    for (let li = 0; li < curCount; li++) cur[curList[li]!] = Infinity;
    if (bestS < 0) return null;
    const out = new Int32Array(len);
    let en = bestE;
    for (let t = len - 1; t >= 0; t--) {
      out[t] = entVal[en]!;
      en = entPrev[en]!;
    }
    return out;
  }
}
