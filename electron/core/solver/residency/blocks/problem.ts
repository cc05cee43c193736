import type { Absence, Block, BlockAssignment, Credential, CurriculumRequirement, Person, Rotation } from '../../../../../shared/domain/schedule';
import { addDays, daysBetween } from '../../../../../shared/domain/common';

/**
 * The annual rotation problem as plain data (structured-clone safe, so it crosses into the worker):
 * the vault's records for one academic year plus the coordinator's preferences. Everything the
 * model needs is derived from it by `compileBlocks`, which is pure.
 */
export interface BlockPreference {
  personId: string;
  /** null: "at least one block of this rotation somewhere in the year". */
  blockId: string | null;
  rotationId: string;
  /** Soft weight of the preference (1-100). */
  weight: number;
  /** true: the person would rather NOT be on this rotation (that block, or at all). */
  avoid: boolean;
}

export interface BlockSnapshot {
  people: readonly Person[];
  rotations: readonly Rotation[];
  /** Blocks of the year, any order. */
  blocks: readonly Block[];
  credentials: readonly Credential[];
  absences: readonly Absence[];
  curriculum: readonly CurriculumRequirement[];
  /** Current assignments of these blocks (all people: non-trainee rows are kept as they are). */
  current: readonly BlockAssignment[];
}

export interface BlockSolveInput {
  snapshot: BlockSnapshot;
  preferences: readonly BlockPreference[];
  /** fresh: build from scratch (pinned kept); repair: start from the current schedule and minimise changes. */
  mode: 'fresh' | 'repair';
}

/** Soft weights. Churn dominates preferences in repair mode: a repair should only change what it must. */
export const BLOCK_WEIGHTS = {
  churn: 1000,
  /** Same rotation in two consecutive blocks (variety). */
  repeat: 3,
  /** Per block, the sum of squared head counts per rotation: lowest when load is spread evenly. */
  balance: 1,
  /** Multiplies a preference's own weight. */
  preference: 10,
} as const;

export interface CompiledBlocks {
  P: number;
  B: number;
  /** Rotations; value R means "no rotation" (only allowed on leave when no leave rotation fits). */
  R: number;
  personIds: string[];
  blockIds: string[];
  rotationIds: string[];
  pgy: Int32Array;
  /** 1 for full blocks, 0.5 for half blocks (as the curriculum rule counts them). */
  blockWeight: Float64Array;
  capMin: Int32Array;
  capMax: Int32Array;
  isLeaveRotation: Uint8Array;
  /** Group index per rotation (-1 when no requirement mentions the group). */
  rotationGroup: Int32Array;
  /** Per person: requirements as [groupIndex, min, max] triples. */
  requirements: Array<Array<[number, number, number]>>;
  /** allowed[(p*B+b)*(R+1)+v] = 1 when the value respects eligibility, credentials and leave. */
  allowed: Uint8Array;
  /** Per cell: the value it must keep (pinned), or -1. */
  fixed: Int32Array;
  /** Per cell: the current value, or -1 when unassigned. */
  current: Int32Array;
  /** Per cell: approved leave covers most of the block. */
  onLeave: Uint8Array;
  /** Per cell and value: soft cost from preferences naming that block. */
  cellSoft: Float64Array;
  /** Per person: [rotation index, weight, avoid ? 1 : 0] for year-level preferences. */
  yearPrefs: Array<Array<[number, number, number]>>;
  mode: 'fresh' | 'repair';
}

const TRAINEE = new Set(['resident', 'fellow']);

/** Trainees the generator schedules: active residents and fellows with a PGY level. */
export function schedulablePeople(people: readonly Person[]): Person[] {
  return people.filter((p) => p.active && TRAINEE.has(p.kind) && p.pgy !== null);
}

/** Days of [from, to] covered by approved absences of one person. */
export function leaveDaysIn(absences: readonly Absence[], from: string, to: string): number {
  const days = new Set<string>();
  for (const a of absences) {
    if (a.status !== 'approved') continue;
    const s = a.startDate > from ? a.startDate : from;
    const e = a.endDate < to ? a.endDate : to;
    for (let d = s; d <= e; d = addDays(d, 1)) days.add(d);
  }
  return days.size;
}

