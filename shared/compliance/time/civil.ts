/**
 * Proleptic-Gregorian calendar arithmetic on "epoch days" (days since 1970-01-01) and "epoch minutes"
 * (minutes since 1970-01-01T00:00Z). Pure integer arithmetic so hot loops never allocate Date objects.
 */

export const MINUTES_PER_DAY = 1440;

/** Days since 1970-01-01 for a civil date (month 1-12). Howard Hinnant's days_from_civil. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** Inverse of daysFromCivil. */
export function civilFromDays(epochDay: number): CivilDate {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses "YYYY-MM-DD" into an epoch day; undefined when it is not a real calendar date. */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

const isoDateCache = new Map<number, string>();

/** "YYYY-MM-DD". Memoised: a full-year check formats the same few hundred dates thousands of times. */
export function formatIsoDate(epochDay: number): string {
  let text = isoDateCache.get(epochDay);
  if (text === undefined) {
    const { year, month, day } = civilFromDays(epochDay);
    text = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
    if (isoDateCache.size < 100_000) isoDateCache.set(epochDay, text);
  }
  return text;
}

/** "YYYY-MM-DD HH:MM" for a local wall-clock time given as minutes since local 1970-01-01 00:00. */
export function formatLocalMinutes(localMinutes: number): string {
  const day = Math.floor(localMinutes / MINUTES_PER_DAY);
  const minuteOfDay = localMinutes - day * MINUTES_PER_DAY;
  return `${formatIsoDate(day)} ${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

/** 1970-01-01 is a Thursday; returns 0 = Monday ... 6 = Sunday. */
export function weekdayOf(epochDay: number): number {
  return (((epochDay + 3) % 7) + 7) % 7;
}
