import { addDays } from './common';
import type { Absence, Block, BlockAssignment, CoverageRequirement, Credential, CurriculumRequirement, Person, Rotation, ShiftAssignment, ShiftType } from './schedule';

/**
 * The program's own rules, beside the ACGME engine: coverage, eligibility, credentials valid on the
 * date, curriculum requirements, supervision ratios and work during an absence. Pure: the renderer
 * runs it for instant badges, the core for the verdict.
 */
export const PROGRAM_RULE_IDS = ['PRG-CAPACITY', 'PRG-ELIGIBILITY', 'PRG-CREDENTIAL', 'PRG-CURRICULUM', 'PRG-SUPERVISION', 'PRG-ABSENCE', 'PRG-COVERAGE'] as const;
export type ProgramRuleId = (typeof PROGRAM_RULE_IDS)[number];

export interface ProgramFinding {
  /** Stable identity of this finding, used to acknowledge it. */
  key: string;
  ruleId: ProgramRuleId;
  verdict: 'violation' | 'advisory';
  personId: string | null;
  rotationId: string | null;
  blockId: string | null;
  date: string | null;
  values: Record<string, number>;
  explanation: string;
}

export interface ProgramSnapshot {
  people: readonly Person[];
  rotations: readonly Rotation[];
  blocks: readonly Block[];
  blockAssignments: readonly BlockAssignment[];
  shiftTypes: readonly ShiftType[];
  shiftAssignments: readonly ShiftAssignment[];
  absences: readonly Absence[];
  credentials: readonly Credential[];
  curriculum: readonly CurriculumRequirement[];
  /** Shift coverage per day; optional so callers checking only blocks may leave it out. */
  coverage?: readonly CoverageRequirement[];
}

/** ISO weekday (1 = Monday ... 7 = Sunday) of a calendar date; no time zone is involved. */
function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Days on which a shift has fewer or more people than its coverage rule says, or too few seniors. */
function checkCoverage(s: ProgramSnapshot, people: Map<string, Person>, shiftTypes: Map<string, ShiftType>): ProgramFinding[] {
  const rules = s.coverage ?? [];
  if (rules.length === 0 || s.blocks.length === 0) return [];
  const byShiftDay = new Map<string, ShiftAssignment[]>();
  for (const a of s.shiftAssignments) {
    const k = `${a.shiftTypeId}|${a.date}`;
    const list = byShiftDay.get(k);
    if (list) list.push(a);
    else byShiftDay.set(k, [a]);
  }
  let first = s.blocks[0]!.startDate;
  let last = s.blocks[0]!.endDate;
  for (const b of s.blocks) {
    if (b.startDate < first) first = b.startDate;
    if (b.endDate > last) last = b.endDate;
  }
  const out: ProgramFinding[] = [];
  for (const rule of rules) {
    const label = shiftTypes.get(rule.shiftTypeId)?.shortName ?? 'Shift';
    for (let date = first; date <= last; date = addDays(date, 1)) {
      if (!rule.weekdays.includes(isoWeekday(date))) continue;
      const on = byShiftDay.get(`${rule.shiftTypeId}|${date}`) ?? [];
      const seniors = rule.seniorPgy === null ? 0 : on.filter((a) => (people.get(a.personId)?.pgy ?? 0) >= (rule.seniorPgy ?? 0)).length;
      const problems: string[] = [];
      if (on.length < rule.min) problems.push(`${on.length} assigned < minimum ${rule.min}`);
      if (on.length > rule.max) problems.push(`${on.length} assigned > maximum ${rule.max}`);
      if (rule.seniorPgy !== null && seniors < rule.minSenior) problems.push(`${seniors} at PGY-${rule.seniorPgy}+ < ${rule.minSenior} required`);
      if (problems.length === 0) continue;
      out.push({
        key: `PRG-COVERAGE|${rule.id}|${date}`,
        ruleId: 'PRG-COVERAGE',
        verdict: 'violation',
        personId: null,
        rotationId: null,
        blockId: null,
        date,
        values: { assigned: on.length, min: rule.min, max: rule.max, seniors, minSenior: rule.minSenior },
        explanation: `${label} on ${date}: ${problems.join('; ')}`,
      });
    }
  }
  return out;
}

const TRAINEE = new Set(['resident', 'fellow']);

function blockingAbsence(a: Absence): boolean {
  return a.status === 'approved';
}

