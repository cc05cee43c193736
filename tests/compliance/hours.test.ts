import { describe, expect, it } from 'vitest';
import { addDays, check, JULY, only, range, resident, shift, shiftsOn } from './helpers';

/**
 * CPR-80H (VI.F.1 / 6.20): violation iff countedMinutes * 7 > limit * 60 * eligibleDays, averaged over
 * the rotation. July 2026 in New York is EDT (-04:00) throughout, so wall-clock arithmetic is exact.
 */

/** Days 0-4 of each week worked, 5-6 off: 20 working days in the 28-day block. */
const WEEKDAYS = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25];

describe('CPR-80H: 80 hours per week averaged over the rotation', () => {
  it('exactly 80.00 h/week is compliant: 20 shifts x 16 h = 320 h; 320 x 7 / 28 = 80', () => {
    const r = only(check({ intervals: shiftsOn(JULY.start, WEEKDAYS, '06:00', '22:00') }), 'CPR-80H');
    expect(r.verdict).toBe('compliant');
    expect(r.values).toEqual({ countedHours: 320, eligibleDays: 28, weeklyAverage: 80, limit: 80 });
    expect(r.explanation).toBe('320.0 h x 7 / 28 = 80.00 <= 80');
    expect(r.citations).toEqual({ cpr2023: 'VI.F.1', cpr2025: '6.20' });
    expect(r.severity).toBe('core');
    expect(r.ruleSet).toBe('CPR-2025');
    expect(r.period).toEqual(['2026-07-01', '2026-07-28']);
  });

  it('one minute more is a violation, and the explanation shows enough digits to say why', () => {
    const intervals = [...shiftsOn(JULY.start, WEEKDAYS, '06:00', '22:00'), shift('2026-07-06', '10:00', '10:01')];
    const r = only(check({ intervals }), 'CPR-80H');
    // 19201 min x 7 / (60 x 28) = 80.0041...
    expect(r.verdict).toBe('violation');
    expect(r.explanation).toBe('320.02 h x 7 / 28 = 80.004 > 80');
  });

  it('reproduces the reference example: 325.0 h x 7 / 28 = 81.25 > 80', () => {
    const intervals = [...shiftsOn(JULY.start, WEEKDAYS, '06:00', '22:00'), shift('2026-07-06', '08:00', '13:00')];
    const r = only(check({ intervals }), 'CPR-80H');
    expect(r.verdict).toBe('violation');
    expect(r.values).toEqual({ countedHours: 325, eligibleDays: 28, weeklyAverage: 81.25, limit: 80 });
    expect(r.explanation).toBe('325.0 h x 7 / 28 = 81.25 > 80');
  });

  it('counts overlapping intervals once (their union is the time worked)', () => {
    const intervals = [shift('2026-07-01', '06:00', '18:00'), shift('2026-07-01', '16:00', '18:00', 'education')];
    expect(only(check({ intervals }), 'CPR-80H').values.countedHours).toBe(12);
  });

  it('does not count at-home call availability, but counts active at-home call and moonlighting', () => {
    const intervals = [
      shift('2026-07-01', '18:00', '08:00', 'homeCall'),
      shift('2026-07-01', '23:00', '01:30', 'homeCallActive'),
      shift('2026-07-03', '18:00', '22:00', 'moonlightExternal'),
    ];
    // 2.5 h active + 4 h moonlighting = 6.5 h; the 14 h of availability adds nothing.
    expect(only(check({ intervals }), 'CPR-80H').values.countedHours).toBe(6.5);
  });
});

