import { z } from 'zod';
import { Id, LocalDate, Pgy } from '../domain/common';
import { PersonKind } from '../domain/schedule';

/**
 * A published schedule version: what clinical staff see, frozen at publish time. It carries the
 * display names and rotation names of that moment (a later rename does not rewrite history) and no
 * absence at all (reasons and locations are PHI; staff need who is where, not why someone is away).
 */
export const ScheduleSnapshot = z
  .object({
    yearId: Id,
    yearLabel: z.string().max(120),
    blocks: z.array(z.object({ id: Id, number: z.number().int(), label: z.string().max(120), startDate: LocalDate, endDate: LocalDate }).strict()),
    rotations: z.array(z.object({ id: Id, name: z.string().max(120), shortName: z.string().max(8), colour: z.string().max(7) }).strict()),
    people: z.array(z.object({ id: Id, displayName: z.string().max(120), kind: PersonKind, pgy: Pgy.nullable() }).strict()),
    shiftTypes: z.array(z.object({ id: Id, name: z.string().max(120), shortName: z.string().max(8) }).strict()),
    assignments: z.array(z.object({ personId: Id, blockId: Id, rotationId: Id }).strict()),
    shifts: z.array(z.object({ personId: Id, shiftTypeId: Id, date: LocalDate, startsAt: z.string(), endsAt: z.string() }).strict()),
  })
  .strict();
export type ScheduleSnapshot = z.infer<typeof ScheduleSnapshot>;

export const VersionDiff = z
  .object({
    /** Block cells (person x block) whose rotation was added, removed or changed. */
    assignmentsChanged: z.number().int(),
    /** Shift changes: per person, the larger of shifts removed and shifts added. */
    shiftsChanged: z.number().int(),
    /** Units (cells + shifts) of the larger of the two versions. */
    totalUnits: z.number().int(),
    /** Share of block cells changed, and of shifts changed (each against the larger version). */
    assignmentsPercent: z.number(),
    shiftsPercent: z.number(),
    /** The larger of the two: what the overall churn guard compares with its limit. */
    changedPercent: z.number(),
    peopleChanged: z.number().int(),
    /** People whose own change is above the per-person churn limit. */
    peopleOverLimit: z.number().int(),
    maxPersonPercent: z.number(),
    /** Who changed, by id, with their counts (ids only: the audit entry may carry it). */
    people: z.array(z.object({ personId: Id, assignmentsChanged: z.number().int(), shiftsChanged: z.number().int(), percent: z.number() }).strict()),
  })
  .strict();
export type VersionDiff = z.infer<typeof VersionDiff>;

export const CHURN_LIMITS = { overallPercent: 20, personPercent: 50 } as const;
/** Floor of a person's shift count when computing their share (see diffSnapshots). */
export const MIN_PERSON_SHIFTS = 4;

const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * What changed from `prev` to `next`. Block cells (person x block) and shifts are measured
 * separately, since a year has ten times more shifts than cells and mixing them would hide a
 * reshuffled rotation plan. A shift moved from one day to another counts once for its person (max
 * of removed and added); a swap of two calls counts once for each of the two people.
 */
export function diffSnapshots(prev: ScheduleSnapshot | null, next: ScheduleSnapshot): VersionDiff {
  type Tally = { cellsChanged: number; cells: number; removed: number; added: number; prevShifts: number; nextShifts: number };
  const per = new Map<string, Tally>();
  const t = (id: string): Tally => {
    let x = per.get(id);
    if (!x) per.set(id, (x = { cellsChanged: 0, cells: 0, removed: 0, added: 0, prevShifts: 0, nextShifts: 0 }));
    return x;
  };
  const prevCells = new Map((prev?.assignments ?? []).map((a) => [`${a.personId}|${a.blockId}`, a]));
  const nextCells = new Map(next.assignments.map((a) => [`${a.personId}|${a.blockId}`, a]));
  for (const key of new Set([...prevCells.keys(), ...nextCells.keys()])) {
    const a = prevCells.get(key);
    const b = nextCells.get(key);
    const personId = (a ?? b)?.personId as string;
    const tally = t(personId);
    tally.cells++;
    if (a?.rotationId !== b?.rotationId) tally.cellsChanged++;
  }
  const shiftKey = (s: { personId: string; shiftTypeId: string; date: string }): string => `${s.personId}|${s.shiftTypeId}|${s.date}`;
  const prevShifts = new Set((prev?.shifts ?? []).map(shiftKey));
  const nextShifts = new Set(next.shifts.map(shiftKey));
  for (const s of prev?.shifts ?? []) {
    const tally = t(s.personId);
    tally.prevShifts++;
    if (!nextShifts.has(shiftKey(s))) tally.removed++;
  }
  for (const s of next.shifts) {
    const tally = t(s.personId);
    tally.nextShifts++;
    if (!prevShifts.has(shiftKey(s))) tally.added++;
  }
  let assignmentsChanged = 0;
  let shiftsChanged = 0;
  let totalUnits = 0;
  let cells = 0;
  let shiftUnits = 0;
  const people: VersionDiff['people'] = [];
  for (const [personId, x] of [...per.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const shifts = Math.max(x.removed, x.added);
    const personShifts = Math.max(x.prevShifts, x.nextShifts);
    assignmentsChanged += x.cellsChanged;
    shiftsChanged += shifts;
    cells += x.cells;
    shiftUnits += personShifts;
    totalUnits += x.cells + personShifts;
    if (x.cellsChanged + shifts > 0) {
      // A person's share is the larger of their block share and their shift share; shift shares
      // count against at least MIN_PERSON_SHIFTS so giving away one of two calls is not "50 %".
      const percent = Math.max(x.cells === 0 ? 0 : (100 * x.cellsChanged) / x.cells, (100 * shifts) / Math.max(MIN_PERSON_SHIFTS, personShifts));
      people.push({ personId, assignmentsChanged: x.cellsChanged, shiftsChanged: shifts, percent: round1(percent) });
    }
  }
  const assignmentsPercent = round1(cells === 0 ? 0 : (100 * assignmentsChanged) / cells);
  const shiftsPercent = round1(shiftUnits === 0 ? 0 : (100 * shiftsChanged) / shiftUnits);
  const maxPersonPercent = people.reduce((m, p) => Math.max(m, p.percent), 0);
  return {
    assignmentsChanged,
    shiftsChanged,
    totalUnits,
    assignmentsPercent,
    shiftsPercent,
    changedPercent: Math.max(assignmentsPercent, shiftsPercent),
    peopleChanged: people.length,
    peopleOverLimit: people.filter((p) => p.percent > CHURN_LIMITS.personPercent).length,
    maxPersonPercent,
    people,
  };
}

/** Whether publishing `diff` needs explicit confirmation (never for the first version). */
export function exceedsChurn(diff: VersionDiff, hasPrevious: boolean): boolean {
  return hasPrevious && (diff.changedPercent > CHURN_LIMITS.overallPercent || diff.peopleOverLimit > 0);
}
