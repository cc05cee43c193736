import { parseIsoDate } from '../../../shared/compliance/time/civil';
import { parseIsoInstant } from '../../../shared/compliance/time/instant';
import type { ComplianceProgram, PersonSchedule, RuleResult } from '../../../shared/compliance/model';
import { ComplianceSession } from '../../../shared/compliance/session';
import { fromProgramFinding, type Finding } from '../../../shared/domain/findings';
import { checkProgramRules, type ProgramSnapshot } from '../../../shared/domain/program-rules';
import type { ProgramSettings } from '../../../shared/domain/schedule';
import type { ScheduleStore } from './store';

export type { Finding };

function day(date: string): number {
  const d = parseIsoDate(date);
  if (d === undefined) throw new Error('stored date is not a date');
  return d;
}

function minutes(instant: string): number {
  const r = parseIsoInstant(instant);
  if (!r.ok) throw new Error('stored instant is not an instant');
  return r.minutes;
}

/** The ACGME engine's view of one academic year of the vault. */
export function complianceProgramFor(store: ScheduleStore, settings: ProgramSettings, yearId: string): ComplianceProgram {
  const year = store.years.require(yearId, 'yearId');
  const blocks = new Map(store.blocks.where('academic_year_id = ?', yearId).map((b) => [b.id, b]));
  const rotations = new Map(store.rotations.all().map((r) => [r.id, r]));
  const shiftTypes = new Map(store.shiftTypes.all().map((t) => [t.id, t]));
  const people: PersonSchedule[] = [];
  const assignmentsByPerson = new Map<string, PersonSchedule['assignments'][number][]>();
  for (const a of store.blockAssignments.all()) {
    const block = blocks.get(a.blockId);
    const rotation = rotations.get(a.rotationId);
    if (!block || !rotation) continue;
    const list = assignmentsByPerson.get(a.personId) ?? [];
    list.push({
      startDay: day(block.startDate),
      endDay: day(block.endDate),
      rotation: rotation.shortName,
      ...(rotation.hoursException ? { approvedWeeklyLimitHours: rotation.hoursException.limitHours } : {}),
      rulePacks: rotation.rulePacks,
    });
    assignmentsByPerson.set(a.personId, list);
  }
  const shifts = store.shiftAssignments.where('date >= ? AND date <= ?', year.startDate, year.endDate);
  const intervalsByPerson = new Map<string, PersonSchedule['intervals'][number][]>();
  for (const s of shifts) {
    const type = shiftTypes.get(s.shiftTypeId);
    if (!type) continue;
    const list = intervalsByPerson.get(s.personId) ?? [];
    list.push({ kind: type.kind, start: minutes(s.startsAt), end: minutes(s.endsAt) });
    intervalsByPerson.set(s.personId, list);
  }
  for (const person of store.people.all()) {
    if (person.kind !== 'resident' && person.kind !== 'fellow') continue;
    people.push({
      profile: { id: person.id, role: person.kind, ...(person.pgy !== null ? { pgy: person.pgy } : {}), specialty: person.specialty },
      assignments: (assignmentsByPerson.get(person.id) ?? []).sort((a, b) => a.startDay - b.startDay),
      absences: store.absences
        .where('person_id = ?', person.id)
        .filter((a) => a.status === 'approved')
        .map((a) => ({ type: a.type, startDay: day(a.startDate), endDay: day(a.endDate), excludeFromAveraging: a.excludeFromAveraging })),
      intervals: intervalsByPerson.get(person.id) ?? [],
    });
  }
  return {
    timeZone: settings.timeZone,
    workPeriodGapMinutes: settings.workPeriodGapMinutes,
    ruleSet: settings.ruleSet,
    people,
  };
}

function fromAcgme(r: RuleResult): Finding {
  return {
    key: `${r.ruleId}|${r.personId}|${r.period[0]}|${r.period[1]}`,
    ruleId: r.ruleId,
    source: 'acgme',
    verdict: r.verdict === 'advisory' ? 'advisory' : 'violation',
    personId: r.personId,
    rotationId: null,
    blockId: null,
    period: r.period,
    citations: r.citations,
    values: r.values,
    explanation: r.explanation,
    acknowledged: null,
  };
}


/** What a year's check needs, read from the vault on the main thread (plain data, structured-clonable). */
export interface YearCheckInput {
  program: ComplianceProgram;
  snapshot: ProgramSnapshot;
}

export function collectYear(store: ScheduleStore, settings: ProgramSettings, yearId: string): YearCheckInput {
  const program = complianceProgramFor(store, settings, yearId);
  const year = store.years.require(yearId, 'yearId');
  const blocks = store.blocks.where('academic_year_id = ?', yearId);
  const blockIds = new Set(blocks.map((b) => b.id));
  const snapshot: ProgramSnapshot = {
    people: store.people.all().filter((p) => p.active),
    rotations: store.rotations.all(),
    blocks,
    blockAssignments: store.blockAssignments.all().filter((a) => blockIds.has(a.blockId)),
    shiftTypes: store.shiftTypes.all(),
    shiftAssignments: store.shiftAssignments.where('date >= ? AND date <= ?', year.startDate, year.endDate),
    absences: store.absences.all(),
    credentials: store.credentials.all(),
    curriculum: store.curriculum.all(),
    coverage: store.coverage.all(),
  };
  return { program, snapshot };
}

/** The check itself: pure, so it runs in the compliance worker (or inline in tests and the CLI). */
export function findingsOf(input: YearCheckInput): { findings: Finding[]; people: number } {
  const session = new ComplianceSession(input.program);
  const acgme = session.results().filter((r) => r.verdict !== 'compliant').map(fromAcgme);
  return { findings: [...acgme, ...checkProgramRules(input.snapshot).map(fromProgramFinding)], people: input.program.people.length };
}

/** Marks the findings a program director or coordinator acknowledged; they stay listed. */
export function withAcknowledgements(store: ScheduleStore, findings: Finding[]): Finding[] {
  const acks = new Map(store.acknowledgements.all().map((a) => [a.violationKey, a]));
  return findings.map((f) => {
    const ack = acks.get(f.key);
    return ack ? { ...f, acknowledged: { by: ack.acknowledgedBy, at: ack.acknowledgedAt, reason: ack.reason } } : f;
  });
}

/** Every violation and advisory of a year, in this thread (tests, the swap check). */
export function checkYear(store: ScheduleStore, settings: ProgramSettings, yearId: string): { findings: Finding[]; people: number } {
  const { findings, people } = findingsOf(collectYear(store, settings, yearId));
  return { findings: withAcknowledgements(store, findings), people };
}
