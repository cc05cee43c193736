import type { Block, BlockAssignment, Person, Rotation } from '../../../shared/domain/schedule';

/**
 * The block schedule as the grid sees it: people (rows) x blocks (columns), a rotation per cell.
 * Pure functions only, so they are unit-tested in Node and cheap to re-run on each edit.
 */

export type CellKey = string;
export const cellKey = (personId: string, blockId: string): CellKey => `${personId}|${blockId}`;
export function splitKey(key: CellKey): { personId: string; blockId: string } {
  const i = key.indexOf('|');
  return { personId: key.slice(0, i), blockId: key.slice(i + 1) };
}

/** Assignments indexed by cell. */
export function indexAssignments(list: readonly BlockAssignment[]): Map<CellKey, BlockAssignment> {
  const map = new Map<CellKey, BlockAssignment>();
  for (const a of list) map.set(cellKey(a.personId, a.blockId), a);
  return map;
}

export interface GridFilters {
  /** Case-insensitive part of the display name. */
  text: string;
  /** Only this PGY level (trainees), or every level. */
  pgy: number | null;
  /** Only people with this rotation in at least one block of the year. */
  rotationId: string | null;
  /** Which kinds of people to show. */
  kind: 'trainees' | 'faculty' | 'all';
}
export const NO_FILTERS: GridFilters = { text: '', pgy: null, rotationId: null, kind: 'all' };

const KIND_ORDER: Record<Person['kind'], number> = { resident: 0, fellow: 1, faculty: 2, other: 3 };

/** Residents by PGY then name, then fellows, faculty and others: how coordinators read the grid. */
export function comparePeople(a: Person, b: Person): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.pgy ?? 0) - (b.pgy ?? 0) || a.displayName.localeCompare(b.displayName, undefined, { numeric: true });
}

export function filterPeople(people: readonly Person[], filters: GridFilters, assignments: ReadonlyMap<CellKey, BlockAssignment>, blocks: readonly Block[]): Person[] {
  const text = filters.text.trim().toLowerCase();
  const out = people.filter((p) => {
    if (!p.active) return false;
    if (filters.kind === 'trainees' && p.kind !== 'resident' && p.kind !== 'fellow') return false;
    if (filters.kind === 'faculty' && p.kind !== 'faculty') return false;
    if (filters.pgy !== null && p.pgy !== filters.pgy) return false;
    if (text && !p.displayName.toLowerCase().includes(text)) return false;
    if (filters.rotationId !== null && !blocks.some((b) => assignments.get(cellKey(p.id, b.id))?.rotationId === filters.rotationId)) return false;
    return true;
  });
  return out.sort(comparePeople);
}

export type CapacityState = 'ok' | 'under' | 'over';
export interface CapacityCell {
  count: number;
  min: number;
  max: number;
  state: CapacityState;
}
export const capKey = (rotationId: string, blockId: string): string => `${rotationId}|${blockId}`;

