import type { ChangeSet, CostDelta } from '../engine/model';
import type { Rng } from '../engine/rng';
import type { SearchState } from '../engine/state';
import type { NrpModel } from './model';
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
  const H = inst.horizon;
  const E = inst.staff.length;
  const out: CostDelta = { hard: 0, soft: 0 };
  // Staff with the fewest allowed shift types first: they have the least room to adapt later.
  const order = rng.shuffle(Array.from({ length: E }, (_, e) => e));
  const allowedCount = (e: number): number => inst.staff[e]!.maxShifts.filter((m) => m > 0).length;
  order.sort((a, b) => allowedCount(a) - allowedCount(b));
  for (const e of order) {
    if (opts.shouldStop()) return;
    const st = inst.staff[e]!;
    let usedMinutes = 0;
    let usedWeekends = 0;
    for (let a = 0; a < H; a += opts.window) {
      const b = Math.min(H - 1, a + opts.window - 1);
      const last = b === H - 1;
      const share = (b - a + 1) / (H - a);
      const weekendsLeft = Math.floor((H + 1) / 7) - Math.floor((a + 1) / 7);
      const weekendsHere = Math.floor((b + 2) / 7) - Math.floor((a + 1) / 7);
      const budget = last
        ? undefined
        : {
            minMinutes: Math.max(0, (st.minTotalMinutes - usedMinutes) * share),
            maxMinutes: Math.max(0, (st.maxTotalMinutes - usedMinutes) * share + 480),
            maxWeekends: Math.ceil(((st.maxWeekends - usedWeekends) * weekendsHere) / Math.max(1, weekendsLeft)),
          };
      changes.clear();
      if (reopt.propose(state.values, e, a, b, changes, 0, undefined, budget)) {
        state.delta(changes, out);
        state.apply(changes);
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
}
