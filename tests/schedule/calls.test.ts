import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scheduleCalls } from '../../shared/contract/schedule';
import { UNAVAILABLE, type Role } from '../../shared/rbac';
import { createFieldFilter } from '../../electron/core/accounts/field-filter';
import { createDispatcher } from '../../electron/core/dispatcher';
import { sequentialIds } from '../../electron/core/ids';
import { createLogger, memorySink } from '../../electron/core/logger';
import { scheduleHandlers } from '../../electron/core/schedule/handlers';
import { MemorySessions, type Caller } from '../../electron/core/session';
import { scheduleFixture } from './fixture';

type Fixture = Awaited<ReturnType<typeof scheduleFixture>>;

/** The scheduling calls behind the real dispatcher, field filter and audited services. */
function compose(f: Fixture) {
  const sessions = new MemorySessions();
  const dispatcher = createDispatcher({
    contract: scheduleCalls,
    handlers: scheduleHandlers({ workspace: () => ({ store: f.store, service: f.service, read: f.read }) }),
    services: { clock: f.clock, ids: sequentialIds('c'), logger: createLogger({ sink: memorySink() }) },
    sessions,
    filterOutput: createFieldFilter(scheduleCalls, () => f.clock.nowMs()),
  });
  const as = (role: Role, personId: string | null = null): Caller => {
    const caller: Caller = { clientId: `${role}-${personId ?? 'none'}`, transport: 'in-process' };
    sessions.bind(caller, { id: `s-${role}`, userId: `u-${role}`, role, personId, startedAtMs: 0, lastActivityAtMs: 0, pending: [], breakGlassUntilMs: null });
    return caller;
  };
  const call = async <T = unknown>(caller: Caller, name: keyof typeof scheduleCalls & string, input: unknown): Promise<T> => {
    const r = await dispatcher.dispatch(name, input, caller);
    if (!r.ok) throw Object.assign(new Error(r.error.code), { code: r.error.code, issues: r.error.issues });
    return r.value as T;
  };
  return { dispatcher, as, call };
}

