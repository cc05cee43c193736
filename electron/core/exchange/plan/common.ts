import type { z } from 'zod';
import { looksLikeFormula } from '../../../../shared/exchange/csv';
import type { ColumnMapping, PreviewRow } from '../../../../shared/exchange/import-fields';
import { NameIndex, normalize } from '../../../../shared/exchange/text';
import type { Absence, AbsenceFields, Block, BlockAssignment, Person, Rotation } from '../../../../shared/domain/schedule';
import type { Table, TableRow } from '../table';

/** What the planner matches rows against: the program as it is now. */
export interface PlanContext {
  people: readonly Person[];
  rotations: readonly Rotation[];
  absences: readonly Absence[];
  /** Blocks of the target year (assignments only). */
  blocks: readonly Block[];
  assignments: readonly BlockAssignment[];
}

type Upsert<T extends { id: string }> = Omit<T, 'id'> & { id?: string };

/** One write the confirmed import will make, through the audited scheduling services. */
export type ImportOp =
  | { type: 'person'; input: Upsert<Person> }
  | { type: 'rotation'; input: Upsert<Rotation> }
  | { type: 'absence'; input: Upsert<z.output<typeof AbsenceFields>> }
  | { type: 'assignment'; personId: string; blockId: string; rotationId: string };

export interface Plan {
  layout: 'long' | 'grid';
  rows: PreviewRow[];
  ops: ImportOp[];
}

/** Row access by field through the column mapping. */
export function fieldReader(table: Table, mapping: ColumnMapping) {
  const index = new Map<string, number>();
  for (const [field, header] of Object.entries(mapping)) {
    const i = table.headers.indexOf(header);
    if (i >= 0) index.set(field, i);
  }
  return (row: TableRow, field: string): string => {
    const i = index.get(field);
    return i === undefined ? '' : (row.cells[i] ?? '').trim();
  };
}

export class RowError extends Error {}

/** Text cells: a formula-looking value is refused (it would come back out of every export). */
export function text(value: string, field: string): string {
  if (looksLikeFormula(value)) throw new RowError(`${field} looks like a spreadsheet formula`);
  return value;
}

export function row(line: number, status: PreviewRow['status'], summary: string, reason: string | null = null, matchScore: number | null = null, column: string | null = null): PreviewRow {
  return { row: line, column, status, summary: summary.slice(0, 500), reason: reason?.slice(0, 500) ?? null, matchScore };
}

export type PersonLookup = { ok: true; person: Person; score: number; exact: boolean; byEmail: boolean } | { ok: false; reason: string };

/** Indexes built once per plan (the context's arrays are never mutated while planning). */
const personIndexes = new WeakMap<readonly Person[], { names: NameIndex<Person>; emails: Map<string, Person> }>();
const rotationIndexes = new WeakMap<readonly Rotation[], NameIndex<Rotation>>();

function personIndex(people: readonly Person[]) {
  let idx = personIndexes.get(people);
  if (!idx) {
    idx = { names: new NameIndex(people, (p) => [p.displayName]), emails: new Map(people.filter((p) => p.email !== null).map((p) => [(p.email as string).toLowerCase(), p])) };
    personIndexes.set(people, idx);
  }
  return idx;
}

/** A person by email (exact, case-insensitive), else by name (exact, then fuzzy with a margin). */
export function findPerson(ctx: PlanContext, name: string, email: string): PersonLookup {
  const idx = personIndex(ctx.people);
  if (email) {
    const byEmail = idx.emails.get(email.toLowerCase());
    if (byEmail) return { ok: true, person: byEmail, score: 1, exact: true, byEmail: true };
  }
  if (!name) return { ok: false, reason: 'no name or known email' };
  const r = idx.names.match(name, { threshold: 0.88, margin: 0.03 });
  if (r.kind === 'match') return { ok: true, person: r.match.item, score: Math.round(r.match.score * 1000) / 1000, exact: r.match.exact, byEmail: false };
  if (r.kind === 'ambiguous') return { ok: false, reason: `the name matches ${r.candidates} people equally well; add an email column` };
  return { ok: false, reason: 'no person with a similar name' };
}

/** A rotation by short name or name (exact), else by name (fuzzy). */
export function findRotation(ctx: PlanContext, value: string): Rotation | null {
  const n = normalize(value);
  if (!n) return null;
  const exact = ctx.rotations.find((r) => normalize(r.shortName) === n) ?? ctx.rotations.find((r) => normalize(r.name) === n);
  if (exact) return exact;
  let idx = rotationIndexes.get(ctx.rotations);
  if (!idx) rotationIndexes.set(ctx.rotations, (idx = new NameIndex(ctx.rotations, (x) => [x.name])));
  const r = idx.match(value, { threshold: 0.9, margin: 0.03 });
  return r.kind === 'match' ? r.match.item : null;
}

export function matchNote(score: number, exact: boolean): string | null {
  return exact ? null : `name matched approximately (similarity ${score.toFixed(2)})`;
}
