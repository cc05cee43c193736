import { describe, expect, it } from 'vitest';
import { ComplianceSession } from '../../shared/compliance/session';
import { averagingWindows } from '../../shared/compliance/periods';
import { calendarFor } from '../../shared/compliance/time/calendar';
import { parseIsoDate } from '../../shared/compliance/time/civil';
import type { ComplianceProgram, IntervalKind, PersonSchedule, WorkInterval } from '../../shared/compliance/model';
import { generateProgram, prng } from '../../bench/compliance';
import { check, rows, shiftsOn, range } from './helpers';

const NY = 'America/New_York';
const cal = calendarFor(NY);
const D0 = parseIsoDate('2026-07-01') as number;
/** Interval on day `d` after 2026-07-01 from minute `from` to minute `to` after local midnight. */
const iv = (kind: IntervalKind, d: number, from: number, to: number): WorkInterval => ({
  kind,
  start: cal.dayStart(D0 + d) + from,
  end: cal.dayStart(D0 + d) + to,
});

/** One resident, three 28-day blocks, a 08:00-17:00 shift every day. */
function threeBlocks(): ComplianceProgram {
  const person: PersonSchedule = {
    profile: { id: 'R1', role: 'resident', pgy: 2 },
    assignments: [0, 1, 2].map((b) => ({ startDay: D0 + 28 * b, endDay: D0 + 28 * b + 27 })),
    absences: [],
    intervals: range(0, 84).map((d) => iv('clinical', d, 8 * 60, 17 * 60)),
  };
  return { timeZone: NY, workPeriodGapMinutes: 0, people: [person] };
}

describe('averaging periods follow the rotation, never a rolling window', () => {
  it('a rotation of up to 31 days is one period; longer ones are cut into 28-day periods', () => {
    expect(averagingWindows(0, 27)).toEqual([[0, 27]]);
    expect(averagingWindows(0, 30)).toEqual([[0, 30]]);
    expect(averagingWindows(0, 55)).toEqual([[0, 27], [28, 55]]);
    // 59 days: 28 + 31 (a month-long remainder stays whole).
    expect(averagingWindows(0, 58)).toEqual([[0, 27], [28, 58]]);
    // 60 days: 28 + 28 + 4 (the remainder is too long to join the last period).
    expect(averagingWindows(0, 59)).toEqual([[0, 27], [28, 55], [56, 59]]);
  });

  it('a 56-day file gives two CPR-80H rows', () => {
    const r = check({ period: { start: '2026-07-01', end: '2026-08-25' }, intervals: shiftsOn('2026-07-01', [0], '08:00', '17:00') });
    expect(rows(r, 'CPR-80H').map((x) => x.period)).toEqual([
      ['2026-07-01', '2026-07-28'],
      ['2026-07-29', '2026-08-25'],
    ]);
  });
});

