import { z } from 'zod';

/** Record ids are opaque strings from the one id generator. */
export const Id = z.string().min(1).max(80).regex(/^[A-Za-z0-9:_-]+$/, 'must be an id (letters, digits, : _ -)');
/** A local calendar date in the program's time zone. */
export const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}, 'is not a real calendar date');
/** A local wall-clock time. */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM');
export const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour #RRGGBB');
export const ShortText = z.string().trim().min(1).max(120);
export const LongText = z.string().max(2000);
export const Pgy = z.number().int().min(1).max(10);

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
export const TimeZone = z.string().min(1).max(64).refine(isValidTimeZone, 'is not an IANA time zone');

/** Adds days to a local date (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
