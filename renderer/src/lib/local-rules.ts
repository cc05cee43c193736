import { checkProgramRules } from '../../../shared/domain/program-rules';
import type { Absence, Block, BlockAssignment, CurriculumRequirement, Person, Rotation, ShiftAssignment, ShiftType } from '../../../shared/domain/schedule';
import { fromProgram, type Finding } from './findings';
import type { CellKey } from './grid-model';

/**
 * The shared program rules (shared/domain/program-rules.ts) run in the renderer for instant badges.
 * Run once over the whole year, their curriculum check is people x requirements x assignments,
 * too slow for a keystroke at 200 people. Every rule has a narrow scope, though, so we call the same
 * function on the slice an edit can reach:
 * - per block: capacity, supervision, eligibility (the assignments of that block);
 * - per person: curriculum (that person's assignments over the year);
 * - per shift: work during an approved absence (shifts and absences only).
 * The union over all blocks and people equals one whole-year run (a unit test checks).
 */
export interface LocalRulesInput {
  people: readonly Person[];
  rotations: readonly Rotation[];
  blocks: readonly Block[];
  assignments: ReadonlyMap<CellKey, BlockAssignment>;
  shiftTypes: readonly ShiftType[];
  shifts: readonly ShiftAssignment[];
  absences: readonly Absence[];
  requirements: readonly CurriculumRequirement[];
}

const BLOCK_RULES = new Set(['PRG-CAPACITY', 'PRG-SUPERVISION', 'PRG-ELIGIBILITY', 'PRG-CREDENTIAL']);
const PERSON_RULES = new Set(['PRG-CURRICULUM']);
const SHIFT_RULES = new Set(['PRG-ABSENCE']);

const base = (i: LocalRulesInput) => ({
  people: i.people.filter((p) => p.active),
  // Credentials never reach the renderer: that rule stays with the core.
  rotations: i.rotations.map((r) => (r.requiredCredentials.length ? { ...r, requiredCredentials: [] } : r)),
  blocks: [] as Block[],
  blockAssignments: [] as BlockAssignment[],
  shiftTypes: [] as ShiftType[],
  shiftAssignments: [] as ShiftAssignment[],
  absences: [] as Absence[],
  credentials: [],
  curriculum: [] as CurriculumRequirement[],
});

function blockFindings(i: LocalRulesInput, blockIds: ReadonlySet<string>): Finding[] {
  const b = base(i);
  b.blocks = i.blocks.filter((x) => blockIds.has(x.id));
  for (const a of i.assignments.values()) if (blockIds.has(a.blockId)) b.blockAssignments.push(a);
  return checkProgramRules(b).filter((f) => BLOCK_RULES.has(f.ruleId)).map(fromProgram);
}

function personFindings(i: LocalRulesInput, personIds: ReadonlySet<string>): Finding[] {
  if (i.requirements.length === 0 || personIds.size === 0) return [];
  const byPerson = new Map<string, BlockAssignment[]>();
  for (const a of i.assignments.values()) {
    if (!personIds.has(a.personId)) continue;
    const list = byPerson.get(a.personId);
    if (list) list.push(a);
    else byPerson.set(a.personId, [a]);
  }
  const out: Finding[] = [];
  const b = base(i);
  // Rotations marked as leave: the per-rotation capacity loop skips them, while the curriculum rule
  // still reads each assignment's group from them.
  const rotations = b.rotations.map((r) => ({ ...r, setting: 'leave' as const }));
  const blocks = [...i.blocks];
  const curriculum = [...i.requirements];
  // One call per person keeps each curriculum pass to that person's own assignments.
  for (const person of b.people) {
    if (!personIds.has(person.id)) continue;
    const found = checkProgramRules({ ...b, people: [person], rotations, blocks, blockAssignments: byPerson.get(person.id) ?? [], curriculum });
    for (const f of found) if (PERSON_RULES.has(f.ruleId)) out.push(fromProgram(f));
  }
  return out;
}

function shiftFindings(i: LocalRulesInput): Finding[] {
  const b = base(i);
  b.shiftTypes = [...i.shiftTypes];
  b.shiftAssignments = [...i.shifts];
  b.absences = [...i.absences];
  b.rotations = [];
  return checkProgramRules(b).filter((f) => SHIFT_RULES.has(f.ruleId)).map(fromProgram);
}

/** Every program finding of the year, scope by scope. */
export function localFindings(i: LocalRulesInput): Finding[] {
  return [...blockFindings(i, new Set(i.blocks.map((b) => b.id))), ...personFindings(i, new Set(i.people.map((p) => p.id))), ...shiftFindings(i)];
}

/** After a grid edit: re-run only the blocks and people it touched, keep the rest. */
export function updateLocalFindings(prev: readonly Finding[], i: LocalRulesInput, people: ReadonlySet<string>, blocks: ReadonlySet<string>): Finding[] {
  const kept = prev.filter((f) => !(BLOCK_RULES.has(f.ruleId) && f.blockId && blocks.has(f.blockId)) && !(PERSON_RULES.has(f.ruleId) && f.personId && people.has(f.personId)));
  return [...kept, ...blockFindings(i, blocks), ...personFindings(i, people)];
}