describe('CPR-88H: a rotation-specific exception raises the limit to at most 88', () => {
  // 20 x 17 h = 340 h: 340 x 7 / 28 = 85.
  const intervals = shiftsOn(JULY.start, WEEKDAYS, '05:00', '22:00');

  it('85 h/week violates the default 80 but complies with an approved 88', () => {
    expect(only(check({ intervals }), 'CPR-80H').verdict).toBe('violation');
    const r = only(check({ intervals, people: [resident({ approvedWeeklyLimitHours: 88 })] }), 'CPR-80H');
    expect(r.verdict).toBe('compliant');
    expect(r.values.limit).toBe(88);
    expect(r.explanation).toBe('340.0 h x 7 / 28 = 85.00 <= 88; approved rotation exception to 88 h (VI.F.4.c) / 6.24)');
  });

  it('the exception is a ceiling too: 356 h x 7 / 28 = 89.00 > 88', () => {
    const more = [...intervals, ...shiftsOn(JULY.start, [5, 12, 19, 26], '06:00', '10:00')];
    const r = only(check({ intervals: more, people: [resident({ approvedWeeklyLimitHours: 88 })] }), 'CPR-80H');
    expect(r.verdict).toBe('violation');
    expect(r.explanation).toMatch(/^356\.0 h x 7 \/ 28 = 89\.00 > 88/);
  });
});

describe('periods split at local midnight', () => {
  const night = shift('2026-07-28', '19:00', '07:00', 'nightFloat');

  it('a 19:00-07:00 night on the last day of a block gives 5 h to that block', () => {
    expect(only(check({ intervals: [night] }), 'CPR-80H').values.countedHours).toBe(5);
  });

  it('and the remaining 7 h to the next block', () => {
    const next = { start: '2026-07-29', end: '2026-08-25' };
    expect(only(check({ period: next, intervals: [night] }), 'CPR-80H').values.countedHours).toBe(7);
  });

  it('the night is one 12 h work period reported in the block where it starts', () => {
    expect(only(check({ intervals: [night] }), 'CPR-24H').values.maxContinuousHours).toBe(12);
    const next = { start: '2026-07-29', end: '2026-08-25' };
    expect(only(check({ period: next, intervals: [night] }), 'CPR-24H').values.maxContinuousHours).toBe(0);
  });
});

describe('durations are elapsed time across DST (America/New_York)', () => {
  it('a 19:00-07:00 night is 11 h when clocks spring forward (2026-03-07 -> 03-08)', () => {
    const night = shift('2026-03-07', '19:00', '07:00', 'nightFloat', '-05:00', 'R1', '-04:00');
    const r = check({ period: { start: '2026-03-01', end: '2026-03-28' }, intervals: [night] });
    expect(only(r, 'CPR-80H').values.countedHours).toBe(11);
    expect(only(r, 'CPR-24H').values.maxContinuousHours).toBe(11);
  });

  it('a 19:00-07:00 night is 13 h when clocks fall back (2026-10-31 -> 11-01)', () => {
    const night = shift('2026-10-31', '19:00', '07:00', 'nightFloat', '-04:00', 'R1', '-05:00');
    const r = check({ period: { start: '2026-10-15', end: '2026-11-11' }, intervals: [night] });
    expect(only(r, 'CPR-80H').values.countedHours).toBe(13);
  });

  it('block boundaries are local midnights even in winter: a night on 2026-11-11 gives 5 h to its block', () => {
    const night = shift('2026-11-11', '19:00', '07:00', 'nightFloat', '-05:00');
    const r = check({ period: { start: '2026-10-15', end: '2026-11-11' }, intervals: [night] });
    expect(only(r, 'CPR-80H').values.countedHours).toBe(5);
  });
});

