import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../shared/compliance/time/civil';
import { formatUtcInstant } from '../../shared/compliance/time/instant';
import { localToInstant } from '../../shared/compliance/time/zone';
import type { ProgramSettings, ShiftAssignment } from '../../shared/domain/schedule';
import { previewsOf } from '../../electron/core/generate/preview';
import { expectError } from '../accounts/helpers';
import { CALL_BUDGET, JULY_CALL, demoCoverage, demoProgram, type DemoProgram, type Preview } from './helpers';


/**
 * generate.accept of a month of call checks its changes in steps, leaving the main thread free
 * between them, and writes them in one transaction. Whatever other calls write meanwhile, what it
 * writes is checked against the vault as it is at the write.
 */
describe('generate.accept: checked in steps, written as one unit of work', () => {
  let d: DemoProgram;
  beforeAll(async () => {
    d = await demoProgram();
  });
  afterAll(() => d.h.stop());

  const solve = (seed: number): Promise<Preview> => d.h.ok<Preview>('generate.call', { ...JULY_CALL, coverage: demoCoverage(d), seed, ...CALL_BUDGET });
  const julyShifts = (): Promise<ShiftAssignment[]> => d.h.ok<ShiftAssignment[]>('shifts.list', { from: JULY_CALL.from, to: JULY_CALL.to });

  it('a time zone changed while accept checks its changes: checked again, the shifts are written in the new zone', async () => {
    const p = await solve(3);
    const settings = await d.h.ok<ProgramSettings>('program.get', {});
    const kept = new Set((await julyShifts()).map((s) => s.id));
    const before = d.auditActions().length;
    // The dispatcher runs the handler up to its first pause before returning.
    const accepting = d.h.call<{ applied: number }>('generate.accept', { previewId: p.previewId });
    await d.h.ok('program.update', { settings: { ...settings, timeZone: 'America/Los_Angeles' } });
    const accepted = await accepting;
    expect(accepted.ok).toBe(true);
    const added = d.auditActions().slice(before);
    // The settings change came first, then the accepted month in one change set.
    expect(added[0]).toBe('settings.update');
    expect(added.at(-1)).toBe('schedule.generate');
    const types = new Map([...d.shiftTypes.values()].map((t) => [t.id, t]));
    // The shifts the accept added (those it kept were materialized when they were first written).
    const written = (await julyShifts()).filter((s) => !kept.has(s.id));
    expect(written.length).toBe(added.filter((a) => a === 'shift.create').length);
    expect(written.length).toBeGreaterThan(10);
    for (const s of written) {
      const type = types.get(s.shiftTypeId)!;
      const [h, m] = type.startTime.split(':').map(Number) as [number, number];
      const local = localToInstant('America/Los_Angeles', parseIsoDate(s.date)!, h * 60 + m, 'earlier');
      expect(local.ok).toBe(true);
      if (local.ok) expect(s.startsAt).toBe(formatUtcInstant(local.instant));
    }
  });

  it('the month changed while accept checks its changes: refused as stale, nothing of the preview written', async () => {
    const p = await solve(4);
    const shiftsBefore = await julyShifts();
    const before = d.auditActions().length;
    const accepting = d.h.call('generate.accept', { previewId: p.previewId });
    await d.h.ok('absences.save', {
      personId: d.residents[0]!.id, type: 'sick', startDate: '2026-07-20', endDate: '2026-07-21', status: 'approved', excludeFromAveraging: true, reason: null, notes: null, location: null,
    });
    expectError(await accepting, 'CONFLICT');
    expect(d.auditActions().slice(before)).toEqual(['absence.create']);
    expect(await julyShifts()).toEqual(shiftsBefore);
  });

  it('a vault written on every turn meanwhile does not starve accept: in the end it checks and writes in one turn', async () => {
    const p = await solve(5);
    const settings = await d.h.ok<ProgramSettings>('program.get', {});
    let done = false;
    let writes = 0;
    const writer = (async () => {
      while (!done) {
        await d.h.ok('program.update', { settings: { ...settings, name: `Program ${++writes}` } });
        await nextTurn();
      }
    })();
    const accepted = await d.h.call<{ applied: number; auditEntries: number }>('generate.accept', { previewId: p.previewId });
    done = true;
    await writer;
    expect(accepted.ok).toBe(true);
    expect(writes).toBeGreaterThan(1);
    if (accepted.ok) expect(accepted.value.auditEntries).toBe(accepted.value.applied + 1);
    const key = (s: { personId: string; date: string; shiftTypeId: string }): string => `${s.personId}|${s.date}|${s.shiftTypeId}`;
    const stored = new Set((await julyShifts()).map(key));
    expect(p.shifts.every((s) => stored.has(key(s)))).toBe(true);
  });

  it('a shift the preview removes, deleted while accept checks: refused as a stale preview, not as a missing shift', async () => {
    const p = await solve(6);
    const stored = previewsOf(d.h.core.accounts.vault().db).get(p.previewId)!;
    if (stored.plan.kind !== 'call') throw new Error('expected a plan of call');
    // Beyond the first step of checks, which runs before accept first pauses.
    expect(stored.plan.remove.length).toBeGreaterThan(64);
    const target = stored.plan.remove.at(-1)!;
    const before = d.auditActions().length;
    const accepting = d.h.call('generate.accept', { previewId: p.previewId });
    await d.h.ok('shifts.unassign', { id: target });
    const refused = await accepting;
    expectError(refused, 'CONFLICT');
    if (!refused.ok) expect(refused.error.message).toMatch(/Generate a new one/);
    expect(d.auditActions().slice(before)).toEqual(['shift.delete']);
  });
});
