import type { ChangeSet, CostDelta } from '../engine/model';
import type { Rng } from '../engine/rng';
import type { SearchState } from '../engine/state';
import type { NrpModel } from './model';
import type { WindowBudget } from './rowdp';
import type { RowReoptimizer } from './rowmove';

/**
 * Greedy construction with exact row pricing. Feasibility in the NRP is a property of each staff
 * member's row alone (cover is soft), so the roster is built one member at a time, each row being
 * the cheapest feasible one given the rows already built (RowDp: request costs plus the marginal
 * cover cost). Long horizons are built in windows of `window` days, each window receiving its share
 * of the member's remaining minutes and weekends so the row stays completable.
 */
export function constructRows(
  state: SearchState,
  model: NrpModel,
  reopt: RowReoptimizer,
  rng: Rng,
  changes: ChangeSet,
  opts: { window: number; shouldStop: () => boolean },
): void {
  const inst = model.instance;
  const E = inst.staff.length;
  // Staff with the fewest allowed shift types first: they have the least room to adapt later.
  const order = rng.shuffle(Array.from({ length: E }, (_, e) => e));
  const allowedCount = (e: number): number => inst.staff[e]!.maxShifts.filter((m) => m > 0).length;
  order.sort((a, b) => allowedCount(a) - allowedCount(b));
  const H = inst.horizon;
  for (const e of order) {
    if (opts.shouldStop()) return;
    constructRow(state, model, reopt, changes, e, opts.window);
    // A row the windows could not complete (its minimum is close to the most its open days allow):
    // solve it whole. The exact DP's suffix bound keeps such tight rows to a narrow band of minutes.
    if (H > opts.window && model.rows[e]!.hard > 0) {
      changes.clear();
      if (reopt.propose(state.values, e, 0, H - 1, changes)) state.apply(changes);
    }
  }
}

/**
 * Builds one member's row window by window. A window's share of the remaining minutes is in
 * proportion to the days the member may work in it (long fixed leaves make plain day counts
 * unreachable). A window whose share cannot be met is retried with a smaller minimum; if the last
 * window cannot complete the row, it is merged with earlier windows and solved again with the row's
 * true totals, so a member is left short only when no exact solve over the merged span succeeded.
 */
function constructRow(state: SearchState, model: NrpModel, reopt: RowReoptimizer, changes: ChangeSet, e: number, window: number): void {
  const inst = model.instance;
  const H = inst.horizon;
  const st = inst.staff[e]!;
  const out: CostDelta = { hard: 0, soft: 0 };
  const dayOff = new Uint8Array(H);
  for (const d of inst.daysOff[e] ?? []) dayOff[d] = 1;
  // open[d]: days from d to the end that are not fixed days off.
  const open = new Int32Array(H + 1);
  for (let d = H - 1; d >= 0; d--) open[d] = open[d + 1]! + (dayOff[d] ? 0 : 1);
  const solve = (a: number, b: number, budget?: WindowBudget): boolean => {
    changes.clear();
    if (reopt.propose(state.values, e, a, b, changes, 0, undefined, budget)) {
      state.delta(changes, out);
      state.apply(changes);
      return true;
    }
    // Unchanged counts as solved only if the DP found a row (propose is false for both).
    return reopt.lastSolved;
  };
  let usedMinutes = 0;
  let usedWeekends = 0;
  for (let a = 0; a < H; a += window) {
    const b = Math.min(H - 1, a + window - 1);
    if (b === H - 1) {
      if (solve(a, b)) return;
      // Merge with earlier windows (their cells are re-decided with the row's true totals).
      for (let a2 = a - window; a2 >= 0; a2 -= window) if (solve(a2, b)) return;
      // Nothing exact fits: keep the minutes in range as well as possible and let the search repair.
      solve(a, b, { minMinutes: 0, maxMinutes: Math.max(0, st.maxTotalMinutes - usedMinutes), maxWeekends: Math.max(0, st.maxWeekends - usedWeekends) });
      return;
    }
    const share = open[a]! > 0 ? (open[a]! - open[b + 1]!) / open[a]! : 0;
    const weekendsLeft = Math.floor((H + 1) / 7) - Math.floor((a + 1) / 7);
    const weekendsHere = Math.floor((b + 2) / 7) - Math.floor((a + 1) / 7);
    // Aim between the row's minimum and maximum so rounding slack builds up instead of a deficit.
    const target = (st.minTotalMinutes + st.maxTotalMinutes) / 2;
    const minShare = Math.max(0, (target - usedMinutes) * share);
    const maxShare = Math.max(0, (st.maxTotalMinutes - usedMinutes) * share);
    const wk = Math.ceil(((st.maxWeekends - usedWeekends) * weekendsHere) / Math.max(1, weekendsLeft));
    // Tight rows (minimum close to what the open days allow) first borrow a weekend and some
    // minutes from later windows; only then is the window allowed to fall behind its share.
    const attempts: Array<[number, number, number]> = [
      [1, 0, 480],
      [1, 1, 960],
      [0.9, 1, 960],
      [0.7, 2, 960],
      [0, 2, 960],
    ];
    for (const [f, extraWk, extraMin] of attempts) {
      const wkLeft = Math.max(0, st.maxWeekends - usedWeekends);
      if (solve(a, b, { minMinutes: minShare * f, maxMinutes: maxShare + extraMin, maxWeekends: Math.min(wkLeft, wk + extraWk) })) break;
    }
    for (let d = a; d <= b; d++) {
      const v = state.values[e * H + d]!;
      if (v > 0) usedMinutes += inst.shifts[v - 1]!.minutes;
    }
    usedWeekends = 0;
    for (let sat = 5; sat <= b + 1 && sat < H; sat += 7) {
      if (state.values[e * H + sat] !== 0 || (sat + 1 < H && state.values[e * H + sat + 1] !== 0)) usedWeekends++;
    }
  }
}