describe('ComplianceSession: one edit re-checks one person and only the periods it can reach', () => {
  it('an edit in the middle of block 2 re-checks block 2 only', () => {
    const program = threeBlocks();
    const session = new ComplianceSession(program);
    const before = session.results();
    const intervals = (program.people[0] as PersonSchedule).intervals.slice();
    // Day 40 (2026-08-10): 08:00-17:00 becomes 08:00-23:00.
    intervals[40] = iv('clinical', 40, 8 * 60, 23 * 60);
    const outcome = session.applyEdit('R1', intervals);
    expect(outcome.recheckedPeriods).toEqual([['2026-07-29', '2026-08-25']]);
    expect(outcome.changed).toHaveLength(9);
    // Blocks 1 and 3 keep the very same result objects; block 2 moved by 6 hours.
    const after = session.results();
    expect(after.slice(0, 9)).toEqual(before.slice(0, 9));
    expect(after.slice(18)).toEqual(before.slice(18));
    expect(after[9]?.values.countedHours).toBe((before[9]?.values.countedHours as number) + 6);
  });

  it("an edit on a block's first day also re-checks the previous block, whose last rest changed", () => {
    const program = threeBlocks();
    const session = new ComplianceSession(program);
    const intervals = (program.people[0] as PersonSchedule).intervals.slice();
    // Day 28 (first day of block 2) now starts at 01:00: rest after day 27 drops to 8 h.
    intervals[28] = iv('clinical', 28, 60, 17 * 60);
    const outcome = session.applyEdit('R1', intervals);
    expect(outcome.recheckedPeriods).toEqual([
      ['2026-07-01', '2026-07-28'],
      ['2026-07-29', '2026-08-25'],
    ]);
    const rest = outcome.results.filter((r) => r.ruleId === 'CPR-8H').map((r) => r.values.minRestHours);
    expect(rest).toEqual([8, 15, 15]);
  });

  it('an interval extended to the block boundary that joins the next work period re-checks the next block', () => {
    const program = threeBlocks();
    const base = (program.people[0] as PersonSchedule).intervals.slice();
    base[28] = iv('clinical', 28, 0, 17 * 60);
    const session = new ComplianceSession({ ...program, people: [{ ...(program.people[0] as PersonSchedule), intervals: base }] });
    const max24 = (): unknown[] => session.resultsFor('R1').filter((r) => r.ruleId === 'CPR-24H').map((r) => r.values.maxContinuousHours);
    expect(max24()).toEqual([9, 17, 9]);
    const edited = base.slice();
    // Day 27 now runs 08:00-24:00, touching day 28's 00:00 start: one 33 h work period starting in block 1.
    edited[27] = iv('clinical', 27, 8 * 60, 24 * 60);
    const outcome = session.applyEdit('R1', edited);
    expect(outcome.recheckedPeriods).toEqual([
      ['2026-07-01', '2026-07-28'],
      ['2026-07-29', '2026-08-25'],
    ]);
    expect(max24()).toEqual([33, 9, 9]);
  });

  it('an unchanged interval list re-checks nothing', () => {
    const program = threeBlocks();
    const session = new ComplianceSession(program);
    const outcome = session.applyEdit('R1', [...(program.people[0] as PersonSchedule).intervals].reverse());
    expect(outcome.recheckedPeriods).toEqual([]);
  });

  it('replacing absences re-checks every period of that person', () => {
    const program = threeBlocks();
    const session = new ComplianceSession(program);
    const outcome = session.replaceAbsences('R1', [
      { type: 'vacation', startDay: D0 + 35, endDay: D0 + 41, excludeFromAveraging: true },
    ]);
    expect(outcome.recheckedPeriods).toHaveLength(3);
    expect(outcome.results.filter((r) => r.ruleId === 'CPR-80H').map((r) => r.values.eligibleDays)).toEqual([28, 21, 28]);
  });

  it.each([0, 45])('after each of many random edits (G = %i) the session equals a fresh full check', (gap) => {
    const program = { ...generateProgram({ residents: 3, seed: 99 }), workPeriodGapMinutes: gap };
    const session = new ComplianceSession(program);
    const current = new Map(program.people.map((p) => [p.profile.id, p.intervals.slice()]));
    const random = prng(1234 + gap);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const kinds: IntervalKind[] = ['clinical', 'inHouseCall', 'transition', 'homeCall', 'edClinical', 'moonlightInternal'];
    const boundaries = (program.people[0] as PersonSchedule).assignments.map((a) => cal.dayStart(a.startDay));
    for (let step = 0; step < 150; step++) {
      const person = pick(program.people);
      const list = (current.get(person.profile.id) as WorkInterval[]).sort((a, b) => a.start - b.start);
      // Half the edits land within a day of a block boundary, where reach mistakes would show.
      let k = Math.floor(random() * list.length);
      if (random() < 0.5) {
        const edge = pick(boundaries) + Math.floor((random() - 0.5) * 2 * 1440);
        k = Math.max(0, list.findIndex((x) => x.end > edge));
      }
      const target = list[k] as WorkInterval;
      const next = list[k + 1];
      const op = Math.floor(random() * 6);
      if (op === 0) list[k] = { ...target, end: target.end + 30 + Math.floor(random() * 600) };
      else if (op === 1) list[k] = { ...target, start: Math.min(target.end - 1, target.start + Math.floor(random() * 300)) };
      else if (op === 2) list.splice(k, 1);
      else if (op === 3) list.push({ kind: pick(kinds), start: target.end + 20, end: target.end + 20 + 60 * (1 + Math.floor(random() * 14)) });
      else if (op === 4 && next) {
        // Ends within G of the next interval, so it may chain into (or split from) the next work period.
        const end = next.start - Math.floor(random() * (gap + 1));
        if (end > target.end) list.push({ kind: pick(kinds), start: Math.max(target.end, end - 240), end });
      } else list[k] = { ...target, kind: pick(kinds) };
      session.applyEdit(person.profile.id, list.slice());
      const fresh = new ComplianceSession({
        ...program,
        people: program.people.map((p) => ({ ...p, intervals: (current.get(p.profile.id) as WorkInterval[]).slice() })),
      });
      expect(session.results()).toEqual(fresh.results());
    }
  });
});

