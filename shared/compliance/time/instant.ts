import { daysFromCivil, daysInMonth, formatIsoDate, MINUTES_PER_DAY } from './civil';

/**
 * ISO-8601 instants with an explicit offset or Z, converted to integer epoch minutes. Wall-clock times
 * without an offset are refused here on purpose: an instant must be unambiguous on its own, and local
 * times go through the zone helper, which rejects DST gaps and asks for a choice on fall-back overlaps.
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:\d{2})$/;

export type InstantParse = { ok: true; minutes: number } | { ok: false; reason: string };

export function parseIsoInstant(text: string): InstantParse {
  const m = ISO_INSTANT.exec(text);
  if (!m) {
    return {
      ok: false,
      reason: 'expected an ISO-8601 date-time with an offset or Z, e.g. 2026-07-01T06:00:00-04:00',
    };
  }
  const [, ys, mos, ds, hs, mis, ss, frac, off] = m;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = ss === undefined ? 0 : Number(ss);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: `${ys}-${mos}-${ds} is not a calendar date` };
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: 'time of day out of range' };
  if (second !== 0 || (frac !== undefined && /[1-9]/.test(frac))) {
    // The engine counts whole minutes so thresholds stay exact integers.
    return { ok: false, reason: 'must fall on a whole minute (seconds must be 00)' };
  }
  let offset = 0;
  if (off !== undefined && off !== 'Z' && off !== 'z') {
    const sign = off.startsWith('-') ? -1 : 1;
    const oh = Number(off.slice(1, 3));
    const om = Number(off.slice(4, 6));
    if (oh > 18 || om > 59) return { ok: false, reason: 'offset out of range' };
    offset = sign * (oh * 60 + om);
  }
  return { ok: true, minutes: daysFromCivil(year, month, day) * MINUTES_PER_DAY + hour * 60 + minute - offset };
}

/** UTC rendering of epoch minutes, e.g. "2026-07-01T10:00:00Z". */
export function formatUtcInstant(minutes: number): string {
  const day = Math.floor(minutes / MINUTES_PER_DAY);
  const mod = minutes - day * MINUTES_PER_DAY;
  const hh = String(Math.floor(mod / 60)).padStart(2, '0');
  const mm = String(mod % 60).padStart(2, '0');
  return `${formatIsoDate(day)}T${hh}:${mm}:00Z`;
}
