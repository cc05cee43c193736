import { describe, expect, it } from 'vitest';
import { check, JULY, only, shift, shiftsOn } from './helpers';

/** A 24-hour in-house call from 07:00 on 2026-07-02 to 07:00 on 2026-07-03. */
const CALL_24 = shift('2026-07-02', '07:00', '07:00', 'inHouseCall');

describe('CPR-24H and CPR-24P4: 24 hours continuous, plus up to 4 for transitions and education', () => {
  it('24 h of call plus a 4 h handoff: 24.0 h <= 24 and 28.0 h <= 28', () => {
    const r = check({ intervals: [CALL_24, shift('2026-07-03', '07:00', '11:00', 'transition')] });
    const h24 = only(r, 'CPR-24H');
    expect(h24.verdict).toBe('compliant');
    expect(h24.values).toEqual({ maxContinuousHours: 24 });
    expect(h24.citations).toEqual({ cpr2023: 'VI.F.3.a)', cpr2025: '6.22' });
    const p4 = only(r, 'CPR-24P4');
    expect(p4.verdict).toBe('compliant');
    expect(p4.values).toEqual({ spanHours: 28 });
    expect(p4.explanation).toBe('longest work period 28.0 h <= 28; time after hour 24 is transitions of care or education only');
  });

  it('education also belongs to the 4 extra hours', () => {
    const r = check({
      intervals: [CALL_24, shift('2026-07-03', '07:00', '09:00', 'transition'), shift('2026-07-03', '09:00', '11:00', 'education')],
    });
    expect(only(r, 'CPR-24H').verdict).toBe('compliant');
    expect(only(r, 'CPR-24P4').verdict).toBe('compliant');
  });

  it('a handoff running to 28.5 h breaks 24+4 but not the 24 h core', () => {
    const r = check({ intervals: [CALL_24, shift('2026-07-03', '07:00', '11:30', 'transition')] });
    expect(only(r, 'CPR-24H').verdict).toBe('compliant');
    const p4 = only(r, 'CPR-24P4');
    expect(p4.verdict).toBe('violation');
    expect(p4.values.spanHours).toBe(28.5);
    expect(p4.explanation).toBe('work period from 2026-07-02 07:00 lasts 28.5 h > 28');
  });

  it('new patient care in hour 27 breaks both: core 27.0 h > 24', () => {
    const r = check({
      intervals: [CALL_24, shift('2026-07-03', '07:00', '09:00', 'transition'), shift('2026-07-03', '09:00', '10:00', 'clinical')],
    });
    const h24 = only(r, 'CPR-24H');
    expect(h24.verdict).toBe('violation');
    expect(h24.explanation).toBe('longest continuous clinical assignment 27.0 h > 24 (from 2026-07-02 07:00 to 2026-07-03 10:00)');
    const p4 = only(r, 'CPR-24P4');
    expect(p4.verdict).toBe('violation');
    expect(p4.values.spanHours).toBe(27);
    expect(p4.explanation).toMatch(/patient care continues to hour 27\.0 > 24/);
  });

  it('back-to-back intervals chain into one work period when the gap is <= G', () => {
    const day = shift('2026-07-02', '07:00', '19:00');
    const night = shift('2026-07-02', '19:30', '07:00', 'inHouseCall');
    // G = 0: two work periods (12 h and 11.5 h) with 0.5 h between them.
    const g0 = check({ intervals: [day, night] });
    expect(only(g0, 'CPR-24H').values.maxContinuousHours).toBe(12);
    expect(only(g0, 'CPR-8H').values.minRestHours).toBe(0.5);
    // G = 30 min: one 24 h work period.
    const g30 = check({ intervals: [day, night], workPeriodGapMinutes: 30 });
    expect(only(g30, 'CPR-24H').values.maxContinuousHours).toBe(24);
    expect(only(g30, 'CPR-8H').values.minRestHours).toBeNull();
  });
});

describe('CPR-14H: 14 hours free after 24 hours of in-house call', () => {
  const handoff = shift('2026-07-03', '07:00', '11:00', 'transition');

  it('next shift exactly 14 h after the handoff ends is compliant', () => {
    const r = only(check({ intervals: [CALL_24, handoff, shift('2026-07-04', '01:00', '09:00')] }), 'CPR-14H');
    expect(r.verdict).toBe('compliant');
    expect(r.values).toEqual({ restAfterHours: 14 });
    expect(r.explanation).toBe('14.0 h free after 24-hour in-house call ending 2026-07-03 11:00 >= 14');
  });

  it('next shift 13 h after is a violation', () => {
    const r = only(check({ intervals: [CALL_24, handoff, shift('2026-07-04', '00:00', '08:00')] }), 'CPR-14H');
    expect(r.verdict).toBe('violation');
    expect(r.values).toEqual({ restAfterHours: 13 });
    expect(r.citations).toEqual({ cpr2023: 'VI.F.2.b)', cpr2025: '6.21.a' });
  });

  it('applies only after 24 h that include in-house call', () => {
    const clinical24 = shift('2026-07-02', '07:00', '07:00', 'clinical');
    const r = only(check({ intervals: [clinical24, shift('2026-07-03', '12:00', '20:00')] }), 'CPR-14H');
    expect(r.verdict).toBe('compliant');
    expect(r.values.restAfterHours).toBeNull();
    expect(r.explanation).toBe('no 24-hour in-house call in this period');
  });

  it('a day shift chained into overnight call counts as 24 h of call', () => {
    const intervals = [
      shift('2026-07-02', '07:00', '17:00'),
      shift('2026-07-02', '17:00', '07:00', 'inHouseCall'),
      shift('2026-07-03', '17:00', '23:00'),
    ];
    const r = only(check({ intervals }), 'CPR-14H');
    expect(r.verdict).toBe('violation');
    expect(r.values.restAfterHours).toBe(10);
  });
});

