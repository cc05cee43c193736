import { daysFromCivil, MINUTES_PER_DAY } from './civil';

/**
 * IANA time-zone arithmetic on top of Intl.DateTimeFormat, the one zone database every runtime we ship
 * to (Electron main, renderer, Node CLI, server) has. All values are integer epoch minutes.
 *
 * Offsets are "local minus UTC" in minutes (New York in summer: -240). Intl is slow (microseconds per
 * call), so callers that loop should go through ZoneCalendar, which caches one lookup per local day.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      // h23 avoids the "24:00" some engines print for midnight with hour12: false.
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

export function isValidTimeZone(zone: string): boolean {
  if (zone.length === 0) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** Local-minus-UTC offset in minutes at an instant (sub-minute historical offsets are truncated). */
export function offsetAt(zone: string, instant: number): number {
  const parts = formatterFor(zone).formatToParts(new Date(instant * 60_000));
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let bc = false;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        year = Number(p.value);
        break;
      case 'month':
        month = Number(p.value);
        break;
      case 'day':
        day = Number(p.value);
        break;
      case 'hour':
        hour = Number(p.value);
        break;
      case 'minute':
        minute = Number(p.value);
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
      default:
        break;
    }
  }
  if (bc) year = 1 - year;
  const local = daysFromCivil(year, month, day) * MINUTES_PER_DAY + hour * 60 + minute;
  return local - instant;
}

/** Local wall-clock minutes (since local 1970-01-01 00:00) of an instant. */
export function toLocalMinutes(zone: string, instant: number): number {
  return instant + offsetAt(zone, instant);
}

export interface LocalDateTime {
  /** Local calendar date as an epoch day. */
  epochDay: number;
  minuteOfDay: number;
}

export function instantToLocal(zone: string, instant: number): LocalDateTime {
  const local = toLocalMinutes(zone, instant);
  const epochDay = Math.floor(local / MINUTES_PER_DAY);
  return { epochDay, minuteOfDay: local - epochDay * MINUTES_PER_DAY };
}

/** How to resolve a wall-clock time that occurs twice (fall back). */
export type Disambiguation = 'reject' | 'earlier' | 'later';

export type LocalResolution =
  | { ok: true; instant: number }
  /** The wall-clock time does not exist (spring forward); `transition` is the instant the clocks jumped. */
  | { ok: false; reason: 'gap'; transition: number }
  /** The wall-clock time happens twice (fall back); pick one with a Disambiguation. */
  | { ok: false; reason: 'ambiguous'; earlier: number; later: number };

/**
 * Finds the first instant in (lo, hi] whose offset differs from offsetAt(lo). Assumes at most one
 * transition in the window, which holds for every zone in the tz database over a 48 h window.
 */
function findTransition(zone: string, lo: number, hi: number): number {
  const before = offsetAt(zone, lo);
  let a = lo;
  let b = hi;
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (offsetAt(zone, mid) === before) a = mid;
    else b = mid;
  }
  return b;
}

/** Resolves a local date and minute of day in `zone` to an instant. */
export function localToInstant(
  zone: string,
  epochDay: number,
  minuteOfDay: number,
  disambiguation: Disambiguation = 'reject',
): LocalResolution {
  const local = epochDay * MINUTES_PER_DAY + minuteOfDay;
  // Offsets one day either side bracket any transition affecting this wall-clock time.
  const before = offsetAt(zone, local - MINUTES_PER_DAY);
  const after = offsetAt(zone, local + MINUTES_PER_DAY);
  const c1 = local - before;
  const c2 = local - after;
  const v1 = offsetAt(zone, c1) === before;
  const v2 = c2 !== c1 && offsetAt(zone, c2) === after;
  if (v1 && v2) {
    const earlier = Math.min(c1, c2);
    const later = Math.max(c1, c2);
    if (disambiguation === 'earlier') return { ok: true, instant: earlier };
    if (disambiguation === 'later') return { ok: true, instant: later };
    return { ok: false, reason: 'ambiguous', earlier, later };
  }
  if (v1) return { ok: true, instant: c1 };
  if (v2) return { ok: true, instant: c2 };
  return { ok: false, reason: 'gap', transition: findTransition(zone, local - MINUTES_PER_DAY, local + MINUTES_PER_DAY) };
}

/**
 * The first instant of a local calendar day. Midnight itself may be skipped (zones that spring forward
 * at 00:00, e.g. America/Santiago): the day then starts at the transition. A doubled midnight starts the
 * day at its first occurrence.
 */
export function startOfLocalDay(zone: string, epochDay: number): number {
  const r = localToInstant(zone, epochDay, 0, 'earlier');
  if (r.ok) return r.instant;
  if (r.reason === 'gap') return r.transition;
  return r.earlier;
}