describe('leave leaves both numerator and denominator', () => {
  const vacation = { personId: 'R1', type: 'vacation', startDate: '2026-07-13', endDate: '2026-07-19', excludeFromAveraging: true };
  // 15 working days of 16 h outside the vacation week = 240 h; 21 eligible days.
  const workDays = [...range(0, 5), ...range(6, 11), ...range(19, 24)];

  it('a week of vacation inside a block: 240 h x 7 / 21 = 80.00 is compliant', () => {
    const r = only(check({ intervals: shiftsOn(JULY.start, workDays, '06:00', '22:00'), absences: [vacation] }), 'CPR-80H');
    expect(r.verdict).toBe('compliant');
    expect(r.values).toEqual({ countedHours: 240, eligibleDays: 21, weeklyAverage: 80, limit: 80 });
    expect(r.explanation).toBe('240.0 h x 7 / 21 = 80.00 <= 80 (7 leave days of 28 excluded)');
  });

  it('work recorded on a leave day is not counted either', () => {
    const intervals = [...shiftsOn(JULY.start, workDays, '06:00', '22:00'), shift('2026-07-15', '08:00', '12:00')];
    expect(only(check({ intervals, absences: [vacation] }), 'CPR-80H').values.countedHours).toBe(240);
  });

  it('the same hours without the vacation average 240 x 7 / 28 = 60', () => {
    expect(only(check({ intervals: shiftsOn(JULY.start, workDays, '06:00', '22:00') }), 'CPR-80H').values.weeklyAverage).toBe(60);
  });

  it('absence types default by type: vacation leaves averaging, a conference does not', () => {
    const base = { personId: 'R1', startDate: '2026-07-13', endDate: '2026-07-19' };
    const intervals = [shift('2026-07-01', '08:00', '12:00')];
    expect(only(check({ intervals, absences: [{ ...base, type: 'vacation' }] }), 'CPR-80H').values.eligibleDays).toBe(21);
    expect(only(check({ intervals, absences: [{ ...base, type: 'conference' }] }), 'CPR-80H').values.eligibleDays).toBe(28);
    expect(
      only(check({ intervals, absences: [{ ...base, type: 'conference', excludeFromAveraging: true }] }), 'CPR-80H').values
        .eligibleDays,
    ).toBe(21);
  });

  it('a period entirely on leave has nothing to average', () => {
    const r = only(
      check({ intervals: [], absences: [{ ...vacation, startDate: JULY.start, endDate: JULY.end }] }),
      'CPR-80H',
    );
    expect(r.verdict).toBe('compliant');
    expect(r.values.eligibleDays).toBe(0);
    expect(r.values.weeklyAverage).toBeNull();
  });
});

describe('CPR-ML-PGY1: PGY-1 residents may not moonlight', () => {
  const intervals = [shift('2026-07-10', '18:00', '22:00', 'moonlightInternal')];

  it('any moonlighting by a PGY-1 is a violation', () => {
    const r = only(check({ intervals, people: [resident({ pgy: 1 })] }), 'CPR-ML-PGY1');
    expect(r.verdict).toBe('violation');
    expect(r.values).toEqual({ moonlightingHours: 4, pgy: 1 });
    expect(r.citations).toEqual({ cpr2023: 'VI.F.5.c)', cpr2025: '6.25.b' });
  });

  it('a PGY-2 may moonlight; the hours still count toward 80', () => {
    const r = check({ intervals, people: [resident({ pgy: 2 })] });
    expect(only(r, 'CPR-ML-PGY1').verdict).toBe('compliant');
    expect(only(r, 'CPR-80H').values.countedHours).toBe(4);
  });

  it('a PGY-1 without moonlighting is compliant', () => {
    const r = only(check({ intervals: [shift('2026-07-10', '08:00', '17:00')], people: [resident({ pgy: 1 })] }), 'CPR-ML-PGY1');
    expect(r.verdict).toBe('compliant');
  });
});

describe('CPR-HOME: active at-home call counts toward 80 hours', () => {
  it('is a violation when active home-call time is part of an 80-hour breach', () => {
    const intervals = [
      ...shiftsOn(JULY.start, WEEKDAYS, '06:00', '22:00'),
      shift('2026-07-06', '08:00', '20:00', 'homeCall'),
      shift('2026-07-06', '10:00', '12:00', 'homeCallActive'),
    ];
    const r = check({ intervals });
    // 320 + 2 = 322 h: 322 x 7 / 28 = 80.50 > 80
    expect(only(r, 'CPR-80H').explanation).toBe('322.0 h x 7 / 28 = 80.50 > 80');
    const home = only(r, 'CPR-HOME');
    expect(home.verdict).toBe('violation');
    expect(home.values.homeCallActiveHours).toBe(2);
    expect(home.values.homeCallHours).toBe(12);
  });

  it('is compliant with no home call at all', () => {
    expect(only(check({ intervals: [shift(addDays(JULY.start, 1), '08:00', '17:00')] }), 'CPR-HOME').explanation).toBe(
      'no at-home call in this period',
    );
  });
});
