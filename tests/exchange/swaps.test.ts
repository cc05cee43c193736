import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ComplianceRunner } from '../../electron/core/schedule/compliance-runner';
import { expectError } from '../accounts/helpers';
import type { Caller } from '../../electron/core/session';
import { auditEntries, demoProgram, userFor, type Program } from './helpers';

type Assignment = { personId: string; blockId: string; rotationId: string };
type Shift = { id: string; personId: string; shiftTypeId: string; date: string; startsAt: string; endsAt: string };
type Swap = { id: string; status: string; history: Array<{ step: string }> };

const addDays = (d: string, n: number): string => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('swaps: request, accept, approve, with the compliance engine refusing violations', () => {
  let p: Program;
  let coordinator: Caller;
  const as = new Map<string, Caller>();
  let shifts: Shift[];
  let long: Set<string>;
  beforeAll(async () => {
    p = await demoProgram(4);
    coordinator = await userFor(p.h, 'coordinator', 'coord.swaps');
    const types = await p.h.ok<Array<{ id: string; durationMinutes: number }>>('shiftTypes.list', {});
    long = new Set(types.filter((t) => t.durationMinutes >= 24 * 60).map((t) => t.id));
    shifts = await p.h.ok<Shift[]>('shifts.list', { from: '2026-07-01', to: '2027-06-30' });
  }, 180_000);
  afterAll(() => p.h.stop());

  const login = async (personId: string): Promise<Caller> => {
    let c = as.get(personId);
    if (!c) {
      c = await userFor(p.h, 'resident', `res.${as.size + 1}.swap`, personId);
      as.set(personId, c);
    }
    return c;
  };
  const residents = () => p.people.filter((x) => x.kind === 'resident');

  it('a block swap between two PGY-1 residents: requested, accepted, approved, applied, every step audited', async () => {
    const [a, b] = residents().filter((x) => x.pgy === 1);
    const block = p.years[0]!.blocks[0]!;
    const before = await p.h.ok<Assignment[]>('assignments.list', { yearId: p.yearId });
    const rot = (id: string) => before.find((x) => x.personId === id && x.blockId === block.id)!.rotationId;
    expect(rot(a!.id)).not.toBe(rot(b!.id));
    const ca = await login(a!.id);
    const cb = await login(b!.id);
    const swap = await p.h.ok<Swap>('swaps.request', { kind: 'block', blockId: block.id, counterpartPersonId: b!.id }, ca);
    expect(swap.status).toBe('requested');
    // Approval needs the counterpart first; only the counterpart may answer.
    expectError(await p.h.call('swaps.decide', { id: swap.id, decision: 'approved' }, coordinator), 'CONFLICT');
    expectError(await p.h.call('swaps.respond', { id: swap.id, accept: true }, ca), 'FORBIDDEN');
    expectError(await p.h.call('swaps.decide', { id: swap.id, decision: 'approved' }, cb), 'FORBIDDEN');
    expect((await p.h.ok<Swap[]>('swaps.list', { open: true }, cb)).map((s) => s.id)).toEqual([swap.id]);
    await p.h.ok('swaps.respond', { id: swap.id, accept: true }, cb);
    const approved = await p.h.ok<Swap>('swaps.decide', { id: swap.id, decision: 'approved' }, coordinator);
    expect(approved.status).toBe('approved');
    expect(approved.history.map((h) => h.step)).toEqual(['request', 'accept', 'approve']);
    const after = await p.h.ok<Assignment[]>('assignments.list', { yearId: p.yearId });
    const rotAfter = (id: string) => after.find((x) => x.personId === id && x.blockId === block.id)!.rotationId;
    expect(rotAfter(a!.id)).toBe(rot(b!.id));
    expect(rotAfter(b!.id)).toBe(rot(a!.id));
    const trail = auditEntries(p.h).filter((e) => e.resource.type === 'swap' && e.resource.id === swap.id).map((e) => `${e.action}:${e.outcome}`);
    expect(trail).toEqual(['swap.request:success', 'swap.accept:success', 'swap.approve:success']);
  });

  /** A 24-hour call of X on day D, and a 24-hour call of someone else on D+1 while X is free that day and the day after. */
  function backToBack(): { x: string; giver: string; shift: Shift } {
    const byPersonDay = new Set(shifts.map((s) => `${s.personId}|${s.date}`));
    for (const s of shifts) {
      if (!long.has(s.shiftTypeId) || !residents().some((r) => r.id === s.personId)) continue;
      const next = addDays(s.date, 1);
      const other = shifts.find((o) => o.date === next && long.has(o.shiftTypeId) && o.personId !== s.personId && residents().some((r) => r.id === o.personId));
      if (other && !byPersonDay.has(`${s.personId}|${next}`) && !byPersonDay.has(`${s.personId}|${addDays(next, 1)}`)) return { x: s.personId, giver: other.personId, shift: other };
    }
    throw new Error('fixture: no back-to-back pair');
  }

  it('refuses at request a shift swap that would give someone two 24-hour calls back to back, with the explanation', async () => {
    const { x, giver, shift } = backToBack();
    const c = await login(giver);
    const r = await p.h.call('swaps.request', { kind: 'shift', shiftId: shift.id, counterpartPersonId: x }, c);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CONFLICT');
    expect(r.error.message).toMatch(/would create \d+ compliance violation/);
    expect(r.error.issues?.length).toBeGreaterThan(0);
    console.log(`refusal: ${r.error.message}`);
    // Nothing changed, and the refusal is in the audit trail as a denied attempt.
    const now = await p.h.ok<Shift[]>('shifts.list', { from: shift.date, to: shift.date });
    expect(now.find((s) => s.id === shift.id)?.personId).toBe(giver);
    const denied = auditEntries(p.h).filter((e) => e.action === 'swap.request' && e.outcome === 'denied').at(-1)!;
    expect(denied.details).toMatchObject({ kind: 'shift' });
    expect(Number(denied.details?.violations)).toBeGreaterThan(0);
  });

  it('re-checks at approval: a swap made unsafe by a later edit is refused and nothing is applied', async () => {
    // X gives away a call to Y; harmless when requested. Then the coordinator puts Y on call the
    // day before, and the approval check finds the back-to-back 48 hours.
    const { x: y, giver: x, shift } = backToBack();
    const dayBefore = shifts.find((s) => s.personId === y && s.date === addDays(shift.date, -1))!;
    // Take Y's call the day before away first, so the request itself is compliant.
    await p.h.ok('shifts.unassign', { id: dayBefore.id });
    const cx = await login(x);
    const cy = await login(y);
    const swap = await p.h.ok<Swap>('swaps.request', { kind: 'shift', shiftId: shift.id, counterpartPersonId: y }, cx);
    await p.h.ok('swaps.respond', { id: swap.id, accept: true }, cy);
    await p.h.ok('shifts.assign', { personId: y, shiftTypeId: dayBefore.shiftTypeId, date: dayBefore.date, disambiguation: 'earlier' });
    const r = await p.h.call('swaps.decide', { id: swap.id, decision: 'approved' }, coordinator);
    expect(r.ok ? 'ok' : r.error.code).toBe('CONFLICT');
    const still = await p.h.ok<Shift[]>('shifts.list', { from: shift.date, to: shift.date });
    expect(still.find((s) => s.id === shift.id)?.personId).toBe(x);
    expect((await p.h.ok<Swap[]>('swaps.list', { open: true }, coordinator)).find((s) => s.id === swap.id)?.status).toBe('accepted');
    expect(auditEntries(p.h).filter((e) => e.action === 'swap.approve' && e.outcome === 'denied' && e.resource.id === swap.id)).toHaveLength(1);
    // The coordinator may still deny it; the requester may no longer cancel a closed swap.
    const denied = await p.h.ok<Swap>('swaps.decide', { id: swap.id, decision: 'denied', reason: 'Would break the 24+4 limit' }, coordinator);
    expect(denied.status).toBe('denied');
    expectError(await p.h.call('swaps.cancel', { id: swap.id }, cx), 'CONFLICT');
  });

  it('checks a swap in the compliance worker, and an edit landing during an approval\'s check is checked too, not approved over', async () => {
    shifts = await p.h.ok<Shift[]>('shifts.list', { from: '2026-07-01', to: '2027-06-30' });
    const { x: y, giver: x, shift } = backToBack();
    const dayBefore = shifts.find((s) => s.personId === y && s.date === addDays(shift.date, -1))!;
    await p.h.ok('shifts.unassign', { id: dayBefore.id });
    const cx = await login(x);
    const cy = await login(y);
    const checks = vi.spyOn(ComplianceRunner.prototype, 'check');
    let swap: Swap;
    try {
      swap = await p.h.ok<Swap>('swaps.request', { kind: 'shift', shiftId: shift.id, counterpartPersonId: y }, cx);
      // The year as it is and as the swap would leave it: two full-year checks, off the main thread.
      expect(checks).toHaveBeenCalledTimes(2);
    } finally {
      checks.mockRestore();
    }
    await p.h.ok('swaps.respond', { id: swap.id, accept: true }, cy);
    // While the worker checks the approval, the coordinator puts Y on call the day before: the
    // approval must not land on the schedule it checked before that edit.
    const real = ComplianceRunner.prototype.check;
    let assigned: boolean | null = null;
    const during = vi.spyOn(ComplianceRunner.prototype, 'check').mockImplementationOnce(async function (this: ComplianceRunner, input) {
      assigned = (await p.h.call('shifts.assign', { personId: y, shiftTypeId: dayBefore.shiftTypeId, date: dayBefore.date, disambiguation: 'earlier' })).ok;
      return real.call(this, input);
    });
    let decided;
    try {
      decided = await p.h.call('swaps.decide', { id: swap.id, decision: 'approved' }, coordinator);
    } finally {
      during.mockRestore();
    }
    expect(assigned).toBe(true);
    expect(decided.ok ? 'ok' : decided.error.code).toBe('CONFLICT');
    const still = await p.h.ok<Shift[]>('shifts.list', { from: shift.date, to: shift.date });
    expect(still.find((s) => s.id === shift.id)?.personId).toBe(x);
    await p.h.ok('swaps.decide', { id: swap.id, decision: 'denied' }, coordinator);
  });

  it('a swap withdrawn while its approval is being checked is not applied, and keeps its withdrawal', async () => {
    // The first test's pair, swapping block 1 back (compliant: it was their schedule before).
    const block = p.years[0]!.blocks[0]!;
    const before = await p.h.ok<Assignment[]>('assignments.list', { yearId: p.yearId });
    const rot = (id: string) => before.find((x) => x.personId === id && x.blockId === block.id)?.rotationId;
    const [a, b] = residents().filter((x) => x.pgy === 1) as [Program['people'][number], Program['people'][number]];
    const ca = await login(a.id);
    const swap = await p.h.ok<Swap>('swaps.request', { kind: 'block', blockId: block.id, counterpartPersonId: b.id }, ca);
    await p.h.ok('swaps.respond', { id: swap.id, accept: true }, await login(b.id));
    // The withdrawal lands while the approval is being checked.
    const deciding = p.h.call('swaps.decide', { id: swap.id, decision: 'approved' }, coordinator);
    const cancelling = p.h.call('swaps.cancel', { id: swap.id }, ca);
    const [decided, cancelled] = await Promise.all([deciding, cancelling]);
    expect(cancelled.ok).toBe(true);
    expect(decided.ok ? 'ok' : decided.error.code).toBe('CONFLICT');
    const after = await p.h.ok<Assignment[]>('assignments.list', { yearId: p.yearId });
    expect(after.find((x) => x.personId === a.id && x.blockId === block.id)?.rotationId).toBe(rot(a.id));
    const now = (await p.h.ok<Swap[]>('swaps.list', { open: false }, coordinator)).find((x) => x.id === swap.id)!;
    expect(now.status).toBe('cancelled');
    expect(now.history.map((h) => h.step)).toEqual(['request', 'accept', 'cancel']);
  });

  it('a resident sees only their own swaps; clinical staff cannot request one', async () => {
    const [, , c] = residents().filter((x) => x.pgy === 2);
    const mine = await p.h.ok<Swap[]>('swaps.list', { open: false }, await login(c!.id));
    expect(mine).toEqual([]);
    const nurse = await userFor(p.h, 'clinical_staff', 'nurse.swaps');
    expectError(await p.h.call('swaps.request', { kind: 'block', blockId: p.years[0]!.blocks[0]!.id, counterpartPersonId: c!.id }, nurse), 'FORBIDDEN');
  });
});
