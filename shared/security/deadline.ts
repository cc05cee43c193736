import { civilFromDays, daysFromCivil } from '../compliance/time/civil';
import { instantToLocal, startOfLocalDay } from '../compliance/time/zone';

/**
 * Breach-notification clocks (45 CFR 164.404-408), in calendar days in the program's time zone.
 *
 * - Individuals: without unreasonable delay and no later than 60 calendar days after discovery.
 *   Day 0 is the local calendar day of discovery; the deadline is the END of local day 60, so an
 *   incident discovered any time on 1 January has until 2 March 23:59:59.999 local (1 March in a
 *   leap year). Counting whole local days rather than 60 x 24 hours keeps the date right across
 *   DST changes (a 23- or 25-hour day is still one day) and month ends.
 * - 500 or more affected: HHS and prominent media on the same clock as individuals (164.406, 164.408(b)).
 * - Fewer than 500: the annual HHS log, due within 60 days after the end of the calendar year of
 *   discovery (164.408(c)): 1 March, or 29 February in a leap year.
 */
export const NOTIFICATION_DAYS = 60;
export const LARGE_BREACH_THRESHOLD = 500;

export interface LocalDay {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** The last instant of that local day, ISO UTC. */
  endsAt: string;
}

function isoDate(epochDay: number): string {
  const c = civilFromDays(epochDay);
  return `${String(c.year).padStart(4, '0')}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
}

/** The local calendar day of an instant in `zone`, as an epoch day. */
export function localEpochDay(zone: string, instantMs: number): number {
  return instantToLocal(zone, Math.floor(instantMs / 60_000)).epochDay;
}

/** The end of a local day: one millisecond before the next local day starts (DST-aware). */
export function endOfLocalDay(zone: string, epochDay: number): LocalDay {
  const nextStartMinutes = startOfLocalDay(zone, epochDay + 1);
  return { date: isoDate(epochDay), endsAt: new Date(nextStartMinutes * 60_000 - 1).toISOString() };
}

export interface NotificationPlan {
  discoveryDate: string;
  individuals: LocalDay;
  /** HHS: same deadline (500+) or the annual log (under 500). */
  hhs: LocalDay & { route: 'immediate' | 'annual_log' };
  /** Media notice is required only for 500+ residents of a State or jurisdiction. */
  media: LocalDay | null;
  largeBreach: boolean;
}

export function notificationPlan(zone: string, discoveredAtMs: number, affected: number): NotificationPlan {
  const day0 = localEpochDay(zone, discoveredAtMs);
  const individuals = endOfLocalDay(zone, day0 + NOTIFICATION_DAYS);
  const largeBreach = affected >= LARGE_BREACH_THRESHOLD;
  const year = civilFromDays(day0).year;
  const annual = endOfLocalDay(zone, daysFromCivil(year, 12, 31) + NOTIFICATION_DAYS);
  return {
    discoveryDate: isoDate(day0),
    individuals,
    hhs: largeBreach ? { ...individuals, route: 'immediate' } : { ...annual, route: 'annual_log' },
    media: largeBreach ? individuals : null,
    largeBreach,
  };
}

/** Whole local days left until a deadline day (negative when past), for the register and the UI. */
export function daysLeft(zone: string, nowMs: number, deadlineDate: string): number {
  const [y, m, d] = deadlineDate.split('-').map(Number);
  return daysFromCivil(y ?? 1970, m ?? 1, d ?? 1) - localEpochDay(zone, nowMs);
}
