import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeTx } from '../../electron/core/db/unit-of-work';
import { sequentialIds } from '../../electron/core/ids';
import { bindUnit, type Unit } from '../../electron/core/schedule/change';
import { ScheduleService } from '../../electron/core/schedule/service';
import { addDays } from '../../shared/domain/common';
import type { AppError } from '../../shared/errors';
import { scheduleFixture } from '../schedule/fixture';

type Fixture = Awaited<ReturnType<typeof scheduleFixture>>;

/**
 * The write behind generate.accept of a month of call: many shift changes as ONE unit of work,
 * checked before anything is written, each shift's audit entry with its before/after.
 */
describe('applyShiftChanges: an accepted month of call in one unit of work', () => {
  let f: Fixture;
  let units: number;
  let service: ScheduleService;
  let ids: { resident: string; senior: string; night: string; existing: string[] };

  beforeEach(async () => {
    f = await scheduleFixture();
    const { unit } = bindUnit(f.vault.db, f.audit);
    units = 0;
    const counting: Unit = (actor, work) => {
      units++;
      return unit(actor, work);
    };
    service = new ScheduleService(f.store, counting, sequentialIds('bulk'), f.clock);
    f.service.createAcademicYear(f.actor, { label: '2026-27', startDate: '2026-07-01', blockCount: 13, blockDays: 28, halfBlocks: false });
    const person = (displayName: string, pgy: number) =>
      f.service.savePerson(f.actor, { displayName, email: null, kind: 'resident', pgy, specialty: 'internal-medicine', facultyRoles: [], trainingStart: '2026-07-01', trainingEnd: null, active: true });
    const resident = person('Avery Quinlan', 1).id;
    const senior = person('Morgan Ashdown', 3).id;
    const night = f.service.saveShiftType(f.actor, { name: 'Night', shortName: 'N', kind: 'nightFloat', startTime: '19:00', durationMinutes: 720, transitionMinutes: 0, rotationId: null, colour: '#223344' }).id;
    const existing = ['2026-07-01', '2026-07-02'].map((date) => f.service.assignShift(f.actor, { personId: resident, shiftTypeId: night, date }).id);
    ids = { resident, senior, night, existing };
    units = 0;
  });
  afterEach(() => f.close());

  it('removes, then adds, in one change set: a delete entry per removed shift (before), a create entry per new shift (after), then the cause', () => {
    const before = f.auditRows().length;
    const add = Array.from({ length: 30 }, (_, i) => ({ personId: ids.senior, shiftTypeId: ids.night, date: `2026-08-${String(i + 1).padStart(2, '0')}` }));
    // The removed shift's slot is taken again in the same change: removals come first.
    add.push({ personId: ids.resident, shiftTypeId: ids.night, date: '2026-07-01' });
    const applied = service.applyShiftChanges(f.actor, { remove: ids.existing, add }, (tx) => {
      tx.record({ action: 'schedule.generate', resourceType: 'schedule', resourceId: 'preview-1', details: { kind: 'call' } });
    });
    expect(applied).toBe(2 + 31);
    expect(units).toBe(1);
    const added = f.auditRows().slice(before);
    expect(added.map((e) => e.action)).toEqual([...ids.existing.map(() => 'shift.delete'), ...add.map(() => 'shift.create'), 'schedule.generate']);
    expect(added[0]).toMatchObject({ resource: { type: 'shift', id: ids.existing[0] }, before: { date: '2026-07-01', personId: ids.resident } });
    expect(added[0]?.after).toBeUndefined();
    expect(added[2]?.before).toBeUndefined();
    expect(added[2]?.after).toMatchObject({ date: '2026-08-01', personId: ids.senior, shiftTypeId: ids.night });
    const stored = f.store.shiftAssignments.all();
    expect(stored).toHaveLength(31);
    expect(stored.map((s) => s.id)).not.toContain(ids.existing[0]);
    // Instants as the single-shift path materializes them: 19:00 in New York in August is 23:00 UTC.
    expect(stored.find((s) => s.date === '2026-08-01')).toMatchObject({ startsAt: '2026-08-01T23:00:00Z', endsAt: '2026-08-02T11:00:00Z' });
  });

  it('refuses as a whole, writing nothing (not even the removals), when one addition would be refused', () => {
    const before = f.auditRows().length;
    const attempt = (add: Array<{ personId: string; shiftTypeId: string; date: string }>) => () => service.applyShiftChanges(f.actor, { remove: [ids.existing[0]!], add });
    const good = { personId: ids.senior, shiftTypeId: ids.night, date: '2026-08-01' };
    // Already held, and not among the removals.
    expect(attempt([good, { personId: ids.resident, shiftTypeId: ids.night, date: '2026-07-02' }])).toThrow(expect.objectContaining({ code: 'CONFLICT' }) as AppError);
    // The same shift twice in one change.
    expect(attempt([good, good])).toThrow(expect.objectContaining({ code: 'CONFLICT' }) as AppError);
    expect(attempt([good, { ...good, date: '2029-01-01' }])).toThrow(expect.objectContaining({ code: 'BAD_INPUT', issues: [{ path: 'add.1.date', message: 'is outside every academic year' }] }) as AppError);
    expect(attempt([good, { ...good, personId: 'nobody' }])).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }) as AppError);
    expect(units).toBe(0);
    expect(f.auditRows()).toHaveLength(before);
    expect(f.store.shiftAssignments.all().map((s) => s.id).sort()).toEqual([...ids.existing].sort());
  });

  const cause = (tx: ChangeTx): void => {
    tx.record({ action: 'schedule.generate', resourceType: 'schedule', resourceId: 'preview-2', details: { kind: 'call' } });
  };
  /** 100 new night shifts for the senior from August: more than one step of checks. */
  const hundredNights = (): Array<{ personId: string; shiftTypeId: string; date: string }> =>
    Array.from({ length: 100 }, (_, i) => ({ personId: ids.senior, shiftTypeId: ids.night, date: addDays('2026-08-01', i) }));

  it('checks in steps with the event loop free between them, and writes only if nothing was written to the vault since the checks began', async () => {
    let pauses = 0;
    const checked = await service.checkShiftChanges({ remove: ids.existing, add: hundredNights() }, async () => {
      pauses++;
      // Someone else's change while the checks wait: not about these shifts, but a write all the same.
      if (pauses === 1) f.service.savePerson(f.actor, { displayName: 'Rowan Pell', email: null, kind: 'resident', pgy: 2, specialty: 'internal-medicine', facultyRoles: [], trainingStart: '2026-07-01', trainingEnd: null, active: true });
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(pauses).toBeGreaterThanOrEqual(2);
    const before = f.auditRows().length;
    expect(service.writeCheckedShiftChanges(f.actor, checked!, cause)).toBeNull();
    expect(units).toBe(0);
    expect(f.auditRows()).toHaveLength(before);
    expect(f.store.shiftAssignments.all().map((s) => s.id).sort()).toEqual([...ids.existing].sort());

    // Checked again with nothing written meanwhile: one unit of work, as applyShiftChanges writes it.
    const again = await service.checkShiftChanges({ remove: ids.existing, add: hundredNights() }, () => new Promise((resolve) => setImmediate(resolve)));
    expect(service.writeCheckedShiftChanges(f.actor, again!, cause)).toBe(2 + 100);
    expect(units).toBe(1);
    expect(f.auditRows().slice(before).map((e) => e.action)).toEqual(['shift.delete', 'shift.delete', ...hundredNights().map(() => 'shift.create'), 'schedule.generate']);
    expect(f.store.shiftAssignments.all()).toHaveLength(100);
  });

  it('refuses in steps what it refuses in one turn, writing nothing', async () => {
    const add = [...hundredNights(), { personId: ids.resident, shiftTypeId: ids.night, date: '2026-07-02' }];
    const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    await expect(service.checkShiftChanges({ remove: [ids.existing[0]!], add }, pause)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(service.checkShiftChanges({ remove: ['no-such-shift'], add: [] }, pause)).rejects.toMatchObject({ code: 'NOT_FOUND', issues: [{ path: 'remove.0' }] });
    expect(units).toBe(0);
    expect(f.store.shiftAssignments.all().map((s) => s.id).sort()).toEqual([...ids.existing].sort());
  });

  it('a check refused after a write during the checks: null (look again), not the refusal; the same refusal with no write meanwhile is final', async () => {
    const newcomer = f.service.savePerson(f.actor, { displayName: 'Rowan Pell', email: null, kind: 'resident', pgy: 2, specialty: 'internal-medicine', facultyRoles: [], trainingStart: '2026-07-01', trainingEnd: null, active: true }).id;
    const changes = { remove: ids.existing, add: [...hundredNights(), { personId: newcomer, shiftTypeId: ids.night, date: '2026-08-01' }] };
    let pauses = 0;
    // Someone removes the newcomer while the checks wait, before the additions are checked.
    const checked = await service.checkShiftChanges(changes, async () => {
      if (pauses++ === 0) f.service.removePerson(f.actor, newcomer);
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(checked).toBeNull();
    const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    await expect(service.checkShiftChanges(changes, pause)).rejects.toMatchObject({ code: 'NOT_FOUND', issues: [{ path: 'add.100.personId' }] });
    expect(units).toBe(0);
  });

  it('a write that slips in after the checks were compared, before the transaction begins: nothing written, null (check again), not an error', async () => {
    const { unit } = bindUnit(f.vault.db, f.audit);
    let slipIn = true;
    // Stands for another connection committing between writeCheckedShiftChanges' first comparison and BEGIN.
    const racing: Unit = (actor, work) => {
      if (slipIn) {
        slipIn = false;
        f.service.savePerson(f.actor, { displayName: 'Rowan Pell', email: null, kind: 'resident', pgy: 2, specialty: 'internal-medicine', facultyRoles: [], trainingStart: '2026-07-01', trainingEnd: null, active: true });
      }
      return unit(actor, work);
    };
    const raced = new ScheduleService(f.store, racing, sequentialIds('raced'), f.clock);
    const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const checked = await raced.checkShiftChanges({ remove: ids.existing, add: hundredNights() }, pause);
    const before = f.auditRows().length;
    expect(raced.writeCheckedShiftChanges(f.actor, checked!, cause)).toBeNull();
    expect(f.auditRows().slice(before).map((e) => e.action)).toEqual(['person.create']);
    expect(f.store.shiftAssignments.all().map((s) => s.id).sort()).toEqual([...ids.existing].sort());
    // applyShiftChanges checks again after such a write and then writes.
    slipIn = true;
    expect(raced.applyShiftChanges(f.actor, { remove: ids.existing, add: hundredNights() }, cause)).toBe(2 + 100);
    expect(f.store.shiftAssignments.all()).toHaveLength(100);
  });
});
