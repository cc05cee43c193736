import type { Absence } from './model';
import type { ZoneCalendar } from './time/calendar';

/**
 * Averaging periods. The ACGME averages by rotation (four weeks, a month of 28-31 days, or the rotation
 * if shorter), never on a rolling basis. A rotation longer than 31 days is cut into 28-day periods from
 * its first day; a remainder of up to 3 days joins the last period (so it stays within 31 days), a
 * longer remainder is its own, shorter period.
 */
export function averagingWindows(startDay: number, endDay: number): Array<[number, number]> {
  const length = endDay - startDay + 1;
  if (length <= 31) return [[startDay, endDay]];
  const out: Array<[number, number]> = [];
  let from = startDay;
  while (endDay - from + 1 > 31) {
    out.push([from, from + 27]);
    from += 28;
  }
  const rest = endDay - from + 1;
  const last = out[out.length - 1];
  if (rest <= 3 && last) last[1] = endDay;
  else out.push([from, endDay]);
  return out;
}

/** Sorted distinct epoch days covered by absences that leave the averaging. */
export function leaveDaysOf(absences: readonly Absence[]): number[] {
  const days = new Set<number>();
  for (const a of absences) {
    if (!a.excludeFromAveraging) continue;
    for (let d = a.startDay; d <= a.endDay; d++) days.add(d);
  }
  return [...days].sort((x, y) => x - y);
}

/** One evaluation period resolved to instants in the program zone. */
export interface EvaluationPeriod {
  startDay: number;
  endDay: number;
  /** First instant of startDay (local midnight). */
  start: number;
  /** First instant of the day after endDay. */
  end: number;
  days: number;
  leaveDays: number;
  eligibleDays: number;
  /** Flat [s, e, ...] spans of the period minus whole leave days. */
  eligible: number[];
  /** Leave membership per day of the period (index = day - startDay). */
  isLeave: boolean[];
}

export function resolvePeriod(
  cal: ZoneCalendar,
  startDay: number,
  endDay: number,
  leave: ReadonlySet<number>,
): EvaluationPeriod {
  cal.ensure(startDay, endDay + 1);
  const eligible: number[] = [];
  const isLeave: boolean[] = [];
  let leaveDays = 0;
  let open = -1;
  for (let d = startDay; d <= endDay + 1; d++) {
    const onLeave = d <= endDay && leave.has(d);
    if (d <= endDay) isLeave.push(onLeave);
    if (onLeave) leaveDays++;
    const closing = d > endDay || onLeave;
    if (closing && open >= 0) {
      eligible.push(cal.dayStart(open), cal.dayStart(d));
      open = -1;
    } else if (!closing && open < 0) {
      open = d;
    }
  }
  const days = endDay - startDay + 1;
  return {
    startDay,
    endDay,
    start: cal.dayStart(startDay),
    end: cal.dayStart(endDay + 1),
    days,
    leaveDays,
    eligibleDays: days - leaveDays,
    eligible,
    isLeave,
  };
}