export function checkProgramRules(s: ProgramSnapshot): ProgramFinding[] {
  const findings: ProgramFinding[] = [];
  const people = new Map(s.people.map((p) => [p.id, p]));
  const rotations = new Map(s.rotations.map((r) => [r.id, r]));
  const blocks = new Map(s.blocks.map((b) => [b.id, b]));
  const shiftTypes = new Map(s.shiftTypes.map((t) => [t.id, t]));

  // Coverage and supervision: per rotation per block.
  const byRotationBlock = new Map<string, BlockAssignment[]>();
  for (const a of s.blockAssignments) {
    const k = `${a.rotationId}|${a.blockId}`;
    const list = byRotationBlock.get(k);
    if (list) list.push(a);
    else byRotationBlock.set(k, [a]);
  }
  for (const rotation of s.rotations) {
    if (rotation.setting === 'leave') continue;
    for (const block of s.blocks) {
      const assigned = byRotationBlock.get(`${rotation.id}|${block.id}`) ?? [];
      const trainees = assigned.filter((a) => TRAINEE.has(people.get(a.personId)?.kind ?? ''));
      const n = trainees.length;
      if (n < rotation.capacityMin || n > rotation.capacityMax) {
        const under = n < rotation.capacityMin;
        findings.push({
          key: `PRG-CAPACITY|${rotation.id}|${block.id}`,
          ruleId: 'PRG-CAPACITY',
          verdict: 'violation',
          personId: null,
          rotationId: rotation.id,
          blockId: block.id,
          date: null,
          values: { assigned: n, min: rotation.capacityMin, max: rotation.capacityMax },
          explanation: under
            ? `${n} assigned < minimum ${rotation.capacityMin} for ${rotation.shortName} in ${block.label}`
            : `${n} assigned > maximum ${rotation.capacityMax} for ${rotation.shortName} in ${block.label}`,
        });
      }
      if (rotation.supervisionRatio !== null && n > 0) {
        const faculty = assigned.filter((a) => people.get(a.personId)?.kind === 'faculty').length;
        const needed = Math.ceil(n / rotation.supervisionRatio);
        if (faculty < needed) {
          findings.push({
            key: `PRG-SUPERVISION|${rotation.id}|${block.id}`,
            ruleId: 'PRG-SUPERVISION',
            verdict: 'violation',
            personId: null,
            rotationId: rotation.id,
            blockId: block.id,
            date: null,
            values: { trainees: n, faculty, ratio: rotation.supervisionRatio, facultyNeeded: needed },
            explanation: `${n} trainees at 1:${rotation.supervisionRatio} need ${needed} faculty; ${faculty} assigned`,
          });
        }
      }
    }
  }

  // Eligibility and credentials per assignment; work during approved absence.
  const credentialsByPerson = new Map<string, Credential[]>();
  for (const c of s.credentials) {
    const list = credentialsByPerson.get(c.personId);
    if (list) list.push(c);
    else credentialsByPerson.set(c.personId, [c]);
  }
  const absencesByPerson = new Map<string, Absence[]>();
  for (const a of s.absences.filter(blockingAbsence)) {
    const list = absencesByPerson.get(a.personId);
    if (list) list.push(a);
    else absencesByPerson.set(a.personId, [a]);
  }
  for (const a of s.blockAssignments) {
    const person = people.get(a.personId);
    const rotation = rotations.get(a.rotationId);
    const block = blocks.get(a.blockId);
    if (!person || !rotation || !block) continue;
    if (TRAINEE.has(person.kind) && (person.pgy === null || !rotation.eligiblePgy.includes(person.pgy))) {
      findings.push({
        key: `PRG-ELIGIBILITY|${a.personId}|${a.blockId}`,
        ruleId: 'PRG-ELIGIBILITY',
        verdict: 'violation',
        personId: a.personId,
        rotationId: rotation.id,
        blockId: block.id,
        date: null,
        values: { pgy: person.pgy ?? 0 },
        explanation: `PGY-${person.pgy ?? '?'} is not eligible for ${rotation.shortName} (takes PGY ${rotation.eligiblePgy.join(', ')})`,
      });
    }
    for (const required of rotation.requiredCredentials) {
      const held = (credentialsByPerson.get(a.personId) ?? []).find(
        (c) => c.name === required && (c.issuedOn === null || c.issuedOn <= block.startDate) && (c.expiresOn === null || c.expiresOn >= block.endDate),
      );
      if (!held) {
        findings.push({
          key: `PRG-CREDENTIAL|${a.personId}|${a.blockId}|${required}`,
          ruleId: 'PRG-CREDENTIAL',
          verdict: 'violation',
          personId: a.personId,
          rotationId: rotation.id,
          blockId: block.id,
          date: null,
          values: {},
          explanation: `${rotation.shortName} requires ${required} valid from ${block.startDate} to ${block.endDate}; none on file`,
        });
      }
    }
  }
  for (const sa of s.shiftAssignments) {
    const absence = (absencesByPerson.get(sa.personId) ?? []).find((a) => a.startDate <= sa.date && sa.date <= a.endDate);
    if (absence) {
      const st = shiftTypes.get(sa.shiftTypeId);
      findings.push({
        key: `PRG-ABSENCE|${sa.id}`,
        ruleId: 'PRG-ABSENCE',
        verdict: 'violation',
        personId: sa.personId,
        rotationId: null,
        blockId: null,
        date: sa.date,
        values: {},
        // The absence type is not named: it may be an operational-security detail (deployment).
        explanation: `${st?.shortName ?? 'Shift'} on ${sa.date} falls inside an approved absence`,
      });
    }
  }

  // Curriculum: blocks per rotation group per trainee over the year(s) present.
  for (const req of s.curriculum) {
    for (const person of s.people) {
      if (!TRAINEE.has(person.kind) || person.pgy !== req.pgy || !person.active) continue;
      let count = 0;
      for (const a of s.blockAssignments) {
        if (a.personId !== person.id) continue;
        const block = blocks.get(a.blockId);
        const weight = block && block.half !== 'full' ? 0.5 : 1;
        if (rotations.get(a.rotationId)?.group === req.rotationGroup) count += weight;
      }
      if (count < req.minBlocks || count > req.maxBlocks) {
        findings.push({
          key: `PRG-CURRICULUM|${person.id}|${req.id}`,
          ruleId: 'PRG-CURRICULUM',
          verdict: s.blockAssignments.some((a) => a.personId === person.id) ? 'violation' : 'advisory',
          personId: person.id,
          rotationId: null,
          blockId: null,
          date: null,
          values: { blocks: count, min: req.minBlocks, max: req.maxBlocks },
          explanation: `${count} block(s) of ${req.rotationGroup}; PGY-${req.pgy} requires ${req.minBlocks}-${req.maxBlocks}`,
        });
      }
    }
  }
  findings.push(...checkCoverage(s, people, shiftTypes));
  return findings;
}