describe('CPR-8H: 8 hours off between work periods is a "should": advisory, never a violation', () => {
  it('6 h between shifts is an advisory', () => {
    const r = only(check({ intervals: [shift('2026-07-01', '06:00', '22:00'), shift('2026-07-02', '04:00', '12:00')] }), 'CPR-8H');
    expect(r.verdict).toBe('advisory');
    expect(r.severity).toBe('detail');
    expect(r.values).toEqual({ minRestHours: 6 });
    expect(r.explanation).toBe(
      'shortest rest 6.0 h < 8, before work starting 2026-07-02 04:00 (advisory: a "should" requirement)',
    );
  });

  it('exactly 8 h is compliant', () => {
    const r = only(check({ intervals: [shift('2026-07-01', '06:00', '22:00'), shift('2026-07-02', '06:00', '12:00')] }), 'CPR-8H');
    expect(r.verdict).toBe('compliant');
    expect(r.values.minRestHours).toBe(8);
  });

  it('no result of any rule is a violation for short rest alone', () => {
    const r = check({ intervals: [shift('2026-07-01', '06:00', '22:00'), shift('2026-07-02', '01:00', '05:00')] });
    expect(r.filter((x) => x.verdict === 'violation')).toEqual([]);
  });
});

describe('CPR-Q3: in-house call no more often than every third night, averaged', () => {
  /** Overnight in-house call 17:00-07:00 on the given day numbers of July. */
  const calls = (days: number[]) => shiftsOn(JULY.start, days, '17:00', '07:00', 'inHouseCall');

  it('q3 over 28 days: 9 calls x 3 = 27 <= 28', () => {
    const r = only(check({ intervals: calls([0, 3, 6, 9, 12, 15, 18, 21, 24]) }), 'CPR-Q3');
    expect(r.verdict).toBe('compliant');
    expect(r.values).toEqual({ inHouseCalls: 9, eligibleDays: 28, maxCalls: 9 });
  });

  it('10 calls x 3 = 30 > 28 is a violation', () => {
    const r = only(check({ intervals: calls([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]) }), 'CPR-Q3');
    expect(r.verdict).toBe('violation');
    expect(r.explanation).toBe('10 in-house calls x 3 = 30 > 28 eligible days (at most 9)');
  });

  it('averaging with a week of leave: 21 eligible days allow 7 calls; calls on leave days do not count', () => {
    const absences = [{ personId: 'R1', type: 'vacation', startDate: '2026-07-13', endDate: '2026-07-19' }];
    const seven = calls([0, 3, 6, 9, 20, 23, 26]);
    const ok = only(check({ intervals: seven, absences }), 'CPR-Q3');
    expect(ok.verdict).toBe('compliant');
    expect(ok.values).toEqual({ inHouseCalls: 7, eligibleDays: 21, maxCalls: 7 });
    // A call starting on a vacation day (07-15 = day 14) leaves the count unchanged.
    expect(only(check({ intervals: [...seven, ...calls([14])], absences }), 'CPR-Q3').values.inHouseCalls).toBe(7);
    // One more eligible call: 8 x 3 = 24 > 21.
    const eight = only(check({ intervals: [...seven, ...calls([1])], absences }), 'CPR-Q3');
    expect(eight.verdict).toBe('violation');
    expect(eight.explanation).toBe('8 in-house calls x 3 = 24 > 21 eligible days (at most 7) (7 leave days of 28 excluded)');
  });

  it('counts calls by local start date: a call starting the evening before the block belongs to the previous block', () => {
    const r = only(check({ intervals: [shift('2026-06-30', '17:00', '07:00', 'inHouseCall')] }), 'CPR-Q3');
    expect(r.values.inHouseCalls).toBe(0);
  });

  it('night float and at-home call are not in-house call', () => {
    const intervals = [
      ...shiftsOn(JULY.start, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], '19:00', '07:00', 'nightFloat'),
      ...shiftsOn(JULY.start, [14, 15, 16, 17, 18, 19, 20, 21, 22, 23], '17:00', '07:00', 'homeCall'),
    ];
    expect(only(check({ intervals }), 'CPR-Q3').values.inHouseCalls).toBe(0);
  });
});
