import type { z } from 'zod';
import type { PreviewView } from '../../shared/contract/generate';
import type { Block, PersonFields, RotationFields, ShiftType } from '../../shared/domain/schedule';
import { setupAndSignInAdmin, startCore, type Harness } from '../accounts/helpers';

export type Preview = z.output<typeof PreviewView>;
type Person = z.output<typeof PersonFields>;
type Rotation = z.output<typeof RotationFields>;

export interface DemoProgram {
  h: Harness;
  yearId: string;
  blocks: Block[];
  people: Person[];
  residents: Person[];
  rotations: Map<string, Rotation>;
  shiftTypes: Map<string, ShiftType>;
  /** Every audit entry in the vault, oldest first. */
  auditActions(): string[];
}

/**
 * A real core (vault, accounts, dispatcher) with the admin signed in and the demo program seeded:
 * 36 residents (12 per PGY), 12 faculty, 13 four-week blocks from 2026-07-01, 12 rotations, call.
 */
export async function demoProgram(): Promise<DemoProgram> {
  const h = startCore();
  await setupAndSignInAdmin(h);
  await h.ok('demo.seed', { residentsPerPgy: 12, startDate: '2026-07-01' });
  const years = await h.ok<Array<{ year: { id: string }; blocks: Block[] }>>('years.list', {});
  const year = years[0]!;
  const people = await h.ok<Person[]>('people.list', {});
  const rotations = await h.ok<Rotation[]>('rotations.list', {});
  const shiftTypes = await h.ok<ShiftType[]>('shiftTypes.list', {});
  return {
    h,
    yearId: year.year.id,
    blocks: [...year.blocks].sort((a, b) => (a.startDate < b.startDate ? -1 : 1)),
    people,
    residents: people.filter((p) => p.kind === 'resident'),
    rotations: new Map(rotations.map((r) => [r.shortName, r])),
    shiftTypes: new Map(shiftTypes.map((t) => [t.shortName, t])),
    auditActions: () =>
      (h.core.accounts.vault().db.prepare('SELECT entry FROM audit_entry ORDER BY seq').pluck().all() as string[]).map((t) => (JSON.parse(t) as { action: string }).action),
  };
}

/** A reproducible call solve (bounded in iterations, the clock only as a safety net). */
export const CALL_BUDGET = { maxIterations: 120_000, timeLimitMs: 120_000 };
/** July's call period of the demo year, with its holiday. */
export const JULY_CALL = { from: '2026-07-01', to: '2026-07-31', holidays: ['2026-07-03'] };

/** The demo's call as the program runs it: ward call from both ward teams, ICU call from MICU and CCU, two night floats. */
export function demoCoverage(d: DemoProgram): Array<Record<string, unknown>> {
  const rot = (s: string): string => d.rotations.get(s)!.id;
  const st = (s: string): string => d.shiftTypes.get(s)!.id;
  return [
    { shiftTypeId: st('W24'), minPerDay: 1, rotationIds: [rot('WARD-A'), rot('WARD-B')] },
    { shiftTypeId: st('I24'), minPerDay: 1, rotationIds: [rot('MICU'), rot('CCU')] },
    { shiftTypeId: st('NF'), minPerDay: 2 },
  ];
}