/** Trainees per rotation per block against its minimum and maximum (faculty do not count). */
export function capacity(
  rotations: readonly Rotation[],
  blocks: readonly Block[],
  assignments: ReadonlyMap<CellKey, BlockAssignment>,
  peopleById: ReadonlyMap<string, Person>,
): Map<string, CapacityCell> {
  const counts = new Map<string, number>();
  for (const a of assignments.values()) {
    const kind = peopleById.get(a.personId)?.kind;
    if (kind !== 'resident' && kind !== 'fellow') continue;
    const k = capKey(a.rotationId, a.blockId);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const out = new Map<string, CapacityCell>();
  for (const r of rotations) {
    for (const b of blocks) {
      const count = counts.get(capKey(r.id, b.id)) ?? 0;
      // Leave "rotations" have no staffing limits (the program rules skip them too).
      const state: CapacityState = r.setting === 'leave' ? 'ok' : count > r.capacityMax ? 'over' : count < r.capacityMin ? 'under' : 'ok';
      out.set(capKey(r.id, b.id), { count, min: r.capacityMin, max: r.capacityMax, state });
    }
  }
  return out;
}

export interface Pos {
  row: number;
  col: number;
}

/** The cells of the rectangle between two positions, inclusive, as keys. */
export function rectKeys(rows: readonly Person[], cols: readonly Block[], a: Pos, b: Pos): CellKey[] {
  const keys: CellKey[] = [];
  const r0 = Math.max(0, Math.min(a.row, b.row));
  const r1 = Math.min(rows.length - 1, Math.max(a.row, b.row));
  const c0 = Math.max(0, Math.min(a.col, b.col));
  const c1 = Math.min(cols.length - 1, Math.max(a.col, b.col));
  for (let r = r0; r <= r1; r++) {
    const person = rows[r] as Person;
    for (let c = c0; c <= c1; c++) keys.push(cellKey(person.id, (cols[c] as Block).id));
  }
  return keys;
}

/** Moves a position by a key press, clamped to the grid. Returns null for keys that do not move. */
export function move(pos: Pos, key: string, rows: number, cols: number, pageRows: number): Pos | null {
  const clamp = (p: Pos): Pos => ({ row: Math.max(0, Math.min(rows - 1, p.row)), col: Math.max(0, Math.min(cols - 1, p.col)) });
  switch (key) {
    case 'ArrowUp': return clamp({ ...pos, row: pos.row - 1 });
    case 'ArrowDown': return clamp({ ...pos, row: pos.row + 1 });
    case 'ArrowLeft': return clamp({ ...pos, col: pos.col - 1 });
    case 'ArrowRight': return clamp({ ...pos, col: pos.col + 1 });
    case 'PageUp': return clamp({ ...pos, row: pos.row - pageRows });
    case 'PageDown': return clamp({ ...pos, row: pos.row + pageRows });
    case 'Home': return clamp({ ...pos, col: 0 });
    case 'End': return clamp({ ...pos, col: cols - 1 });
    default: return null;
  }
}

/**
 * Rotations matching what was typed, best first: short name prefix, then name prefix, then
 * anywhere. Eligible rotations first when a PGY is given (the core refuses the others).
 */
export function typeAhead(rotations: readonly Rotation[], query: string, pgy: number | null = null): Rotation[] {
  const q = query.trim().toLowerCase();
  const score = (r: Rotation): number => {
    const s = r.shortName.toLowerCase();
    const n = r.name.toLowerCase();
    if (!q) return 3;
    if (s.startsWith(q)) return 0;
    if (n.startsWith(q)) return 1;
    if (s.includes(q) || n.includes(q)) return 2;
    return -1;
  };
  const eligible = (r: Rotation): number => (pgy === null || r.eligiblePgy.includes(pgy) ? 0 : 1);
  return rotations
    .map((r) => ({ r, s: score(r) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => eligible(a.r) - eligible(b.r) || a.s - b.s || a.r.shortName.localeCompare(b.r.shortName))
    .map((x) => x.r);
}

/**
 * A copied rectangle of rotations, pasted with its top-left at `at`. Cells that fall outside the
 * grid are dropped.
 */
export function pasteItems(
  clip: ReadonlyArray<ReadonlyArray<string | null>>,
  at: Pos,
  rows: readonly Person[],
  cols: readonly Block[],
): Array<{ personId: string; blockId: string; rotationId: string | null }> {
  const items: Array<{ personId: string; blockId: string; rotationId: string | null }> = [];
  clip.forEach((line, dr) => {
    const person = rows[at.row + dr];
    if (!person) return;
    line.forEach((rotationId, dc) => {
      const block = cols[at.col + dc];
      if (block) items.push({ personId: person.id, blockId: block.id, rotationId });
    });
  });
  return items;
}

/** The bounding rectangle of the selected keys as rotation ids (null = empty cell), for copy. */
export function copyRect(
  selected: ReadonlySet<CellKey>,
  rows: readonly Person[],
  cols: readonly Block[],
  assignments: ReadonlyMap<CellKey, BlockAssignment>,
): Array<Array<string | null>> {
  let r0 = Infinity, r1 = -1, c0 = Infinity, c1 = -1;
  rows.forEach((p, r) =>
    cols.forEach((b, c) => {
      if (!selected.has(cellKey(p.id, b.id))) return;
      r0 = Math.min(r0, r); r1 = Math.max(r1, r); c0 = Math.min(c0, c); c1 = Math.max(c1, c);
    }),
  );
  const out: Array<Array<string | null>> = [];
  for (let r = r0; r <= r1; r++) {
    const line: Array<string | null> = [];
    for (let c = c0; c <= c1; c++) line.push(assignments.get(cellKey((rows[r] as Person).id, (cols[c] as Block).id))?.rotationId ?? null);
    out.push(line);
  }
  return out;
}
