import { DEFAULT_WEEKLY_LIMIT_HOURS } from './rules/averaged';
import { decimalsFor, hoursText, hoursValue } from './format';
import { formatIsoDate } from './time/civil';
import { minutesWithin } from './spans';
import type { ZoneCalendar } from './time/calendar';
import type { PreparedPerson } from './engine';

/**
 * Rolling 28-day hours view, offered ONLY as an early warning. The ACGME averages by rotation and does
 * not permit rolling averages for compliance, so nothing here is a verdict: the type carries
 * `kind: 'early-warning'` and no `verdict` field, and messages say so.
 */
export interface EarlyWarning {
  kind: 'early-warning';
  personId: string;
  /** Inclusive local dates of the rolling window. */
  window: [string, string];
  countedHours: number;
  eligibleDays: number;
  weeklyAverage: number;
  limit: number;
  /** 'over': the window's average is above the limit; 'near': at or above nearPercent of it. */
  level: 'over' | 'near';
  message: string;
}

export interface EarlyWarningOptions {
  windowDays?: number;
  /** Warn from this share of the limit (percent, integer); default 90. */
  nearPercent?: number;
}

/** Weekly limit in force on a day: the approved exception of the rotation covering it, else 80. */
function limitOn(person: PreparedPerson, day: number): number {
  for (const a of person.assignments) {
    if (a.startDay <= day && day <= a.endDay) return a.approvedWeeklyLimitHours ?? DEFAULT_WEEKLY_LIMIT_HOURS;
  }
  return DEFAULT_WEEKLY_LIMIT_HOURS;
}

/** Warnings for every rolling window ending on a day in [fromDay, toDay]. */
export function rollingEarlyWarnings(
  person: PreparedPerson,
  cal: ZoneCalendar,
  fromDay: number,
  toDay: number,
  options: EarlyWarningOptions = {},
): EarlyWarning[] {
  const windowDays = options.windowDays ?? 28;
  const nearPercent = options.nearPercent ?? 90;
  const first = fromDay - windowDays + 1;
  cal.ensure(first, toDay + 1);
  // Per-day counted minutes and eligibility, then a sliding sum: O(days), no re-scan per window.
  const minutes: number[] = [];
  const eligible: number[] = [];
  for (let d = first; d <= toDay; d++) {
    const onLeave = person.leave.has(d);
    minutes.push(onLeave ? 0 : minutesWithin(person.timeline.counted, cal.dayStart(d), cal.dayStart(d + 1)));
    eligible.push(onLeave ? 0 : 1);
  }
  const out: EarlyWarning[] = [];
  let sum = 0;
  let days = 0;
  for (let i = 0; i < minutes.length; i++) {
    sum += minutes[i] as number;
    days += eligible[i] as number;
    if (i >= windowDays) {
      sum -= minutes[i - windowDays] as number;
      days -= eligible[i - windowDays] as number;
    }
    const endDay = first + i;
    if (endDay < fromDay || days === 0) continue;
    const limit = limitOn(person, endDay);
    const over = sum * 7 > limit * 60 * days;
    const near = sum * 7 * 100 >= nearPercent * limit * 60 * days;
    if (!over && !near) continue;
    const average = ((sum * 7) / (60 * days)).toFixed(decimalsFor(sum * 7, 60 * days, limit));
    const window: [string, string] = [formatIsoDate(endDay - windowDays + 1), formatIsoDate(endDay)];
    out.push({
      kind: 'early-warning',
      personId: person.profile.id,
      window,
      countedHours: hoursValue(sum),
      eligibleDays: days,
      weeklyAverage: Number(average),
      limit,
      level: over ? 'over' : 'near',
      message:
        `Early warning, not a compliance verdict (rolling ${windowDays} days ${window[0]}..${window[1]}): ` +
        `${hoursText(sum)} h x 7 / ${days} = ${average} ${over ? '>' : 'approaching'} ${limit}`,
    });
  }
  return out;
}
