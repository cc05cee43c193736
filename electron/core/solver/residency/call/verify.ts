import type { ComplianceProgram, PersonSchedule, WorkInterval } from '../../../../../shared/compliance/model';
import { ComplianceSession } from '../../../../../shared/compliance/session';
import { parseIsoDate } from '../../../../../shared/compliance/time/civil';
import { formatUtcInstant, parseIsoInstant } from '../../../../../shared/compliance/time/instant';
import { addDays } from '../../../../../shared/domain/common';
import { checkProgramRules } from '../../../../../shared/domain/program-rules';
import type { ShiftAssignment } from '../../../../../shared/domain/schedule';
import type { UnmetRule } from '../unmet';
import { fromProgramFinding } from '../unmet';
import { isInScope, type CallSolveInput, type CompiledCall } from './problem';

export interface ProposedShift {
  personId: string;
  date: string;
  shiftTypeId: string;
  startsAt: string;
  endsAt: string;
}

export interface FairnessRow {
  personId: string;
  calls: number;
  weekends: number;
  holidays: number;
  carriedCalls: number;
  carriedWeekends: number;
  carriedHolidays: number;
  /** This period's fair share of calls given who could take each slot. */
  fairShare: number;
  /** (carried + now) - (fair share + mean carried), per count. */
  deviation: number;
  weekendDeviation: number;
  holidayDeviation: number;
}

function day(date: string): number {
  const d = parseIsoDate(date);
  if (d === undefined) throw new Error('not a date');
  return d;
}

function minutes(text: string): number {
  const r = parseIsoInstant(text);
  if (!r.ok) throw new Error('not an instant');
  return r.minutes;
}

export function proposedShifts(m: CompiledCall, values: Int32Array): ProposedShift[] {
  const out: ProposedShift[] = [];
  for (let p = 0; p < m.P; p++) {
    for (let d = 0; d < m.D; d++) {
      const v = values[p * m.D + d]!;
      if (v === 0) continue;
      const idx = d * m.T + v - 1;
      out.push({ personId: m.personIds[p]!, date: m.dates[d]!, shiftTypeId: m.shiftTypeIds[v - 1]!, startsAt: formatUtcInstant(m.start[idx]!), endsAt: formatUtcInstant(m.end[idx]!) });
    }
  }
  return out;
}

/**
 * The compliance engine's input for the people in the model, built as the core's compliance adapter
 * builds it from the vault, with the decided cells replaced by the proposal.
 */
export function complianceProgramOf(input: CallSolveInput, m: CompiledCall, proposal: readonly ProposedShift[]): ComplianceProgram {
  const inModel = new Set(m.personIds);
  const blocks = new Map(input.blocks.map((b) => [b.id, b]));
  const rotations = new Map(input.rotations.map((r) => [r.id, r]));
  const kinds = new Map(input.shiftTypes.map((t) => [t.id, t.kind]));
  const people: PersonSchedule[] = [];
  for (const person of input.people) {
    if (!inModel.has(person.id) || (person.kind !== 'resident' && person.kind !== 'fellow')) continue;
    const assignments = input.blockAssignments
      .filter((a) => a.personId === person.id && blocks.has(a.blockId) && rotations.has(a.rotationId))
      .map((a) => {
        const block = blocks.get(a.blockId)!;
        const rotation = rotations.get(a.rotationId)!;
        return {
          startDay: day(block.startDate),
          endDay: day(block.endDate),
          rotation: rotation.shortName,
          ...(rotation.hoursException ? { approvedWeeklyLimitHours: rotation.hoursException.limitHours } : {}),
          rulePacks: rotation.rulePacks,
        };
      })
      .sort((a, b) => a.startDay - b.startDay);
    const toInterval = (s: { shiftTypeId: string; startsAt: string; endsAt: string }): WorkInterval | null => {
      const kind = kinds.get(s.shiftTypeId);
      return kind ? { kind, start: minutes(s.startsAt), end: minutes(s.endsAt) } : null;
    };
    const intervals = [
      ...input.shifts.filter((s) => s.personId === person.id && !isInScope(input, s)).map(toInterval),
      ...proposal.filter((s) => s.personId === person.id).map(toInterval),
    ].filter((x): x is WorkInterval => x !== null);
    people.push({
      profile: { id: person.id, role: person.kind, ...(person.pgy !== null ? { pgy: person.pgy } : {}), specialty: person.specialty },
      assignments,
      absences: input.absences
        .filter((a) => a.personId === person.id && a.status === 'approved')
        .map((a) => ({ type: a.type, startDay: day(a.startDate), endDay: day(a.endDate), excludeFromAveraging: a.excludeFromAveraging })),
      intervals,
    });
  }
  return { timeZone: input.timeZone, workPeriodGapMinutes: input.workPeriodGapMinutes, ruleSet: input.ruleSet, people };
}

