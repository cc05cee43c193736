import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../accounts/helpers';
import { auditEntries, demoProgram, userFor, type Program } from './helpers';

type Assignment = { personId: string; blockId: string; rotationId: string };
type Info = { number: number; restoredFrom: number | null; assignments: number; shifts: number; diff: { assignmentsChanged: number; shiftsChanged: number; peopleChanged: number; changedPercent: number; peopleOverLimit: number; people: Array<{ personId: string }> } };
type Snapshot = { assignments: Assignment[]; people: Array<{ id: string; displayName: string }> };

describe('drafts, publishing, churn guard and rollback', () => {
  let p: Program;
  let original: Assignment[];
  beforeAll(async () => {
    p = await demoProgram(2);
    original = await p.h.ok<Assignment[]>('assignments.list', { yearId: p.yearId });
  }, 120_000);
  afterAll(() => p.h.stop());

  const otherRotation = (a: Assignment): string => {
    const person = p.people.find((x) => x.id === a.personId)!;
    return p.rotations.find((r) => r.id !== a.rotationId && (person.pgy === null || r.eligiblePgy.includes(person.pgy)))!.id;
  };

  it('clinical staff see nothing before the first publish, and only published versions after', async () => {
    const nurse = await userFor(p.h, 'clinical_staff', 'nurse.pub');
    expect(await p.h.ok('published.list', {}, nurse)).toEqual([]);
    expectError(await p.h.call('published.get', { yearId: p.yearId }, nurse), 'NOT_FOUND');
    // The draft is out of reach for the role: no schedule.read.
    expectError(await p.h.call('assignments.list', { yearId: p.yearId }, nurse), 'FORBIDDEN');
    expectError(await p.h.call('versions.list', { yearId: p.yearId }, nurse), 'FORBIDDEN');

    const v1 = await p.h.ok<Info>('versions.publish', { yearId: p.yearId, note: 'first' });
    expect(v1).toMatchObject({ number: 1, restoredFrom: null, assignments: original.length });
    // The first version needs no confirmation even though everything is new.
    expect(v1.diff.changedPercent).toBe(100);

    // A draft edit after publishing is not visible to clinical staff until the next publish.
    const a = original[0]!;
    await p.h.ok('assignments.set', { personId: a.personId, blockId: a.blockId, rotationId: otherRotation(a) });
    const seen = await p.h.ok<{ number: number; snapshot: Snapshot }>('published.get', { yearId: p.yearId }, nurse);
    expect(seen.number).toBe(1);
    expect(seen.snapshot.assignments.find((x) => x.personId === a.personId && x.blockId === a.blockId)?.rotationId).toBe(a.rotationId);
    expect(JSON.stringify(seen.snapshot)).not.toMatch(/reason|Annual leave/);
    expect(await p.h.ok<Array<{ number: number }>>('published.list', {}, nurse)).toEqual([expect.objectContaining({ yearId: p.yearId, number: 1 })]);
  });

  it('publishing a small change makes version 2 with a diff naming who changed', async () => {
    const diff = await p.h.ok<{ against: number; diff: Info['diff']; needsConfirmation: boolean }>('versions.diff', { yearId: p.yearId });
    expect(diff).toMatchObject({ against: 1, needsConfirmation: false });
    expect(diff.diff.assignmentsChanged).toBe(1);
    const v2 = await p.h.ok<Info>('versions.publish', { yearId: p.yearId });
    expect(v2.number).toBe(2);
    expect(v2.diff).toMatchObject({ assignmentsChanged: 1, shiftsChanged: 0, peopleChanged: 1 });
    expect(v2.diff.people.map((x) => x.personId)).toEqual([original[0]!.personId]);
    const entry = auditEntries(p.h).filter((e) => e.action === 'schedule.publish').at(-1)!;
    expect(entry.details).toMatchObject({ number: 2, assignmentsChanged: 1, peopleChanged: 1, confirmedChurn: false });
  });

  it('asks for confirmation above 20% churn (safe numbers only), publishes once confirmed', async () => {
    // Change 30% of the cells.
    const changed = original.slice(0, Math.ceil(original.length * 0.3)).map((a) => ({ personId: a.personId, blockId: a.blockId, rotationId: otherRotation(a) }));
    await p.h.ok('assignments.setMany', { items: changed });
    const r = await p.h.call('versions.publish', { yearId: p.yearId });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CONFIRMATION_REQUIRED');
    const d = r.error.details as Record<string, number>;
    expect(d.changedPercent).toBeGreaterThan(20);
    expect(Object.values(d).every((v) => typeof v === 'number')).toBe(true);
    expect(await p.h.ok<unknown[]>('versions.list', { yearId: p.yearId })).toHaveLength(2);
    const v3 = await p.h.ok<Info>('versions.publish', { yearId: p.yearId, confirmChurn: true });
    expect(v3.number).toBe(3);
    expect(auditEntries(p.h).filter((e) => e.action === 'schedule.publish').at(-1)?.details?.confirmedChurn).toBe(true);
  });

  it('asks for confirmation when one person\'s schedule changes by more than half, even if the total is small', async () => {
    const person = original[0]!.personId;
    const theirs = original.filter((a) => a.personId === person).slice(0, 8);
    const current = await p.h.ok<Assignment[]>('assignments.list', { yearId: p.yearId });
    await p.h.ok('assignments.setMany', { items: theirs.map((a) => ({ personId: a.personId, blockId: a.blockId, rotationId: otherRotation(current.find((c) => c.personId === a.personId && c.blockId === a.blockId)!) })) });
    const diff = await p.h.ok<{ diff: Info['diff']; needsConfirmation: boolean }>('versions.diff', { yearId: p.yearId });
    expect(diff.diff.changedPercent).toBeLessThan(20);
    expect(diff.diff.peopleOverLimit).toBe(1);
    expect(diff.needsConfirmation).toBe(true);
    expectError(await p.h.call('versions.publish', { yearId: p.yearId }), 'CONFIRMATION_REQUIRED');
  });

  it('rolls back to version 1: the draft becomes it and a new version records what it restored', async () => {
    const v1 = await p.h.ok<{ snapshot: Snapshot }>('versions.get', { yearId: p.yearId, number: 1 });
    expectError(await p.h.call('versions.rollback', { yearId: p.yearId, toNumber: 1, reason: 'Wrong draft published' }), 'CONFIRMATION_REQUIRED');
    const v4 = await p.h.ok<Info>('versions.rollback', { yearId: p.yearId, toNumber: 1, reason: 'Wrong draft published', confirmChurn: true });
    expect(v4).toMatchObject({ number: 4, restoredFrom: 1 });
    const draft = await p.h.ok<Assignment[]>('assignments.list', { yearId: p.yearId });
    const key = (a: Assignment): string => `${a.personId}|${a.blockId}|${a.rotationId}`;
    expect(draft.map(key).sort()).toEqual(v1.snapshot.assignments.map(key).sort());
    const latest = await p.h.ok<{ snapshot: Snapshot }>('versions.get', { yearId: p.yearId, number: 4 });
    expect(latest.snapshot.assignments.map(key).sort()).toEqual(v1.snapshot.assignments.map(key).sort());
    const entry = auditEntries(p.h).filter((e) => e.action === 'schedule.rollback').at(-1)!;
    expect(entry).toMatchObject({ reason: 'Wrong draft published', details: { fromNumber: 3, toNumber: 1, number: 4 } });
    expect((await p.h.ok<Info[]>('versions.list', { yearId: p.yearId })).map((v) => v.number)).toEqual([4, 3, 2, 1]);
  });

  it('versions are immutable in the database, and only schedule.publish may publish', async () => {
    const db = p.h.core.accounts.vault().db;
    expect(() => db.prepare("UPDATE schedule_version SET info = '{}'").run()).toThrow(/immutable/);
    expect(() => db.prepare('DELETE FROM schedule_version').run()).toThrow(/immutable/);
    const chief = await userFor(p.h, 'chief_resident', 'chief.pub');
    expectError(await p.h.call('versions.publish', { yearId: p.yearId }, chief), 'FORBIDDEN');
    expectError(await p.h.call('versions.rollback', { yearId: p.yearId, toNumber: 1, reason: 'because I can' }, chief), 'FORBIDDEN');
  });
});
