import { describe, expect, it } from 'vitest';
import { demoPeople, demoRequirements, demoRotations, residentRotationKey, facultyRotationKey } from '../../electron/core/demo/plan';
import { localFindings, updateLocalFindings, type LocalRulesInput } from '../../renderer/src/lib/local-rules';
import { fromProgram } from '../../renderer/src/lib/findings';
import { cellKey } from '../../renderer/src/lib/grid-model';
import { checkProgramRules } from '../../shared/domain/program-rules';
import type { Block, BlockAssignment, Person, Rotation } from '../../shared/domain/schedule';

/** A small program with half blocks, assignments cycling through rotations, and a few oddities. */
function program(): LocalRulesInput {
  const shape = { residentsPerPgy: 5, blockCount: 6, halfBlocks: true };
  const people: Person[] = demoPeople(shape).map(({ key, ...p }) => ({ ...p, id: key }));
  people[3] = { ...(people[3] as Person), active: false };
  const rotations: Rotation[] = demoRotations(shape).map(({ key, ...r }) => ({ ...r, id: key }));
  const blocks: Block[] = [];
  for (let n = 1; n <= 6; n++) {
    for (const half of ['first', 'second'] as const) {
      const start = `2026-${String(6 + n).padStart(2, '0')}-${half === 'first' ? '01' : '15'}`;
      blocks.push({ id: `b${n}${half[0]}`, academicYearId: 'y', number: n, label: `${n}${half === 'first' ? 'a' : 'b'}`, startDate: start, endDate: start, half });
    }
  }
  const assignments = new Map<string, BlockAssignment>();
  const residents = people.filter((p) => p.kind === 'resident');
  const faculty = people.filter((p) => p.kind === 'faculty');
  for (const b of blocks) {
    residents.forEach((p, i) => assignments.set(cellKey(p.id, b.id), { id: `${p.id}-${b.id}`, personId: p.id, blockId: b.id, rotationId: residentRotationKey(i, p.pgy ?? 1, b.number - 1), pinned: false }));
    faculty.forEach((p, i) => assignments.set(cellKey(p.id, b.id), { id: `${p.id}-${b.id}`, personId: p.id, blockId: b.id, rotationId: facultyRotationKey(i, b.number - 1), pinned: false }));
  }
  return { people, rotations, blocks, assignments, shiftTypes: [], shifts: [], absences: [], requirements: demoRequirements().map((r, i) => ({ ...r, id: `q${i}` })) };
}

/** The reference: one whole-year run of the shared rules, as the core does it. */
function reference(i: LocalRulesInput): string[] {
  return checkProgramRules({
    people: i.people.filter((p) => p.active),
    rotations: i.rotations,
    blocks: i.blocks,
    blockAssignments: [...i.assignments.values()],
    shiftTypes: i.shiftTypes,
    shiftAssignments: i.shifts,
    absences: i.absences,
    credentials: [],
    curriculum: i.requirements,
  })
    .map(fromProgram)
    .map((f) => `${f.key} ${f.verdict} ${f.explanation}`)
    .sort();
}
const keys = (fs: ReturnType<typeof localFindings>) => fs.map((f) => `${f.key} ${f.verdict} ${f.explanation}`).sort();

describe('local program rules, scope by scope', () => {
  it('equal one whole-year run of the shared rules', () => {
    const p = program();
    const ref = reference(p);
    expect(ref.length).toBeGreaterThan(5);
    expect(keys(localFindings(p))).toEqual(ref);
  });

  it('stay equal to a whole-year run after random edits updated only where they reach', () => {
    const p = program();
    let local = localFindings(p);
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const people = p.people;
    for (let step = 0; step < 40; step++) {
      const touched = { people: new Set<string>(), blocks: new Set<string>() };
      const next = new Map(p.assignments);
      for (let k = 0; k < 1 + rnd(4); k++) {
        const person = people[rnd(people.length)] as Person;
        const block = p.blocks[rnd(p.blocks.length)] as Block;
        const rotation = rnd(5) === 0 ? null : (p.rotations[rnd(p.rotations.length)] as Rotation);
        const key = cellKey(person.id, block.id);
        if (rotation) next.set(key, { id: key, personId: person.id, blockId: block.id, rotationId: rotation.id, pinned: false });
        else next.delete(key);
        touched.people.add(person.id);
        touched.blocks.add(block.id);
      }
      p.assignments = next;
      local = updateLocalFindings(local, p, touched.people, touched.blocks);
      expect(keys(local)).toEqual(reference(p));
    }
  });
});
