import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person, Rotation } from '../../shared/domain/schedule';
import { AppError } from '../../shared/errors';
import { scheduleFixture } from './fixture';

type Fixture = Awaited<ReturnType<typeof scheduleFixture>>;

const resident = (over: Partial<Person> = {}): Omit<Person, 'id'> => ({
  displayName: 'Avery Quinlan', email: 'avery.q@example.org', kind: 'resident', pgy: 1, specialty: 'internal-medicine',
  facultyRoles: [], trainingStart: '2026-07-01', trainingEnd: null, active: true, ...over,
});
const rotation = (over: Partial<Rotation> = {}): Omit<Rotation, 'id'> => ({
  name: 'Medical ICU', shortName: 'MICU', setting: 'icu', site: 'Main', colour: '#aa3344', eligiblePgy: [2, 3],
  capacityMin: 1, capacityMax: 2, requiredCredentials: [], supervisionRatio: null, hoursException: null, rulePacks: [], group: 'ICU', ...over,
});

function expectBadInput(fn: () => unknown, path: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('BAD_INPUT');
    expect((err as AppError).issues?.map((i) => i.path)).toContain(path);
    return;
  }
  throw new Error('expected BAD_INPUT');
}

describe('scheduling services on a real vault', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await scheduleFixture();
    f.service.saveSettings(f.actor, { name: 'Test Program', specialty: 'internal-medicine', timeZone: 'America/New_York', ruleSet: 'CPR-2025', rulePacks: [], workPeriodGapMinutes: 0 });
  });
  afterEach(() => f.close());

  it('creates an academic year of 13 four-week blocks, the last one absorbing the 365th day', () => {
    const { year, blocks } = f.service.createAcademicYear(f.actor, { label: '2026-27', startDate: '2026-07-01', blockCount: 13, blockDays: 28, halfBlocks: false });
    expect(year.endDate).toBe('2027-06-30');
    expect(blocks).toHaveLength(13);
    expect(blocks[0]).toMatchObject({ startDate: '2026-07-01', endDate: '2026-07-28' });
    expect(blocks[12]).toMatchObject({ startDate: '2027-06-02', endDate: '2027-06-30' });
    expect(f.auditRows().filter((e) => e.action === 'block.create')).toHaveLength(13);
  });

  it('writes every change with its audit entry, before and after, in the same transaction', () => {
    const p = f.service.savePerson(f.actor, resident());
    f.service.savePerson(f.actor, { ...p, pgy: 2 });
    const entries = f.auditRows().filter((e) => e.resource.type === 'person');
    expect(entries.map((e) => e.action)).toEqual(['person.create', 'person.update']);
    expect(entries[1]).toMatchObject({ before: { pgy: 1 }, after: { pgy: 2 } });
  });

  it('leaves neither change nor entry when a change is refused', () => {
    const before = f.auditRows().length;
    expectBadInput(() => f.service.savePerson(f.actor, resident({ pgy: null })), 'pgy');
    expect(f.store.people.all()).toHaveLength(0);
    expect(f.auditRows()).toHaveLength(before);
  });

  it('refuses a rotation the person is not eligible for, naming the field', () => {
    const { blocks } = f.service.createAcademicYear(f.actor, { label: 'Y', startDate: '2026-07-01', blockCount: 13, blockDays: 28, halfBlocks: false });
    const p = f.service.savePerson(f.actor, resident({ pgy: 1 }));
    const micu = f.service.saveRotation(f.actor, rotation({ eligiblePgy: [2, 3] }));
    expectBadInput(() => f.service.setBlockAssignment(f.actor, { personId: p.id, blockId: blocks[0]!.id, rotationId: micu.id }), 'rotationId');
  });

  it('refuses overlapping absences and shifts outside the academic year', () => {
    f.service.createAcademicYear(f.actor, { label: 'Y', startDate: '2026-07-01', blockCount: 13, blockDays: 28, halfBlocks: false });
    const p = f.service.savePerson(f.actor, resident());
    const base = { personId: p.id, type: 'vacation' as const, status: 'approved' as const, excludeFromAveraging: true, reason: null, notes: null, location: null };
    f.service.saveAbsence(f.actor, { ...base, startDate: '2026-07-10', endDate: '2026-07-16' });
    expectBadInput(() => f.service.saveAbsence(f.actor, { ...base, startDate: '2026-07-16', endDate: '2026-07-20' }), 'startDate');
    const night = f.service.saveShiftType(f.actor, { name: 'Night', shortName: 'N', kind: 'inHouseCall', startTime: '19:00', durationMinutes: 720, transitionMinutes: 0, rotationId: null, colour: '#223344' });
    expectBadInput(() => f.service.assignShift(f.actor, { personId: p.id, shiftTypeId: night.id, date: '2028-01-01' }), 'date');
  });

  it('materializes shift instants in the program zone: a 19:00 night is 11 h in March and 13 h in November, by elapsed time', () => {
    f.service.createAcademicYear(f.actor, { label: 'Y', startDate: '2026-07-01', blockCount: 13, blockDays: 28, halfBlocks: false });
    const p = f.service.savePerson(f.actor, resident());
    // A fixed 12 h elapsed duration: it ends at 08:00 local after spring forward.
    const night = f.service.saveShiftType(f.actor, { name: 'Night', shortName: 'N', kind: 'nightFloat', startTime: '19:00', durationMinutes: 720, transitionMinutes: 0, rotationId: null, colour: '#223344' });
    const march = f.service.assignShift(f.actor, { personId: p.id, shiftTypeId: night.id, date: '2027-03-13' });
    expect(march).toMatchObject({ startsAt: '2027-03-14T00:00:00Z', endsAt: '2027-03-14T12:00:00Z' });
    // 19:00 EDT on 31 October 2026 is 23:00Z; clocks fall back overnight, so 12 h elapsed ends at 06:00 EST.
    const november = f.service.assignShift(f.actor, { personId: p.id, shiftTypeId: night.id, date: '2026-10-31' });
    expect(november).toMatchObject({ startsAt: '2026-10-31T23:00:00Z', endsAt: '2026-11-01T11:00:00Z' });
  });

  it('refuses a shift whose start falls in the spring-forward gap', () => {
    f.service.createAcademicYear(f.actor, { label: 'Y', startDate: '2026-07-01', blockCount: 13, blockDays: 28, halfBlocks: false });
    const p = f.service.savePerson(f.actor, resident());
    const early = f.service.saveShiftType(f.actor, { name: 'Early', shortName: 'E', kind: 'clinical', startTime: '02:30', durationMinutes: 240, transitionMinutes: 0, rotationId: null, colour: '#223344' });
    expectBadInput(() => f.service.assignShift(f.actor, { personId: p.id, shiftTypeId: early.id, date: '2027-03-14' }), 'date');
  });

  it('keeps absence reasons, notes and locations out of the audit trail, recording only which changed', () => {
    const p = f.service.savePerson(f.actor, resident());
    const base = { personId: p.id, type: 'deployment' as const, status: 'approved' as const, excludeFromAveraging: true, startDate: '2026-08-01', endDate: '2026-08-30' };
    const a = f.service.saveAbsence(f.actor, { ...base, reason: 'Deployment order 123', notes: 'SECRET-NOTES', location: 'Forward Base X' });
    f.service.saveAbsence(f.actor, { ...base, id: a.id, reason: 'Deployment order 124', notes: 'SECRET-NOTES', location: 'Forward Base X' });
    f.service.removeAbsence(f.actor, a.id);
    const entries = f.auditRows().filter((e) => e.resource.type === 'absence');
    expect(entries.map((e) => e.action)).toEqual(['absence.create', 'absence.update', 'absence.delete']);
    const text = JSON.stringify(entries);
    expect(text).not.toMatch(/Deployment order|SECRET-NOTES|Forward Base/);
    expect(entries.map((e) => (e as unknown as { details?: { detailFieldsChanged?: string } }).details?.detailFieldsChanged)).toEqual(['reason,notes,location', 'reason', 'reason,notes,location']);
    expect(entries[0]).toMatchObject({ after: { type: 'deployment', startDate: '2026-08-01' } });
  });

  it('records credentials with their validity, refusing an expiry before the issue date', () => {
    const p = f.service.savePerson(f.actor, resident());
    const c = f.service.saveCredential(f.actor, { personId: p.id, name: 'ACLS', issuedOn: '2026-01-01', expiresOn: '2028-01-01' });
    expect(f.store.credentials.where('person_id = ?', p.id)).toEqual([c]);
    expectBadInput(() => f.service.saveCredential(f.actor, { personId: p.id, name: 'BLS', issuedOn: '2026-01-01', expiresOn: '2025-01-01' }), 'expiresOn');
    expect(f.auditRows().filter((e) => e.resource.type === 'credential').map((e) => e.action)).toEqual(['credential.create']);
  });

  it('refuses to delete a rotation still in use, with CONFLICT', () => {
    const { blocks } = f.service.createAcademicYear(f.actor, { label: 'Y', startDate: '2026-07-01', blockCount: 13, blockDays: 28, halfBlocks: false });
    const p = f.service.savePerson(f.actor, resident({ pgy: 2 }));
    const micu = f.service.saveRotation(f.actor, rotation());
    f.service.setBlockAssignment(f.actor, { personId: p.id, blockId: blocks[0]!.id, rotationId: micu.id });
    expect(() => f.service.removeRotation(f.actor, micu.id)).toThrow(expect.objectContaining({ code: 'CONFLICT' }) as Error);
  });
});
