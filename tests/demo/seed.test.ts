import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../electron/core/demo/seed';
import { checkYear } from '../../electron/core/schedule/compliance';
import { AppError } from '../../shared/errors';
import { scheduleFixture } from '../schedule/fixture';

type Fixture = Awaited<ReturnType<typeof scheduleFixture>>;

describe('demo program seed', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await scheduleFixture();
  });
  afterEach(() => f.close());

  it('creates 36 residents, 12 faculty, 13 blocks, 12 rotations and a year of call, all audited', () => {
    const out = seedDemo(f, f.actor, f.clock, { residentsPerPgy: 12, halfBlocks: false, startDate: '2026-07-01' });
    const people = f.store.people.all();
    expect(people.filter((p) => p.kind === 'resident')).toHaveLength(36);
    expect(people.filter((p) => p.kind === 'faculty')).toHaveLength(12);
    for (const pgy of [1, 2, 3]) expect(people.filter((p) => p.pgy === pgy)).toHaveLength(12);
    // Synthetic names only.
    for (const p of people) expect(p.displayName).toMatch(/^(Resident [ABC]\d{2}|Faculty F\d{2})$/);
    expect(f.store.rotations.all()).toHaveLength(12);
    expect(out.blocks).toBe(13);
    // Every person has a rotation in every block.
    expect(f.store.blockAssignments.all()).toHaveLength(48 * 13);
    // Call every day of the year: wards, ICU and attending home call at least.
    const shifts = f.store.shiftAssignments.all();
    const days = new Set(shifts.map((s) => s.date));
    expect(days.size).toBe(365);
    expect(out.shifts).toBe(shifts.length);
    expect(shifts.length).toBeGreaterThan(365 * 4);

    const rows = f.auditRows();
    const count = (action: string) => rows.filter((r) => r.action === action).length;
    expect(count('person.create')).toBe(48);
    expect(count('assignment.create')).toBe(48 * 13);
    expect(count('shift.create')).toBe(shifts.length);
    expect(count('absence.create')).toBe(out.absences);
  });

  it('starts compliant: the ACGME engine and the program rules find no violation', () => {
    const out = seedDemo(f, f.actor, f.clock, { residentsPerPgy: 12, halfBlocks: false, startDate: '2026-07-01' });
    const { findings, people } = checkYear(f.store, f.service.settings(), out.yearId);
    expect(people).toBe(36);
    expect(findings.filter((x) => x.verdict === 'violation').map((x) => x.explanation)).toEqual([]);
    // Two leave requests wait for approval.
    expect(f.store.absences.all().filter((a) => a.status === 'requested')).toHaveLength(2);
  });

  it('refuses a program that already has data, and leaves nothing behind when refused', () => {
    seedDemo(f, f.actor, f.clock, { residentsPerPgy: 2, halfBlocks: false, startDate: '2026-07-01' });
    const before = f.auditRows().length;
    expect(() => seedDemo(f, f.actor, f.clock, { residentsPerPgy: 2, halfBlocks: false, startDate: '2026-07-01' })).toThrow(AppError);
    expect(f.auditRows()).toHaveLength(before);
  });

  it('rolls the whole seed back when one write fails', () => {
    // Not a calendar date: the year fails after people and rotations were already written.
    expect(() => seedDemo(f, f.actor, f.clock, { residentsPerPgy: 2, halfBlocks: false, startDate: '2026-02-30' })).toThrow();
    expect(f.store.rotations.all()).toHaveLength(0);
    expect(f.store.people.all()).toHaveLength(0);
    expect(f.auditRows().filter((r) => r.action === 'person.create')).toHaveLength(0);
  });

  it('scales to 200 people in 26 half blocks for the UI bench', () => {
    const out = seedDemo(f, f.actor, f.clock, { residentsPerPgy: 63, halfBlocks: true, startDate: '2026-07-01' });
    expect(out.people).toBe(201);
    expect(out.blocks).toBe(26);
    expect(f.store.blockAssignments.all()).toHaveLength(201 * 26);
  });
});
