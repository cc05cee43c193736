import type { Absence, CurriculumRequirement, Person, Rotation, ShiftType } from '../../../shared/domain/schedule';

/**
 * The demo program as plain data, decided before anything is written: who exists, which rotations
 * and shift types, who rotates where each block, and who takes call each day. Pure and
 * deterministic (no clock, no randomness) so tests can reason about it; seed.ts writes it through
 * the audited services.
 *
 * Names are synthetic on purpose ("Resident A01"): a demo must never look like, or be mistaken
 * for, real PHI.
 */

export type PersonDraft = Omit<Person, 'id'> & { key: string };
export type RotationDraft = Omit<Rotation, 'id'> & { key: string };
export type ShiftTypeDraft = Omit<ShiftType, 'id' | 'rotationId'> & { key: string; rotationKey: string | null };
export type RequirementDraft = Omit<CurriculumRequirement, 'id'>;
export type AbsenceDraft = Omit<Absence, 'id' | 'personId'> & { personKey: string };

export interface DemoShape {
  residentsPerPgy: number;
  /** Number of blocks in the year (13) and whether each is split into halves. */
  blockCount: number;
  halfBlocks: boolean;
}

interface RotationSpec {
  key: string;
  name: string;
  shortName: string;
  setting: Rotation['setting'];
  group: string;
  colour: string;
  eligiblePgy: number[];
  supervisionRatio: number | null;
}

/** Twelve rotations of an internal-medicine program. Colours are distinct and keep dark text readable. */
const ROTATIONS: readonly RotationSpec[] = [
  { key: 'WARDA', name: 'Inpatient wards A', shortName: 'WARD-A', setting: 'inpatient', group: 'Inpatient', colour: '#9cc3ff', eligiblePgy: [1, 2, 3], supervisionRatio: null },
  { key: 'WARDB', name: 'Inpatient wards B', shortName: 'WARD-B', setting: 'inpatient', group: 'Inpatient', colour: '#b7d7ff', eligiblePgy: [1, 2, 3], supervisionRatio: null },
  { key: 'MICU', name: 'Medical ICU', shortName: 'MICU', setting: 'icu', group: 'ICU', colour: '#ffb3ab', eligiblePgy: [1, 2, 3], supervisionRatio: 4 },
  { key: 'CCU', name: 'Cardiac care unit', shortName: 'CCU', setting: 'icu', group: 'ICU', colour: '#ffc9a3', eligiblePgy: [2, 3], supervisionRatio: null },
  { key: 'NF', name: 'Night float', shortName: 'NF', setting: 'inpatient', group: 'Inpatient', colour: '#c9b8f0', eligiblePgy: [1, 2, 3], supervisionRatio: null },
  { key: 'ED', name: 'Emergency medicine', shortName: 'ED', setting: 'emergency', group: 'Emergency', colour: '#ffd98a', eligiblePgy: [1, 2, 3], supervisionRatio: null },
  { key: 'AMB', name: 'Ambulatory clinic', shortName: 'AMB', setting: 'outpatient', group: 'Ambulatory', colour: '#a8e0b5', eligiblePgy: [1, 2, 3], supervisionRatio: null },
  { key: 'CARD', name: 'Cardiology consults', shortName: 'CARD', setting: 'elective', group: 'Subspecialty', colour: '#f5b8d6', eligiblePgy: [1, 2, 3], supervisionRatio: null },
  { key: 'GI', name: 'Gastroenterology', shortName: 'GI', setting: 'elective', group: 'Subspecialty', colour: '#e3d3a8', eligiblePgy: [1, 2, 3], supervisionRatio: null },
  { key: 'GERI', name: 'Geriatrics', shortName: 'GERI', setting: 'outpatient', group: 'Ambulatory', colour: '#bfe6e0', eligiblePgy: [1, 2, 3], supervisionRatio: null },
  { key: 'RES', name: 'Research', shortName: 'RES', setting: 'research', group: 'Research', colour: '#d6d6d6', eligiblePgy: [2, 3], supervisionRatio: null },
  { key: 'ELEC', name: 'Elective', shortName: 'ELEC', setting: 'elective', group: 'Elective', colour: '#e6f0a3', eligiblePgy: [1, 2, 3], supervisionRatio: null },
];

/** Where an intern goes when the cyclic plan would put them on a rotation that takes PGY-2+ only. */
const INTERN_SUBSTITUTE: Record<string, string> = { CCU: 'AMB', RES: 'GERI' };
/** Rotations faculty attend on, two at a time per block. */
const FACULTY_ROTATIONS = ['WARDA', 'WARDB', 'MICU', 'CCU', 'NF', 'ED'] as const;
/** Vacations are taken on outpatient blocks, so they never collide with call. */
const VACATION_ROTATIONS = new Set(['AMB', 'GERI', 'ELEC', 'RES', 'GI', 'CARD']);

const pad = (n: number): string => String(n).padStart(2, '0');