export function compileBlocks(input: BlockSolveInput): CompiledBlocks {
  const { snapshot } = input;
  const people = schedulablePeople(snapshot.people);
  const blocks = [...snapshot.blocks].sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : a.id < b.id ? -1 : 1));
  const rotations = snapshot.rotations;
  const P = people.length;
  const B = blocks.length;
  const R = rotations.length;
  const V = R + 1;
  const personIndex = new Map(people.map((p, i) => [p.id, i]));
  const blockIndex = new Map(blocks.map((b, i) => [b.id, i]));
  const rotationIndex = new Map(rotations.map((r, i) => [r.id, i]));

  const groups: string[] = [...new Set(snapshot.curriculum.map((r) => r.rotationGroup))];
  const groupIndex = new Map(groups.map((g, i) => [g, i]));
  const rotationGroup = Int32Array.from(rotations.map((r) => groupIndex.get(r.group) ?? -1));
  const requirements = people.map((p) =>
    snapshot.curriculum.filter((req) => req.pgy === p.pgy).map((req): [number, number, number] => [groupIndex.get(req.rotationGroup) ?? -1, req.minBlocks, req.maxBlocks]),
  );

  const credsByPerson = new Map<string, Credential[]>();
  for (const c of snapshot.credentials) credsByPerson.set(c.personId, [...(credsByPerson.get(c.personId) ?? []), c]);
  const absByPerson = new Map<string, Absence[]>();
  for (const a of snapshot.absences) absByPerson.set(a.personId, [...(absByPerson.get(a.personId) ?? []), a]);

  const allowed = new Uint8Array(P * B * V);
  const onLeave = new Uint8Array(P * B);
  const isLeaveRotation = Uint8Array.from(rotations.map((r) => (r.setting === 'leave' ? 1 : 0)));
  people.forEach((person, p) => {
    const creds = credsByPerson.get(person.id) ?? [];
    blocks.forEach((block, b) => {
      const cell = p * B + b;
      const length = daysBetween(block.startDate, block.endDate) + 1;
      // "Most of a block": more than half of its days on approved leave.
      const leave = 2 * leaveDaysIn(absByPerson.get(person.id) ?? [], block.startDate, block.endDate) > length;
      onLeave[cell] = leave ? 1 : 0;
      let any = false;
      rotations.forEach((rot, r) => {
        if (!rot.eligiblePgy.includes(person.pgy ?? 0)) return;
        if ((rot.setting === 'leave') !== leave) return;
        // Same test as the PRG-CREDENTIAL rule: valid over the whole block.
        const credentialed = rot.requiredCredentials.every((name) =>
          creds.some((c) => c.name === name && (c.issuedOn === null || c.issuedOn <= block.startDate) && (c.expiresOn === null || c.expiresOn >= block.endDate)),
        );
        if (!credentialed) return;
        allowed[cell * V + r] = 1;
        any = true;
      });
      if (leave && !any) allowed[cell * V + R] = 1;
    });
  });

  const fixed = new Int32Array(P * B).fill(-1);
  const current = new Int32Array(P * B).fill(-1);
  for (const a of snapshot.current) {
    const p = personIndex.get(a.personId);
    const b = blockIndex.get(a.blockId);
    const r = rotationIndex.get(a.rotationId);
    if (p === undefined || b === undefined || r === undefined) continue;
    current[p * B + b] = r;
    if (a.pinned) fixed[p * B + b] = r;
  }

  const cellSoft = new Float64Array(P * B * V);
  const yearPrefs: Array<Array<[number, number, number]>> = people.map(() => []);
  for (const pref of input.preferences) {
    const p = personIndex.get(pref.personId);
    const r = rotationIndex.get(pref.rotationId);
    if (p === undefined || r === undefined) continue;
    const w = pref.weight * BLOCK_WEIGHTS.preference;
    if (pref.blockId === null) {
      yearPrefs[p]!.push([r, w, pref.avoid ? 1 : 0]);
      continue;
    }
    const b = blockIndex.get(pref.blockId);
    if (b === undefined) continue;
    const base = (p * B + b) * V;
    // "Wants r": every other value costs w. "Avoids r": r costs w.
    for (let v = 0; v < V; v++) if ((v === r) === pref.avoid) cellSoft[base + v]! += w;
  }

  return {
    P, B, R,
    personIds: people.map((p) => p.id),
    blockIds: blocks.map((b) => b.id),
    rotationIds: rotations.map((r) => r.id),
    pgy: Int32Array.from(people.map((p) => p.pgy ?? 0)),
    blockWeight: Float64Array.from(blocks.map((b) => (b.half === 'full' ? 1 : 0.5))),
    capMin: Int32Array.from(rotations.map((r) => r.capacityMin)),
    capMax: Int32Array.from(rotations.map((r) => r.capacityMax)),
    isLeaveRotation,
    rotationGroup,
    requirements,
    allowed,
    fixed,
    current,
    onLeave,
    cellSoft,
    yearPrefs,
    mode: input.mode,
  };
}
