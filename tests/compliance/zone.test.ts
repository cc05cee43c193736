import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  daysFromCivil,
  formatIsoDate,
  parseIsoDate,
  weekdayOf,
} from '../../shared/compliance/time/civil';
import { formatUtcInstant, parseIsoInstant } from '../../shared/compliance/time/instant';
import {
  instantToLocal,
  isValidTimeZone,
  localToInstant,
  offsetAt,
  startOfLocalDay,
} from '../../shared/compliance/time/zone';
import { ZoneCalendar } from '../../shared/compliance/time/calendar';

const NY = 'America/New_York';
const day = (iso: string): number => parseIsoDate(iso) as number;
const utc = (iso: string): number => {
  const r = parseIsoInstant(iso);
  if (!r.ok) throw new Error(r.reason);
  return r.minutes;
};

describe('civil calendar arithmetic', () => {
  it('counts days from 1970-01-01 and back, across leap years', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    expect(daysFromCivil(2024, 2, 29) + 1).toBe(daysFromCivil(2024, 3, 1));
    for (const d of [-800, 0, 11016, 20635, 60000]) {
      const c = civilFromDays(d);
      expect(daysFromCivil(c.year, c.month, c.day)).toBe(d);
    }
  });

  it('parses only real calendar dates', () => {
    expect(formatIsoDate(day('2026-07-01'))).toBe('2026-07-01');
    expect(parseIsoDate('2026-02-29')).toBeUndefined();
    expect(parseIsoDate('2028-02-29')).toBe(daysFromCivil(2028, 2, 29));
    expect(parseIsoDate('2026-13-01')).toBeUndefined();
    expect(parseIsoDate('2026-7-1')).toBeUndefined();
  });

  it('knows 2026-07-01 is a Wednesday', () => {
    expect(weekdayOf(day('2026-07-01'))).toBe(2);
  });
});

describe('ISO instants are integer epoch minutes', () => {
  it('applies the offset', () => {
    expect(utc('2026-07-01T06:00:00-04:00')).toBe(utc('2026-07-01T10:00:00Z'));
    expect(formatUtcInstant(utc('2026-07-01T06:00-04:00'))).toBe('2026-07-01T10:00:00Z');
    expect(utc('2026-07-01T06:00:00.000+05:30')).toBe(utc('2026-07-01T00:30:00Z'));
  });

  it('refuses times without an offset, impossible dates and sub-minute instants', () => {
    expect(parseIsoInstant('2026-07-01T06:00:00').ok).toBe(false);
    expect(parseIsoInstant('2026-02-30T06:00:00Z').ok).toBe(false);
    expect(parseIsoInstant('2026-07-01T24:00:00Z').ok).toBe(false);
    const r = parseIsoInstant('2026-07-01T06:00:30Z');
    expect(r.ok ? '' : r.reason).toMatch(/whole minute/);
  });
});

describe('zone helper (Intl-based)', () => {
  it('validates IANA names', () => {
    expect(isValidTimeZone(NY)).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('gives New York offsets in winter and summer', () => {
    expect(offsetAt(NY, utc('2026-01-15T12:00:00Z'))).toBe(-300);
    expect(offsetAt(NY, utc('2026-07-15T12:00:00Z'))).toBe(-240);
  });

  it('maps an instant to its local date and time', () => {
    expect(instantToLocal(NY, utc('2026-07-02T03:30:00Z'))).toEqual({ epochDay: day('2026-07-01'), minuteOfDay: 23 * 60 + 30 });
  });

  it('resolves an ordinary local time', () => {
    expect(localToInstant(NY, day('2026-07-01'), 6 * 60)).toEqual({ ok: true, instant: utc('2026-07-01T10:00:00Z') });
  });

  it('rejects a local time inside the spring-forward gap (2026-03-08 02:30 does not exist)', () => {
    const r = localToInstant(NY, day('2026-03-08'), 2 * 60 + 30);
    expect(r).toEqual({ ok: false, reason: 'gap', transition: utc('2026-03-08T07:00:00Z') });
  });

  it('needs a choice for a fall-back time that happens twice (2026-11-01 01:30)', () => {
    const r = localToInstant(NY, day('2026-11-01'), 90);
    expect(r).toEqual({
      ok: false,
      reason: 'ambiguous',
      earlier: utc('2026-11-01T05:30:00Z'),
      later: utc('2026-11-01T06:30:00Z'),
    });
    expect(localToInstant(NY, day('2026-11-01'), 90, 'earlier')).toEqual({ ok: true, instant: utc('2026-11-01T05:30:00Z') });
    expect(localToInstant(NY, day('2026-11-01'), 90, 'later')).toEqual({ ok: true, instant: utc('2026-11-01T06:30:00Z') });
  });

  it('starts a day whose midnight is skipped at the transition (Santiago, 2026-09-06 starts at 01:00)', () => {
    expect(startOfLocalDay('America/Santiago', day('2026-09-06'))).toBe(utc('2026-09-06T04:00:00Z'));
  });
});

describe('ZoneCalendar caches local day boundaries', () => {
  const cal = new ZoneCalendar(NY);

  it('has 23-hour and 25-hour days at the DST transitions', () => {
    expect(cal.dayLength(day('2026-03-08'))).toBe(23 * 60);
    expect(cal.dayLength(day('2026-11-01'))).toBe(25 * 60);
    expect(cal.dayLength(day('2026-07-01'))).toBe(24 * 60);
  });

  it('finds the local day of an instant', () => {
    expect(cal.dayOf(utc('2026-07-02T03:59:00Z'))).toBe(day('2026-07-01'));
    expect(cal.dayOf(utc('2026-07-02T04:00:00Z'))).toBe(day('2026-07-02'));
    expect(cal.dayOf(utc('2026-11-01T05:30:00Z'))).toBe(day('2026-11-01'));
  });

  it('formats local wall-clock time, including on transition days', () => {
    expect(cal.formatLocal(utc('2026-07-01T23:00:00Z'))).toBe('2026-07-01 19:00');
    expect(cal.formatLocal(utc('2026-11-01T06:30:00Z'))).toBe('2026-11-01 01:30');
    expect(cal.formatLocal(utc('2026-03-08T07:00:00Z'))).toBe('2026-03-08 03:00');
  });
});
