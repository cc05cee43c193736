import { addDays, daysBetween } from '../../../shared/domain/common';
import type { ShiftAssignment, ShiftType } from '../../../shared/domain/schedule';

/**
 * A person's weeks at a glance: hours worked, days free of duty and in-house calls per week, with
 * the 4-week average the ACGME 80-hour rule uses. This is a picture for the coordinator; the verdict
 * is the compliance engine's (which also handles absences excluded from averaging).
 */
export interface WeekStat {
  start: string;
  hours: number;
  daysOff: number;
  calls: number;
  /** Average of this week and the three before it (fewer at the start of the year). */
  average4: number;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
/** The local calendar date of an instant in the program's zone. */
export function localDate(instantMs: number, timeZone: string): string {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  return f.format(new Date(instantMs));
}

export function weekStats(
  shifts: readonly ShiftAssignment[],
  types: ReadonlyMap<string, ShiftType>,
  yearStart: string,
  yearEnd: string,
  timeZone: string,
): WeekStat[] {
  const weeks = Math.ceil((daysBetween(yearStart, yearEnd) + 1) / 7);
  const hours = new Array<number>(weeks).fill(0);
  const calls = new Array<number>(weeks).fill(0);
  const worked = new Set<string>();
  const weekOf = (date: string): number => Math.floor(daysBetween(yearStart, date) / 7);
  for (const s of shifts) {
    const type = types.get(s.shiftTypeId);
    const start = Date.parse(s.startsAt);
    const end = Date.parse(s.endsAt);
    // Home call is availability: no hours, but the day is not free.
    if (type?.kind !== 'homeCall') {
      // Split hours across weeks at local midnights, one hour step is precise enough for a chart.
      for (let t = start; t < end; t += 3_600_000) {
        const w = weekOf(localDate(t, timeZone));
        if (w >= 0 && w < weeks) hours[w] = (hours[w] ?? 0) + Math.min(1, (end - t) / 3_600_000);
      }
    }
    for (let d = localDate(start, timeZone); d <= localDate(end - 60_000, timeZone); d = addDays(d, 1)) worked.add(d);
    if (type?.kind === 'inHouseCall') {
      const w = weekOf(s.date);
      if (w >= 0 && w < weeks) calls[w] = (calls[w] ?? 0) + 1;
    }
  }
  const out: WeekStat[] = [];
  for (let w = 0; w < weeks; w++) {
    const start = addDays(yearStart, w * 7);
    let daysOff = 0;
    for (let d = 0; d < 7; d++) {
      const date = addDays(start, d);
      if (date <= yearEnd && !worked.has(date)) daysOff++;
    }
    const from = Math.max(0, w - 3);
    let sum = 0;
    for (let k = from; k <= w; k++) sum += hours[k] ?? 0;
    out.push({ start, hours: Math.round((hours[w] ?? 0) * 10) / 10, daysOff, calls: calls[w] ?? 0, average4: Math.round((sum / (w - from + 1)) * 10) / 10 });
  }
  return out;
}
