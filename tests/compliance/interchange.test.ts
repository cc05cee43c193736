import { describe, expect, it } from 'vitest';
import { complianceOutputSchema, fieldPath, parseComplianceInput } from '../../shared/compliance/interchange';
import { checkProgram } from '../../shared/compliance/session';
import { parseIsoDate } from '../../shared/compliance/time/civil';

const valid = () => ({
  timeZone: 'America/New_York',
  period: { start: '2026-07-01', end: '2026-07-28' },
  people: [{ id: 'R1', role: 'resident', pgy: 2 }],
  absences: [{ personId: 'R1', type: 'vacation', startDate: '2026-07-13', endDate: '2026-07-19', excludeFromAveraging: true }],
  intervals: [{ personId: 'R1', kind: 'clinical', start: '2026-07-01T06:00:00-04:00', end: '2026-07-01T22:00:00-04:00' }],
});

function errorsOf(input: unknown): string[] {
  const r = parseComplianceInput(input);
  if (r.ok) throw new Error('expected the input to be rejected');
  return r.errors;
}

describe('interchange input: malformed input is rejected with the field path', () => {
  it.each([
    ['an interval start without an offset', (i: ReturnType<typeof valid>) => void ((i.intervals[0] as { start: string }).start = '2026-07-01T06:00:00'), 'intervals[0].start: expected an ISO-8601 date-time with an offset or Z'],
    ['an unknown interval kind', (i: ReturnType<typeof valid>) => void ((i.intervals[0] as { kind: string }).kind = 'nap'), 'intervals[0].kind: Invalid option'],
    ['an interval ending before it starts', (i: ReturnType<typeof valid>) => void ((i.intervals[0] as { end: string }).end = '2026-07-01T05:00:00-04:00'), 'intervals[0].end: must be after start'],
    ['an interval for an unknown person', (i: ReturnType<typeof valid>) => void ((i.intervals[0] as { personId: string }).personId = 'R9'), 'intervals[0].personId: unknown person "R9"'],
    ['a missing period end', (i: ReturnType<typeof valid>) => void delete (i.period as { end?: string }).end, 'period.end: is required'],
    ['a period ending before it starts', (i: ReturnType<typeof valid>) => void (i.period.end = '2026-06-01'), 'period.end: must not be before period.start'],
    ['an impossible date', (i: ReturnType<typeof valid>) => void (i.period.start = '2026-02-30'), 'period.start: expected a calendar date YYYY-MM-DD'],
    ['an unknown time zone', (i: ReturnType<typeof valid>) => void (i.timeZone = 'Eastern'), 'timeZone: expected an IANA time zone'],
    ['an exception above 88 h', (i: ReturnType<typeof valid>) => void ((i.people[0] as Record<string, unknown>).approvedWeeklyLimitHours = 90), 'people[0].approvedWeeklyLimitHours: must be between 80 and 88'],
    ['a resident without a PGY level', (i: ReturnType<typeof valid>) => void delete (i.people[0] as { pgy?: number }).pgy, 'people[0].pgy: required for role "resident"'],
    ['a duplicate person', (i: ReturnType<typeof valid>) => void i.people.push({ id: 'R1', role: 'resident', pgy: 1 }), 'people[1].id: duplicate person id "R1"'],
    ['an absence ending before it starts', (i: ReturnType<typeof valid>) => void ((i.absences[0] as { endDate: string }).endDate = '2026-07-01'), 'absences[0].endDate: must not be before startDate'],
    ['an interval with seconds', (i: ReturnType<typeof valid>) => void ((i.intervals[0] as { end: string }).end = '2026-07-01T22:00:30-04:00'), 'intervals[0].end: must fall on a whole minute'],
  ])('%s', (_label, mutate, message) => {
    const input = valid();
    mutate(input);
    expect(errorsOf(input).some((e) => e.startsWith(message))).toBe(true);
  });

  it('rejects a non-object with a root path', () => {
    expect(errorsOf(null)[0]).toMatch(/^\(root\): /);
  });

  it('builds field paths like intervals[3].start', () => {
    expect(fieldPath(['intervals', 3, 'start'])).toBe('intervals[3].start');
    expect(fieldPath([])).toBe('(root)');
  });
});

describe('interchange input: accepted shapes', () => {
  it('ignores unknown fields everywhere', () => {
    const input = { ...valid(), exportedAt: 'x', people: [{ id: 'R1', role: 'resident', pgy: 2, colour: 'red' }] };
    expect(parseComplianceInput(input).ok).toBe(true);
  });

  it('treats optional fields given as null as absent, and absences/intervals as possibly empty', () => {
    const r = parseComplianceInput({
      ...valid(),
      people: [{ id: 'R1', role: 'resident', pgy: 2, rotation: null, specialty: null, approvedWeeklyLimitHours: null }],
      absences: null,
      intervals: [],
    });
    expect(r.ok).toBe(true);
  });

  it('converts the period and people into one assignment per person, absences into leave', () => {
    const r = parseComplianceInput({ ...valid(), people: [{ id: 'R1', role: 'resident', pgy: 2, rotation: 'NSGY-ICU', approvedWeeklyLimitHours: 88 }] });
    if (!r.ok) throw new Error(r.errors.join());
    const person = r.program.people[0];
    expect(person?.assignments).toEqual([
      { startDay: parseIsoDate('2026-07-01'), endDay: parseIsoDate('2026-07-28'), rotation: 'NSGY-ICU', approvedWeeklyLimitHours: 88 },
    ]);
    expect(person?.absences[0]?.excludeFromAveraging).toBe(true);
    // 06:00-04:00 is 10:00Z; 22:00-04:00 is 02:00Z the next day (Date.UTC as an independent oracle).
    expect(person?.intervals[0]).toEqual({
      kind: 'clinical',
      start: Date.UTC(2026, 6, 1, 10) / 60_000,
      end: Date.UTC(2026, 6, 2, 2) / 60_000,
    });
  });
});

describe('interchange output', () => {
  it('every result carries both citations, severity, rule set, period, values and an explanation', () => {
    const r = parseComplianceInput(valid());
    if (!r.ok) throw new Error(r.errors.join());
    const { results, notEvaluated } = checkProgram(r.program);
    const output = complianceOutputSchema.parse({ results, notEvaluated });
    expect(output.results).toHaveLength(9);
    for (const row of output.results) {
      expect(row.citations.cpr2023.length).toBeGreaterThan(0);
      expect(row.citations.cpr2025.length).toBeGreaterThan(0);
      expect(row.explanation.length).toBeGreaterThan(0);
    }
  });

  it('uses CPR-2023 for periods before the 2025-07-01 renumbering, with both citations still present', () => {
    const input = { ...valid(), period: { start: '2025-06-01', end: '2025-06-28' }, absences: [], intervals: [] };
    const r = parseComplianceInput(input);
    if (!r.ok) throw new Error(r.errors.join());
    const row = checkProgram(r.program).results[0];
    expect(row?.ruleSet).toBe('CPR-2023');
    expect(row?.citations).toEqual({ cpr2023: 'VI.F.1', cpr2025: '6.20' });
  });
});