/**
 * The final verdict on a proposed call schedule: every ACGME violation the compliance engine finds in
 * an averaging period the range reaches, work during approved absence (program rules), and coverage
 * and eligibility as the generator states them. Each names the rule, the person or day, and the numbers.
 */
export function explainCall(input: CallSolveInput, m: CompiledCall, values: Int32Array, proposal: readonly ProposedShift[]): UnmetRule[] {
  const unmet: UnmetRule[] = [];
  const session = new ComplianceSession(complianceProgramOf(input, m, proposal));
  // The periods the decided days can reach: those overlapping the range, or touching it by a day
  // (rest after a call on the last day counts in the next period, a call the day before in this one).
  const reachFrom = addDays(input.from, -1);
  const reachTo = addDays(input.to, 1);
  for (const r of session.results()) {
    if (r.verdict !== 'violation' || r.period[1] < reachFrom || r.period[0] > reachTo) continue;
    unmet.push({ ruleId: r.ruleId, source: 'acgme', personId: r.personId, blockId: null, rotationId: null, period: r.period, values: r.values, explanation: r.explanation });
  }
  const shifts: ShiftAssignment[] = proposal.map((s, i) => ({ id: `proposed-${i}`, ...s }));
  for (const f of checkProgramRules({ people: input.people, rotations: [], blocks: [], blockAssignments: [], shiftTypes: input.shiftTypes, shiftAssignments: shifts, absences: input.absences, credentials: [], curriculum: [] })) {
    if (f.verdict === 'violation' && f.ruleId === 'PRG-ABSENCE') unmet.push(fromProgramFinding(f));
  }
  const types = new Map(input.shiftTypes.map((t) => [t.id, t]));
  for (let d = 0; d < m.D; d++) {
    for (let t = 0; t < m.T; t++) {
      let n = 0;
      for (let p = 0; p < m.P; p++) if (values[p * m.D + d] === t + 1) n++;
      if (n >= m.minPer[t]! && n <= m.maxPer[t]!) continue;
      const name = types.get(m.shiftTypeIds[t]!)?.shortName ?? 'shift';
      unmet.push({
        ruleId: 'GEN-COVERAGE', source: 'generator', personId: null, blockId: null, rotationId: null, period: [m.dates[d]!, m.dates[d]!],
        values: { assigned: n, min: m.minPer[t]!, max: m.maxPer[t]!, eligible: m.pools[d * m.T + t]!.length },
        explanation: n < m.minPer[t]!
          ? `${name} on ${m.dates[d]}: ${n} assigned < minimum ${m.minPer[t]} (${m.pools[d * m.T + t]!.length} eligible)`
          : `${name} on ${m.dates[d]}: ${n} assigned > maximum ${m.maxPer[t]}`,
      });
    }
  }
  const absentOn = (personId: string, date: string): boolean => input.absences.some((a) => a.status === 'approved' && a.personId === personId && a.startDate <= date && date <= a.endDate);
  for (let p = 0; p < m.P; p++) {
    for (let d = 0; d < m.D; d++) {
      const v = values[p * m.D + d]!;
      if (v === 0 || m.eligible[(p * m.D + d) * m.T + v - 1] || absentOn(m.personIds[p]!, m.dates[d]!)) continue;
      const name = types.get(m.shiftTypeIds[v - 1]!)?.shortName ?? 'shift';
      unmet.push({
        ruleId: 'GEN-CALL-ELIGIBILITY', source: 'generator', personId: m.personIds[p]!, blockId: null, rotationId: null, period: [m.dates[d]!, m.dates[d]!], values: {},
        explanation: `${name} on ${m.dates[d]} given to someone outside its pool (rotation or role)`,
      });
    }
  }
  return unmet;
}

export function fairnessRows(m: CompiledCall, counts: Float64Array, target: Float64Array): FairnessRow[] {
  const rows: FairnessRow[] = [];
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  for (let p = 0; p < m.P; p++) {
    if (m.share[p * 3]! <= 0 && counts[p * 3]! <= 0) continue;
    rows.push({
      personId: m.personIds[p]!,
      calls: counts[p * 3]!,
      weekends: counts[p * 3 + 1]!,
      holidays: counts[p * 3 + 2]!,
      carriedCalls: m.carried[p * 3]!,
      carriedWeekends: m.carried[p * 3 + 1]!,
      carriedHolidays: m.carried[p * 3 + 2]!,
      fairShare: r2(m.share[p * 3]!),
      deviation: r2(counts[p * 3]! - target[p * 3]!),
      weekendDeviation: r2(counts[p * 3 + 1]! - target[p * 3 + 1]!),
      holidayDeviation: r2(counts[p * 3 + 2]! - target[p * 3 + 2]!),
    });
  }
  return rows;
}