describe('scheduling calls through the dispatcher', () => {
  let f: Fixture;
  let c: ReturnType<typeof compose>;
  let coordinator: Caller;
  beforeEach(async () => {
    f = await scheduleFixture();
    c = compose(f);
    coordinator = c.as('coordinator');
    f.service.saveSettings(f.actor, { name: 'Test Program', specialty: 'internal-medicine', timeZone: 'America/New_York', ruleSet: 'CPR-2025', rulePacks: [], workPeriodGapMinutes: 0 });
  });
  afterEach(() => f.close());

  async function seed() {
    const { year, blocks } = await c.call<{ year: { id: string }; blocks: Array<{ id: string }> }>(coordinator, 'years.create', { label: '2026-27', startDate: '2026-07-01' });
    const person = (name: string, pgy: number) =>
      c.call<{ id: string }>(coordinator, 'people.save', { displayName: name, email: null, kind: 'resident', pgy, specialty: 'im', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true });
    const r1 = await person('Resident A01', 2);
    const r2 = await person('Resident A02', 2);
    const r3 = await person('Resident A03', 3);
    const micu = await c.call<{ id: string }>(coordinator, 'rotations.save', {
      name: 'Medical ICU', shortName: 'MICU', setting: 'icu', site: '', colour: '#aa3344', eligiblePgy: [2, 3], capacityMin: 0, capacityMax: 2,
      requiredCredentials: [], supervisionRatio: null, hoursException: null, rulePacks: [], group: 'ICU',
    });
    return { year, blocks, r1, r2, r3, micu };
  }

  it('lets a coordinator assign and refuses a resident, recording the denial nowhere in the data', async () => {
    const { blocks, r1, micu } = await seed();
    await c.call(coordinator, 'assignments.set', { personId: r1.id, blockId: blocks[0]!.id, rotationId: micu.id });
    const resident = c.as('resident', r1.id);
    await expect(c.call(resident, 'assignments.set', { personId: r1.id, blockId: blocks[1]!.id, rotationId: micu.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(f.store.blockAssignments.all()).toHaveLength(1);
    const clinical = c.as('clinical_staff');
    await expect(c.call(clinical, 'people.list', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('shows absence reasons only to roles that may see them and to the person themself', async () => {
    const { r1, r2 } = await seed();
    await c.call(coordinator, 'absences.save', {
      personId: r1.id, type: 'deployment', startDate: '2026-08-03', endDate: '2026-08-20', status: 'approved', excludeFromAveraging: true,
      reason: 'Annual training', notes: 'Unit 12', location: 'Fort Example',
    });
    const asCoordinator = await c.call<Array<{ reason: unknown; location: unknown }>>(coordinator, 'absences.list', {});
    expect(asCoordinator[0]).toMatchObject({ reason: 'Annual training', location: 'Fort Example' });
    const self = await c.call<Array<{ reason: unknown }>>(c.as('resident', r1.id), 'absences.list', {});
    expect(self[0]?.reason).toBe('Annual training');
    const peer = await c.call<Array<{ reason: unknown; notes: unknown; location: unknown; startDate: string }>>(c.as('resident', r2.id), 'absences.list', {});
    expect(peer[0]).toMatchObject({ reason: UNAVAILABLE, notes: UNAVAILABLE, location: UNAVAILABLE, startDate: '2026-08-03' });
    const chief = await c.call<Array<{ reason: unknown }>>(c.as('chief_resident', r2.id), 'absences.list', {});
    expect(chief[0]?.reason).toBe(UNAVAILABLE);
  });

  it('audits opening an absence, whoever opens it', async () => {
    const { r1 } = await seed();
    const a = await c.call<{ id: string }>(coordinator, 'absences.save', {
      personId: r1.id, type: 'vacation', startDate: '2026-08-03', endDate: '2026-08-07', status: 'approved', excludeFromAveraging: true, reason: null, notes: null, location: null,
    });
    await c.call(coordinator, 'absences.get', { id: a.id });
    expect(f.auditRows().filter((e) => e.action === 'absence.read_details')).toHaveLength(1);
  });

  it('reports an over-capacity rotation at once, and keeps it listed once acknowledged', async () => {
    const { year, blocks, r1, r2, r3, micu } = await seed();
    for (const p of [r1, r2, r3]) await c.call(coordinator, 'assignments.set', { personId: p.id, blockId: blocks[0]!.id, rotationId: micu.id });
    type Check = { findings: Array<{ key: string; ruleId: string; values: Record<string, number>; acknowledged: unknown }> };
    const check = await c.call<Check>(coordinator, 'compliance.check', { yearId: year.id });
    const over = check.findings.find((x) => x.ruleId === 'PRG-CAPACITY');
    expect(over?.values).toMatchObject({ assigned: 3, max: 2 });
    await expect(c.call(c.as('resident', r1.id), 'compliance.acknowledge', { key: over!.key, reason: 'Staffing emergency' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await c.call(coordinator, 'compliance.acknowledge', { key: over!.key, reason: 'Staffing emergency approved by PD' });
    const again = await c.call<Check>(coordinator, 'compliance.check', { yearId: year.id });
    expect(again.findings.find((x) => x.key === over!.key)?.acknowledged).toMatchObject({ by: 'u-coordinator' });
  });

  it('flags a day whose shift is short of people or of seniors, from the coverage rule', async () => {
    const { year, r1, r3 } = await seed();
    const night = await c.call<{ id: string }>(coordinator, 'shiftTypes.save', { name: 'Night', shortName: 'N', kind: 'nightFloat', startTime: '19:00', durationMinutes: 720, transitionMinutes: 0, rotationId: null, colour: '#223344' });
    // Two people a night, one of them PGY-3 or above, on Wednesdays (ISO weekday 3).
    await c.call(coordinator, 'coverage.save', { shiftTypeId: night.id, weekdays: [3], min: 2, max: 2, seniorPgy: 3, minSenior: 1 });
    await c.call(coordinator, 'shifts.assign', { personId: r1.id, shiftTypeId: night.id, date: '2026-07-01' }); // a Wednesday
    await c.call(coordinator, 'shifts.assign', { personId: r1.id, shiftTypeId: night.id, date: '2026-07-08' });
    await c.call(coordinator, 'shifts.assign', { personId: r3.id, shiftTypeId: night.id, date: '2026-07-08' });
    type Check = { findings: Array<{ ruleId: string; period: [string, string] | null; explanation: string }> };
    const check = await c.call<Check>(coordinator, 'compliance.check', { yearId: year.id });
    const coverage = check.findings.filter((x) => x.ruleId === 'PRG-COVERAGE');
    const july1 = coverage.find((x) => x.period?.[0] === '2026-07-01');
    expect(july1?.explanation).toBe('N on 2026-07-01: 1 assigned < minimum 2; 0 at PGY-3+ < 1 required');
    expect(coverage.find((x) => x.period?.[0] === '2026-07-08')).toBeUndefined();
    // Every other Wednesday of the year is empty, and nothing is flagged on other weekdays.
    expect(coverage.every((x) => new Date(`${x.period![0]}T00:00:00Z`).getUTCDay() === 3)).toBe(true);
  });

  it('lets a resident file and withdraw only their own requests', async () => {
    const { r1, r2, micu } = await seed();
    const resident = c.as('resident', r1.id);
    const mine = await c.call<{ id: string }>(resident, 'requests.save', { personId: r1.id, kind: 'rotation', startDate: '2026-09-01', endDate: '2026-09-28', shiftTypeId: null, rotationId: micu.id, weight: 5 });
    await expect(c.call(resident, 'requests.save', { personId: r2.id, kind: 'day_off', startDate: '2026-09-01', endDate: '2026-09-01', shiftTypeId: null, rotationId: null, weight: 3 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const theirs = await c.call<{ id: string }>(coordinator, 'requests.save', { personId: r2.id, kind: 'day_off', startDate: '2026-09-01', endDate: '2026-09-01', shiftTypeId: null, rotationId: null, weight: 3 });
    await expect(c.call(resident, 'requests.remove', { id: theirs.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await c.call(resident, 'requests.remove', { id: mine.id });
    expect(f.store.requests.all().map((x) => x.personId)).toEqual([r2.id]);
  });

  it('writes an audit entry for every mutating scheduling call', async () => {
    const { blocks, r1, micu } = await seed();
    const before = f.auditRows().length;
    const nightType = await c.call<{ id: string }>(coordinator, 'shiftTypes.save', { name: 'Night', shortName: 'N', kind: 'inHouseCall', startTime: '19:00', durationMinutes: 720, transitionMinutes: 0, rotationId: null, colour: '#223344' });
    const shift = await c.call<{ id: string }>(coordinator, 'shifts.assign', { personId: r1.id, shiftTypeId: nightType.id, date: '2026-07-02' });
    await c.call(coordinator, 'shifts.unassign', { id: shift.id });
    await c.call(coordinator, 'assignments.setMany', { items: [{ personId: r1.id, blockId: blocks[1]!.id, rotationId: micu.id }] });
    const req = await c.call<{ id: string }>(coordinator, 'requirements.save', { pgy: 2, rotationGroup: 'ICU', minBlocks: 1, maxBlocks: 3 });
    await c.call(coordinator, 'requirements.remove', { id: req.id });
    const mutating = Object.entries(scheduleCalls).filter(([, d]) => d.mutates).length;
    expect(mutating).toBeGreaterThan(10);
    expect(f.auditRows().length - before).toBe(6);
  });
});