export function demoPeople(shape: DemoShape): PersonDraft[] {
  const people: PersonDraft[] = [];
  const letters = ['A', 'B', 'C'];
  for (let pgy = 1; pgy <= 3; pgy++) {
    for (let i = 1; i <= shape.residentsPerPgy; i++) {
      const n = (pgy - 1) * shape.residentsPerPgy + i;
      people.push({
        key: `R${n}`,
        // "Resident A01" = PGY-1 number 1; the letter tells the class at a glance.
        displayName: `Resident ${letters[pgy - 1]}${pad(i)}`,
        email: null,
        kind: 'resident',
        pgy,
        specialty: 'internal-medicine',
        facultyRoles: [],
        trainingStart: null,
        trainingEnd: null,
        active: true,
      });
    }
  }
  for (let i = 1; i <= 12; i++) {
    people.push({
      key: `F${i}`,
      displayName: `Faculty F${pad(i)}`,
      email: null,
      kind: 'faculty',
      pgy: null,
      specialty: 'internal-medicine',
      facultyRoles: i === 1 ? ['Program director'] : i === 2 ? ['Associate program director'] : ['Attending'],
      trainingStart: null,
      trainingEnd: null,
      active: true,
    });
  }
  return people;
}

export function demoRotations(shape: DemoShape): RotationDraft[] {
  // Residents are spread evenly: 3 x residentsPerPgy over 12 rotations per block.
  const perRotation = (3 * shape.residentsPerPgy) / ROTATIONS.length;
  return ROTATIONS.map((r) => ({
    key: r.key,
    name: r.name,
    shortName: r.shortName,
    setting: r.setting,
    site: r.setting === 'outpatient' ? 'Clinic building' : 'Main hospital',
    colour: r.colour,
    eligiblePgy: r.eligiblePgy,
    capacityMin: Math.max(0, Math.floor(perRotation) - 1),
    capacityMax: Math.ceil(perRotation) + 2,
    requiredCredentials: [],
    supervisionRatio: r.supervisionRatio,
    hoursException: null,
    rulePacks: [],
    group: r.group,
  }));
}

export function demoShiftTypes(): ShiftTypeDraft[] {
  return [
    { key: 'WCALL', name: 'Wards 24-hour call', shortName: 'W24', kind: 'inHouseCall', startTime: '07:00', durationMinutes: 24 * 60, transitionMinutes: 240, rotationKey: 'WARDA', colour: '#1f5fbf' },
    { key: 'ICALL', name: 'ICU 24-hour call', shortName: 'I24', kind: 'inHouseCall', startTime: '07:00', durationMinutes: 24 * 60, transitionMinutes: 240, rotationKey: 'MICU', colour: '#a4161a' },
    { key: 'NIGHT', name: 'Night float', shortName: 'NF', kind: 'nightFloat', startTime: '19:00', durationMinutes: 12 * 60, transitionMinutes: 60, rotationKey: 'NF', colour: '#5a3d99' },
    { key: 'HOME', name: 'Attending home call', shortName: 'HC', kind: 'homeCall', startTime: '17:00', durationMinutes: 14 * 60, transitionMinutes: 0, rotationKey: null, colour: '#2e6b3a' },
  ];
}

export function demoRequirements(): RequirementDraft[] {
  return [
    { pgy: 1, rotationGroup: 'Inpatient', minBlocks: 3, maxBlocks: 6 },
    { pgy: 1, rotationGroup: 'ICU', minBlocks: 1, maxBlocks: 3 },
    { pgy: 2, rotationGroup: 'ICU', minBlocks: 1, maxBlocks: 3 },
    { pgy: 2, rotationGroup: 'Research', minBlocks: 0, maxBlocks: 2 },
    { pgy: 3, rotationGroup: 'Ambulatory', minBlocks: 2, maxBlocks: 4 },
  ];
}

/**
 * Rotation of each resident in each block (index into blocks of the year): a cyclic plan, so every
 * resident sees every rotation and each rotation holds the same number per block. Interns land on
 * an outpatient substitute where the cycle would give them a PGY-2+ rotation.
 */
export function residentRotationKey(residentIndex: number, pgy: number, fullBlockIndex: number): string {
  const spec = ROTATIONS[(residentIndex + fullBlockIndex) % ROTATIONS.length] as RotationSpec;
  if (!spec.eligiblePgy.includes(pgy)) return INTERN_SUBSTITUTE[spec.key] ?? 'AMB';
  return spec.key;
}

export function facultyRotationKey(facultyIndex: number, fullBlockIndex: number): string {
  return FACULTY_ROTATIONS[(facultyIndex + fullBlockIndex) % FACULTY_ROTATIONS.length] as string;
}

/** A week of vacation in the first outpatient block of each resident, days 8-14 of it. */
export function vacationBlockIndex(residentIndex: number, pgy: number, blockCount: number): number | null {
  for (let b = 0; b < blockCount; b++) {
    if (VACATION_ROTATIONS.has(residentRotationKey(residentIndex, pgy, b))) return b;
  }
  return null;
}

/**
 * Who is on call on a given day, from the people on the rotation that block: wards call every sixth
 * day (q6 over the two ward teams), ICU call every third day (q3, the ACGME ceiling), night float
 * two of three nights, attendings' home call in turn.
 */
export function callTakers(shiftKey: string, dayIndex: number, pool: readonly string[]): string[] {
  if (pool.length === 0) return [];
  switch (shiftKey) {
    case 'NIGHT':
      return pool.filter((_, k) => (dayIndex + k) % 3 !== 0).slice(0, 2);
    default:
      return [pool[dayIndex % pool.length] as string];
  }
}
