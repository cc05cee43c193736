import { formatIsoDate, parseIsoDate } from '../../shared/compliance/time/civil';
import { parseComplianceInput } from '../../shared/compliance/interchange';
import { checkProgram } from '../../shared/compliance/session';
import type { IntervalKind, RuleId, RuleResult } from '../../shared/compliance/model';

/**
 * Builders for hand-computed cases. Times are written as local wall-clock times with an explicit
 * offset (July in New York is -04:00), exactly as the interchange format carries them.
 */

export interface IntervalJson {
  personId: string;
  kind: IntervalKind;
  start: string;
  end: string;
}

export function addDays(date: string, days: number): string {
  const d = parseIsoDate(date);
  if (d === undefined) throw new Error(`bad date ${date}`);
  return formatIsoDate(d + days);
}

/** One interval on `date` from `from` to `to` (HH:MM); a `to` at or before `from` ends the next day. */
export function shift(
  date: string,
  from: string,
  to: string,
  kind: IntervalKind = 'clinical',
  offset = '-04:00',
  personId = 'R1',
  endOffset = offset,
): IntervalJson {
  const endDate = to <= from ? addDays(date, 1) : date;
  return { personId, kind, start: `${date}T${from}:00${offset}`, end: `${endDate}T${to}:00${endOffset}` };
}

/** The same shift on each of the given day numbers counted from `firstDate` (0 = firstDate). */
export function shiftsOn(
  firstDate: string,
  days: readonly number[],
  from: string,
  to: string,
  kind: IntervalKind = 'clinical',
  personId = 'R1',
): IntervalJson[] {
  return days.map((d) => shift(addDays(firstDate, d), from, to, kind, '-04:00', personId));
}

export function range(from: number, toExclusive: number): number[] {
  const out: number[] = [];
  for (let i = from; i < toExclusive; i++) out.push(i);
  return out;
}

export interface CaseInput {
  period?: { start: string; end: string };
  timeZone?: string;
  people?: Array<Record<string, unknown>>;
  absences?: Array<Record<string, unknown>>;
  intervals: IntervalJson[];
  workPeriodGapMinutes?: number;
}

export const JULY = { start: '2026-07-01', end: '2026-07-28' };

export function resident(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'R1', role: 'resident', pgy: 2, specialty: 'internal-medicine', ...overrides };
}

/** Runs a case through the interchange parser and the engine, like `rsched check` does. */
export function check(input: CaseInput): RuleResult[] {
  const parsed = parseComplianceInput({
    timeZone: input.timeZone ?? 'America/New_York',
    period: input.period ?? JULY,
    people: input.people ?? [resident()],
    absences: input.absences ?? [],
    intervals: input.intervals,
    ...(input.workPeriodGapMinutes !== undefined ? { workPeriodGapMinutes: input.workPeriodGapMinutes } : {}),
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return checkProgram(parsed.program).results;
}

/** The single result row for a rule (and person); fails loudly when there is not exactly one. */
export function only(results: readonly RuleResult[], ruleId: RuleId, personId = 'R1'): RuleResult {
  const rows = results.filter((r) => r.ruleId === ruleId && r.personId === personId);
  if (rows.length !== 1) throw new Error(`expected one ${ruleId} row for ${personId}, got ${rows.length}`);
  return rows[0] as RuleResult;
}

export function rows(results: readonly RuleResult[], ruleId: RuleId, personId = 'R1'): RuleResult[] {
  return results.filter((r) => r.ruleId === ruleId && r.personId === personId);
}