describe('rolling 28-day view: an early warning, never a verdict', () => {
  // Block 1: days 0-13 free, days 14-27 at 16 h. Block 2: days 28-41 at 16 h, then free.
  // Each block: 14 x 16 = 224 h -> 224 x 7 / 28 = 56 <= 80 (compliant by rotation).
  // Rolling window days 14-41: 448 h -> 112 h/week.
  const program: ComplianceProgram = {
    timeZone: NY,
    workPeriodGapMinutes: 0,
    people: [
      {
        profile: { id: 'R1', role: 'resident', pgy: 2 },
        assignments: [
          { startDay: D0, endDay: D0 + 27 },
          { startDay: D0 + 28, endDay: D0 + 55 },
        ],
        absences: [],
        intervals: range(14, 42).map((d) => iv('clinical', d, 6 * 60, 22 * 60)),
      },
    ],
  };

  it('both rotations comply with 80 h, yet the rolling window straddling them warns', () => {
    const session = new ComplianceSession(program);
    expect(session.results().filter((r) => r.ruleId === 'CPR-80H').map((r) => [r.verdict, r.values.weeklyAverage])).toEqual([
      ['compliant', 56],
      ['compliant', 56],
    ]);
    const warnings = session.earlyWarnings('R1', D0 + 27, D0 + 55);
    const worst = warnings.find((w) => w.window[0] === '2026-07-15');
    expect(worst).toMatchObject({
      kind: 'early-warning',
      window: ['2026-07-15', '2026-08-11'],
      countedHours: 448,
      eligibleDays: 28,
      weeklyAverage: 112,
      level: 'over',
    });
    expect(worst?.message).toBe(
      'Early warning, not a compliance verdict (rolling 28 days 2026-07-15..2026-08-11): 448.0 h x 7 / 28 = 112.00 > 80',
    );
    for (const w of warnings) expect(w).not.toHaveProperty('verdict');
  });

  it('warns "near" from 90% of the limit and stays silent below it', () => {
    const session = new ComplianceSession(program);
    const levels = session.earlyWarnings('R1', D0 + 27, D0 + 55).map((w) => [w.window[1], w.level]);
    // Window ending day 27 (07-28): 224 h -> 56 (silent). Ending day 33: 20 days x 16 = 320 h -> 80.00 (near, not over).
    expect(levels.find(([end]) => end === '2026-07-28')).toBeUndefined();
    expect(levels.find(([end]) => end === '2026-08-03')).toEqual(['2026-08-03', 'near']);
    expect(levels.find(([end]) => end === '2026-08-04')).toEqual(['2026-08-04', 'over']);
  });
});
