import { formatLocalMinutes, MINUTES_PER_DAY } from './civil';
import { offsetAt, startOfLocalDay } from './zone';

/**
 * Per-zone cache of local-day boundaries. Each local day costs a handful of Intl lookups once; after
 * that, instant -> local day and day -> start instant are array reads, which is what keeps a full-year
 * check free of Date objects and Intl calls in its hot loops.
 */
export class ZoneCalendar {
  private base = 0;
  /** starts[i] = first instant of local epoch day base + i. */
  private starts: number[] = [];

  constructor(readonly zone: string) {}

  /** First instant (epoch minutes) of the local epoch day. */
  dayStart(epochDay: number): number {
    this.ensure(epochDay, epochDay + 1);
    return this.starts[epochDay - this.base] as number;
  }

  /** Makes days [fromDay, toDay] available (both inclusive). */
  ensure(fromDay: number, toDay: number): void {
    if (this.starts.length === 0) {
      this.base = fromDay;
      for (let d = fromDay; d <= toDay; d++) this.starts.push(startOfLocalDay(this.zone, d));
      return;
    }
    if (fromDay < this.base) {
      const head: number[] = [];
      for (let d = fromDay; d < this.base; d++) head.push(startOfLocalDay(this.zone, d));
      this.starts = head.concat(this.starts);
      this.base = fromDay;
    }
    for (let d = this.base + this.starts.length; d <= toDay; d++) this.starts.push(startOfLocalDay(this.zone, d));
  }

  /** Local epoch day containing the instant. */
  dayOf(instant: number): number {
    // The local day is within one of the UTC day (offsets are under +-24 h); check and step.
    let d = Math.floor(instant / MINUTES_PER_DAY);
    while (instant < this.dayStart(d)) d--;
    while (instant >= this.dayStart(d + 1)) d++;
    return d;
  }

  /** Elapsed minutes in a local day: 1440, or 1380 / 1500 on DST transition days. */
  dayLength(epochDay: number): number {
    return this.dayStart(epochDay + 1) - this.dayStart(epochDay);
  }

  /** "YYYY-MM-DD HH:MM" local wall-clock time of an instant, for explanations. */
  formatLocal(instant: number): string {
    const d = this.dayOf(instant);
    const offsetAtStart = d * MINUTES_PER_DAY - this.dayStart(d);
    const offsetAtNext = (d + 1) * MINUTES_PER_DAY - this.dayStart(d + 1);
    // On an ordinary day the offset is constant, so local time follows from the cached boundaries;
    // only transition days need a fresh Intl lookup.
    const offset = offsetAtStart === offsetAtNext ? offsetAtStart : offsetAt(this.zone, instant);
    return formatLocalMinutes(instant + offset);
  }
}

const calendars = new Map<string, ZoneCalendar>();

/**
 * Shared calendar per zone. Day boundaries never change for a given tz database, so one cache per
 * process is safe and saves every session from re-deriving them.
 */
export function calendarFor(zone: string): ZoneCalendar {
  let cal = calendars.get(zone);
  if (!cal) {
    cal = new ZoneCalendar(zone);
    calendars.set(zone, cal);
  }
  return cal;
}
