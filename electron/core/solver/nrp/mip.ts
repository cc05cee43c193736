import { LinearBuilder, type LinearProgram } from '../engine/linear';
import type { NrpInstance } from './instance';

/**
 * The NRP as a MIP (the standard Curtois & Qu formulation), restricted to a set of free cells: every
 * other cell keeps its value from `cells` and only enters as a constant. With all cells free this is
 * the full model; with a few staff or a window free it is an LNS sub-problem.
 */
export interface NrpMip {
  lp: LinearProgram;
  /** Column of x[e,d,s] or -1, indexed [(e*H + d)*S + s]. */
  xCol: Int32Array;
  /** The current cells as a start vector for the MIP (feasible when the roster is). */
  start: Float64Array;
}

export function buildNrpMip(instance: NrpInstance, cells: Int32Array, free: Uint8Array): NrpMip {
  const H = instance.horizon;
  const S = instance.shifts.length;
  const E = instance.staff.length;
  const b = new LinearBuilder();
  const xCol = new Int32Array(E * H * S).fill(-1);
  const startVals: number[] = [];
  const dayOff = new Uint8Array(E * H);
  instance.daysOff.forEach((days, e) => days.forEach((d) => (dayOff[e * H + d] = 1)));

  // Variables: x[e,d,s] for free cells, skipping shifts the member may never work and fixed days off.
  for (let e = 0; e < E; e++) {
    const st = instance.staff[e];
    if (!st) continue;
    for (let d = 0; d < H; d++) {
      const c = e * H + d;
      if (!free[c] || dayOff[c]) continue;
      const cols: number[] = [];
      for (let s = 0; s < S; s++) {
        if ((st.maxShifts[s] ?? 0) <= 0) continue;
        const col = b.addVar(0, 1, 0, true);
        xCol[c * S + s] = col;
        startVals.push(cells[c] === s + 1 ? 1 : 0);
        cols.push(col);
      }
      b.addRow(cols, cols.map(() => 1), -Infinity, 1);
    }
  }

  // Work indicator of a cell: either a constant (fixed cell) or a sum of x columns.
  const work = (e: number, d: number): { konst: number; cols: number[] } => {
    const c = e * H + d;
    if (!free[c] || dayOff[c]) return { konst: free[c] ? 0 : cells[c] !== 0 ? 1 : 0, cols: [] };
    const cols: number[] = [];
    for (let s = 0; s < S; s++) {
      const col = xCol[c * S + s] ?? -1;
      if (col >= 0) cols.push(col);
    }
    return { konst: 0, cols };
  };

  /** Adds sum(sign_i * work_i) <= rhs over the given days, folding constants into the bound. */
  const workRow = (e: number, terms: Array<[number, number]>, rhs: number): void => {
    const cols: number[] = [];
    const coefs: number[] = [];
    let k = 0;
    for (const [d, sign] of terms) {
      const w = work(e, d);
      k += sign * w.konst;
      for (const col of w.cols) {
        cols.push(col);
        coefs.push(sign);
      }
    }
    if (cols.length > 0) b.addRow(cols, coefs, -Infinity, rhs - k);
  };

  for (let e = 0; e < E; e++) {
    const st = instance.staff[e];
    if (!st) continue;
    let anyFree = false;
    for (let d = 0; d < H; d++) if (free[e * H + d]) anyFree = true;
    if (!anyFree) continue;

    // Per-shift-type maxima and total minutes.
    const fixedCount = new Array<number>(S).fill(0);
    let fixedMinutes = 0;
    for (let d = 0; d < H; d++) {
      const c = e * H + d;
      const v = cells[c] ?? 0;
      if (!free[c] && v > 0) {
        fixedCount[v - 1] = (fixedCount[v - 1] ?? 0) + 1;
        fixedMinutes += instance.shifts[v - 1]?.minutes ?? 0;
      }
    }
    const minuteCols: number[] = [];
    const minuteCoefs: number[] = [];
    for (let s = 0; s < S; s++) {
      const cols: number[] = [];
      for (let d = 0; d < H; d++) {
        const col = xCol[(e * H + d) * S + s] ?? -1;
        if (col < 0) continue;
        cols.push(col);
        minuteCols.push(col);
        minuteCoefs.push(instance.shifts[s]?.minutes ?? 0);
      }
      b.addRow(cols, cols.map(() => 1), -Infinity, (st.maxShifts[s] ?? H) - (fixedCount[s] ?? 0));
    }
    b.addRow(minuteCols, minuteCoefs, st.minTotalMinutes - fixedMinutes, st.maxTotalMinutes - fixedMinutes);

    // Forbidden successions: x[d,s] + sum of forbidden followers on d+1 <= 1.
    for (let d = 0; d + 1 < H; d++) {
      for (let s = 0; s < S; s++) {
        const next = instance.shifts[s]?.forbiddenNext ?? [];
        if (next.length === 0) continue;
        const c0 = e * H + d;
        const c1 = c0 + 1;
        const a = xCol[c0 * S + s] ?? -1;
        const aFixed = !free[c0] && cells[c0] === s + 1;
        if (a < 0 && !aFixed) continue;
        const cols: number[] = a >= 0 ? [a] : [];
        let k = aFixed ? 1 : 0;
        let followerFixed = 0;
        for (const t of next) {
          const col = xCol[c1 * S + t] ?? -1;
          if (col >= 0) cols.push(col);
          else if (!free[c1] && cells[c1] === t + 1) followerFixed = 1;
        }
        k += followerFixed;
        if (cols.length > 0) b.addRow(cols, cols.map(() => 1), -Infinity, 1 - k);
      }
    }

    const touchesFree = (from: number, to: number): boolean => {
      for (let d = Math.max(0, from); d <= Math.min(H - 1, to); d++) if (free[e * H + d] && !dayOff[e * H + d]) return true;
      return false;
    };
    // Max consecutive working days: every window of max+1 days has a day off.
    const cmax = st.maxConsecutiveShifts;
    for (let d = 0; d + cmax < H; d++) {
      if (!touchesFree(d, d + cmax)) continue;
      const terms: Array<[number, number]> = [];
      for (let i = d; i <= d + cmax; i++) terms.push([i, 1]);
      workRow(e, terms, cmax);
    }
    // Min consecutive working days / days off: forbid each too-short run bounded on both sides.
    for (let k = 1; k < st.minConsecutiveShifts; k++) {
      for (let d = 0; d + k + 1 < H; d++) {
        if (!touchesFree(d, d + k + 1)) continue;
        const terms: Array<[number, number]> = [[d, -1]];
        for (let i = d + 1; i <= d + k; i++) terms.push([i, 1]);
        terms.push([d + k + 1, -1]);
        workRow(e, terms, k - 1);
      }
    }
    for (let k = 1; k < st.minConsecutiveDaysOff; k++) {
      for (let d = 0; d + k + 1 < H; d++) {
        if (!touchesFree(d, d + k + 1)) continue;
        const terms: Array<[number, number]> = [[d, 1]];
        for (let i = d + 1; i <= d + k; i++) terms.push([i, -1]);
        terms.push([d + k + 1, 1]);
        workRow(e, terms, 1);
      }
    }
    // Weekends: y_k >= work(sat), y_k >= work(sun); sum y <= max.
    const yCols: number[] = [];
    let fixedWeekends = 0;
    for (let sat = 5; sat < H; sat += 7) {
      const days = sat + 1 < H ? [sat, sat + 1] : [sat];
      const ws = days.map((d) => work(e, d));
      if (ws.some((w) => w.konst > 0)) {
        fixedWeekends++;
        continue;
      }
      if (ws.every((w) => w.cols.length === 0)) continue;
      const y = b.addVar(0, 1, 0, true);
      yCols.push(y);
      const worked = days.some((d) => cells[e * H + d] !== 0);
      startVals.push(worked ? 1 : 0);
      for (const w of ws) {
        if (w.cols.length === 0) continue;
        b.addRow([...w.cols, y], [...w.cols.map(() => 1), -1], -Infinity, 0);
      }
    }
    b.addRow(yCols, yCols.map(() => 1), -Infinity, st.maxWeekends - fixedWeekends);
  }

  // Soft requests.
  for (const r of instance.onRequests) {
    const c = r.staff * H + r.day;
    const col = free[c] ? (xCol[c * S + r.shift] ?? -1) : -1;
    b.offset += r.weight;
    if (col >= 0) b.addCost(col, -r.weight);
    else if (!free[c] && cells[c] === r.shift + 1) b.offset -= r.weight;
  }
  for (const r of instance.offRequests) {
    const c = r.staff * H + r.day;
    const col = free[c] ? (xCol[c * S + r.shift] ?? -1) : -1;
    if (col >= 0) b.addCost(col, r.weight);
    else if (!free[c] && cells[c] === r.shift + 1) b.offset += r.weight;
  }
  // Cover: sum x - over + under = requirement - fixed count.
  for (const cv of instance.cover) {
    const cols: number[] = [];
    let fixed = 0;
    let current = 0;
    for (let e = 0; e < E; e++) {
      const c = e * H + cv.day;
      if (cells[c] === cv.shift + 1) current++;
      const col = xCol[c * S + cv.shift] ?? -1;
      if (col >= 0) cols.push(col);
      else if (!free[c] && cells[c] === cv.shift + 1) fixed++;
    }
    const need = cv.requirement - fixed;
    if (cols.length === 0) {
      b.offset += need > 0 ? need * cv.weightUnder : -need * cv.weightOver;
      continue;
    }
    const over = b.addVar(0, Infinity, cv.weightOver, false);
    const under = b.addVar(0, Infinity, cv.weightUnder, false);
    startVals.push(Math.max(0, current - cv.requirement), Math.max(0, cv.requirement - current));
    b.addRow([...cols, over, under], [...cols.map(() => 1), -1, 1], need, need);
  }
  return { lp: b.build(), xCol, start: Float64Array.from(startVals) };
}

/** Writes a MIP solution back into `cells` for the free cells. */
export function applyMipSolution(instance: NrpInstance, mip: NrpMip, free: Uint8Array, values: Float64Array, cells: Int32Array): void {
  const S = instance.shifts.length;
  for (let c = 0; c < cells.length; c++) {
    if (!free[c]) continue;
    let v = 0;
    for (let s = 0; s < S; s++) {
      const col = mip.xCol[c * S + s] ?? -1;
      if (col >= 0 && (values[col] ?? 0) > 0.5) v = s + 1;
    }
    cells[c] = v;
  }
}
