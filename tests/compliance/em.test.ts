import { describe, expect, it } from 'vitest';
import { check, only, range, resident, rows, shift, shiftsOn } from './helpers';

/**
 * The EM pack applies to emergency-medicine residents and to rotations carrying it. Weekly rules are
 * fixed 7-day weeks from the period start, not averaged: a 14-day period has two rows per weekly rule.
 */
const EM = resident({ specialty: 'emergency-medicine' });
const TWO_WEEKS = { start: '2026-07-01', end: '2026-07-14' };

function em(intervals: Parameters<typeof check>[0]['intervals'], period = TWO_WEEKS) {
  return check({ period, people: [EM], intervals });
}

describe('which people get the EM pack', () => {
  const intervals = [shift('2026-07-01', '07:00', '19:00', 'edClinical')];

  it('an emergency-medicine resident gets EM rows; one row per week for weekly rules', () => {
    const r = em(intervals);
    expect(rows(r, 'EM-12H')).toHaveLength(1);
    expect(rows(r, 'EM-60H').map((x) => x.period)).toEqual([
      ['2026-07-01', '2026-07-07'],
      ['2026-07-08', '2026-07-14'],
    ]);
    expect(rows(r, 'EM-1IN7')).toHaveLength(2);
    expect(only(r, 'EM-12H').ruleSet).toBe('EM-1');
    expect(only(r, 'EM-12H').severity).toBe('specialty');
  });

  it('another specialty on a rotation carrying the EM pack gets them too; without it, none', () => {
    expect(rows(check({ period: TWO_WEEKS, people: [resident({ rulePacks: ['EM'] })], intervals }), 'EM-72H')).toHaveLength(2);
    expect(rows(check({ period: TWO_WEEKS, intervals }), 'EM-72H')).toHaveLength(0);
  });
});

describe('EM-12H: each ED shift at most 12 continuous scheduled hours', () => {
  it('12.0 h is compliant', () => {
    const r = only(em([shift('2026-07-01', '07:00', '19:00', 'edClinical')]), 'EM-12H');
    expect(r.verdict).toBe('compliant');
    expect(r.values).toEqual({ hours: 12 });
  });

  it('12.5 h is a violation', () => {
    const r = only(em([shift('2026-07-01', '19:00', '07:30', 'edClinical')]), 'EM-12H');
    expect(r.verdict).toBe('violation');
    expect(r.explanation).toBe('longest ED shift 12.5 h > 12 (from 2026-07-01 19:00)');
  });
});

describe('EM-REST: time off after an ED shift at least as long as the shift', () => {
  it('12 h off after a 12 h shift is compliant', () => {
    const r = only(em([shift('2026-07-01', '07:00', '19:00', 'edClinical'), shift('2026-07-02', '07:00', '15:00', 'edClinical')]), 'EM-REST');
    expect(r.verdict).toBe('compliant');
    expect(r.values).toEqual({ restHours: 12, shiftHours: 12 });
  });

  it('10 h off after a 12 h shift is a violation', () => {
    const r = only(em([shift('2026-07-01', '07:00', '19:00', 'edClinical'), shift('2026-07-02', '05:00', '13:00')]), 'EM-REST');
    expect(r.verdict).toBe('violation');
    expect(r.values).toEqual({ restHours: 10, shiftHours: 12 });
  });

  it('rest is measured from the end of the work period containing the shift (a handoff is not time off)', () => {
    const r = only(
      em([
        shift('2026-07-01', '07:00', '17:00', 'edClinical'),
        shift('2026-07-01', '17:00', '19:00', 'transition'),
        shift('2026-07-02', '04:00', '10:00'),
      ]),
      'EM-REST',
    );
    // 10 h shift; off from 19:00 to 04:00 = 9 h < 10.
    expect(r.verdict).toBe('violation');
    expect(r.values).toEqual({ restHours: 9, shiftHours: 10 });
  });
});

describe('EM-60H and EM-72H: weekly ED hours and total hours, not averaged', () => {
  // Week 1 (07-01..07-07): five 12 h ED shifts = 60 h, plus 12 h of conference = 72 h total.
  const week1 = [...shiftsOn('2026-07-01', [0, 1, 2, 3, 4], '07:00', '19:00', 'edClinical'), shift('2026-07-06', '07:00', '19:00', 'education')];
  // Week 2 (07-08..07-14): six 11 h ED shifts = 66 h, plus 8 h education = 74 h.
  const week2 = [...shiftsOn('2026-07-08', range(0, 6), '08:00', '19:00', 'edClinical'), shift('2026-07-14', '08:00', '16:00', 'education')];

  it('exactly 60 ED hours and 72 total hours are compliant; 66 and 74 are violations', () => {
    const r = em([...week1, ...week2]);
    expect(rows(r, 'EM-60H').map((x) => [x.verdict, x.values.edHours])).toEqual([
      ['compliant', 60],
      ['violation', 66],
    ]);
    expect(rows(r, 'EM-72H').map((x) => [x.verdict, x.values.totalHours])).toEqual([
      ['compliant', 72],
      ['violation', 74],
    ]);
    expect(rows(r, 'EM-60H')[1]?.explanation).toBe('week 2026-07-08..2026-07-14: 66.0 h of ED shifts > 60');
  });
});

describe('EM-1IN7: one free 24 h period in every 7-day week, not averaged', () => {
  it('a week with a free 24 h period complies, the next week without one does not, even though the two average out', () => {
    // Week 1: shifts on days 0-3 only (days 4-6 free: 3 whole free periods). Week 2: a shift every day.
    const intervals = [
      ...shiftsOn('2026-07-01', [0, 1, 2, 3], '07:00', '19:00', 'edClinical'),
      ...shiftsOn('2026-07-08', range(0, 7), '07:00', '15:00', 'edClinical'),
    ];
    const r = rows(em(intervals), 'EM-1IN7');
    expect(r.map((x) => [x.verdict, x.values.free24hPeriods])).toEqual([
      ['compliant', 3],
      ['violation', 0],
    ]);
  });

  it('a trailing partial week without a free 24 h period is an advisory, not a verdict', () => {
    const period = { start: '2026-07-01', end: '2026-07-10' };
    const intervals = shiftsOn('2026-07-01', range(0, 10), '07:00', '17:00', 'edClinical');
    const r = rows(em(intervals, period), 'EM-1IN7');
    expect(r.map((x) => [x.period[1], x.verdict])).toEqual([
      ['2026-07-07', 'violation'],
      ['2026-07-10', 'advisory'],
    ]);
  });

  it('leave counts as free time for the weekly (non-averaged) rule', () => {
    const absences = [{ personId: 'R1', type: 'vacation', startDate: '2026-07-08', endDate: '2026-07-14' }];
    const r = check({ period: TWO_WEEKS, people: [EM], absences, intervals: [] });
    expect(rows(r, 'EM-1IN7').map((x) => x.verdict)).toEqual(['compliant', 'compliant']);
  });
});
