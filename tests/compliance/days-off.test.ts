import { describe, expect, it } from 'vitest';
import { check, JULY, only, range, shift, shiftsOn } from './helpers';

/**
 * CPR-1IN7 (VI.F.2.c) / 6.21.b): a day off is 24 continuous elapsed hours free of all work and of
 * at-home call; daysOff = sum over free runs (clipped to the period and to leave) of floor(h / 24);
 * compliant iff daysOff * 7 >= eligibleDays.
 */

/** Works 07:00-20:00 every day except days 6, 13, 20, 27: four free days in 28. */
const FREE = [6, 13, 20, 27];
const WORKED = range(0, 28).filter((d) => !FREE.includes(d));

describe('CPR-1IN7: one day in seven free, averaged over the rotation', () => {
  it('four free days in 28: 4 x 7 = 28 >= 28 is compliant', () => {
    // Each free day is a run from 20:00 to 07:00 two days later: 35 h -> 1 day off. The free day 27
    // (the last) runs from 20:00 on day 26 to the end of the period: 28 h -> 1.
    const r = only(check({ intervals: shiftsOn(JULY.start, WORKED, '07:00', '20:00') }), 'CPR-1IN7');
    expect(r.verdict).toBe('compliant');
    expect(r.values).toEqual({ daysOff: 4, eligibleDays: 28 });
    expect(r.explanation).toBe('4 days off x 7 = 28 >= 28 eligible days');
  });

  it('three free days in 28 is a violation: 3 x 7 = 21 < 28', () => {
    const intervals = shiftsOn(JULY.start, [...WORKED, 27], '07:00', '20:00');
    const r = only(check({ intervals }), 'CPR-1IN7');
    expect(r.verdict).toBe('violation');
    expect(r.explanation).toBe('3 days off x 7 = 21 < 28 eligible days (needs 4)');
  });

  it('a 47-hour gap is one day off, not two', () => {
    const intervals = [shift('2026-07-01', '07:00', '20:00'), shift('2026-07-03', '19:00', '23:59')];
    const period = { start: '2026-07-01', end: '2026-07-03' };
    // Runs: 00:00-07:00 day 0 (7 h), 47 h, 23:59-24:00 (1 min): floor(47/24) = 1.
    expect(only(check({ period, intervals }), 'CPR-1IN7').values.daysOff).toBe(1);
  });

  it('free time is clipped at the period boundary', () => {
    // Free from 20:00 on 07-27 to the block end at midnight 07-29: 28 h counts only inside the block.
    const period = { start: '2026-07-27', end: '2026-07-28' };
    const r = only(check({ period, intervals: [shift('2026-07-27', '07:00', '20:00')] }), 'CPR-1IN7');
    expect(r.values.daysOff).toBe(1);
  });
});

describe('at-home call blocks a day off', () => {
  it('at-home call on a would-be day off removes it: 3 x 7 = 21 < 28, and CPR-HOME says why', () => {
    const intervals = [
      ...shiftsOn(JULY.start, WORKED, '07:00', '20:00'),
      // Day 13 (2026-07-14) was free from 20:00 on day 12 to 07:00 on day 14 (35 h); 08:00-20:00 home
      // call splits that into 12 h + 11 h, neither a day off.
      shift('2026-07-14', '08:00', '20:00', 'homeCall'),
    ];
    const r = check({ intervals });
    const oneInSeven = only(r, 'CPR-1IN7');
    expect(oneInSeven.verdict).toBe('violation');
    expect(oneInSeven.values.daysOff).toBe(3);
    expect(oneInSeven.explanation).toBe(
      '3 days off x 7 = 21 < 28 eligible days (needs 4); at-home call fell on 1 would-be day off',
    );
    const home = only(r, 'CPR-HOME');
    expect(home.verdict).toBe('violation');
    expect(home.values).toEqual({ homeCallHours: 12, homeCallActiveHours: 0, daysOffLostToHomeCall: 1 });
    // Availability adds no hours: 24 x 13 h = 312 h, 78.00 <= 80.
    expect(only(r, 'CPR-80H').explanation).toBe('312.0 h x 7 / 28 = 78.00 <= 80');
  });

  it('at-home call that leaves enough days off is compliant', () => {
    const intervals = [
      // Every third day free (9 days off), home call on the evening of a working day.
      ...shiftsOn(JULY.start, range(0, 28).filter((d) => d % 3 !== 2), '07:00', '20:00'),
      shift('2026-07-03', '20:00', '23:00', 'homeCall'),
    ];
    const r = check({ intervals });
    expect(only(r, 'CPR-1IN7').verdict).toBe('compliant');
    expect(only(r, 'CPR-HOME').verdict).toBe('compliant');
  });
});

describe('leave and days off', () => {
  const vacation = { personId: 'R1', type: 'vacation', startDate: '2026-07-13', endDate: '2026-07-19' };

  it('free time inside leave is never a day off', () => {
    // Works 06:00-22:00 on all 21 non-leave days: no 24 h free run outside the vacation.
    const workDays = range(0, 28).filter((d) => d < 12 || d > 18);
    const r = only(check({ intervals: shiftsOn(JULY.start, workDays, '06:00', '22:00'), absences: [vacation] }), 'CPR-1IN7');
    expect(r.verdict).toBe('violation');
    expect(r.values).toEqual({ daysOff: 0, eligibleDays: 21 });
  });

  it('with a vacation week, three days off in the other 21 days suffice: 3 x 7 = 21 >= 21', () => {
    const workDays = range(0, 28).filter((d) => (d < 12 || d > 18) && ![5, 22, 26].includes(d));
    const r = only(check({ intervals: shiftsOn(JULY.start, workDays, '06:00', '22:00'), absences: [vacation] }), 'CPR-1IN7');
    expect(r.values).toEqual({ daysOff: 3, eligibleDays: 21 });
    expect(r.verdict).toBe('compliant');
  });
});

describe('a day off is 24 elapsed hours, also on DST days', () => {
  it('a free calendar day of 23 h (2026-03-08, spring forward) is not a day off', () => {
    const period = { start: '2026-03-07', end: '2026-03-09' };
    const intervals = [
      { personId: 'R1', kind: 'clinical' as const, start: '2026-03-07T00:00:00-05:00', end: '2026-03-08T00:00:00-05:00' },
      { personId: 'R1', kind: 'clinical' as const, start: '2026-03-09T00:00:00-04:00', end: '2026-03-10T00:00:00-04:00' },
    ];
    // Free from 2026-03-08 00:00 EST to 2026-03-09 00:00 EDT: 23 elapsed hours.
    const r = only(check({ period, intervals }), 'CPR-1IN7');
    expect(r.values.daysOff).toBe(0);
  });

  it('a free calendar day of 25 h (2026-11-01, fall back) is one day off', () => {
    const period = { start: '2026-10-31', end: '2026-11-02' };
    const intervals = [
      { personId: 'R1', kind: 'clinical' as const, start: '2026-10-31T00:00:00-04:00', end: '2026-11-01T00:00:00-04:00' },
      { personId: 'R1', kind: 'clinical' as const, start: '2026-11-02T00:00:00-05:00', end: '2026-11-03T00:00:00-05:00' },
    ];
    const r = only(check({ period, intervals }), 'CPR-1IN7');
    expect(r.values.daysOff).toBe(1);
  });
});
