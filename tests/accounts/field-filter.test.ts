import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { restricted, subjectRecord } from '../../shared/accounts/field-policy';
import { defineCall } from '../../shared/contract/define';
import { ABSENCE_DETAIL_ROLES, ROLES, UNAVAILABLE, type Role } from '../../shared/rbac';
import { createFieldFilter } from '../../electron/core/accounts/field-filter';
import { ManualClock } from '../../electron/core/clock';
import { createDispatcher } from '../../electron/core/dispatcher';
import { sequentialIds } from '../../electron/core/ids';
import { createLogger, memorySink } from '../../electron/core/logger';
import { MemorySessions, type Session } from '../../electron/core/session';

// A test-only contract: the absence calls do not exist yet, the mechanism does.
const Absence = subjectRecord(
  z
    .object({
      id: z.string(),
      personId: z.string(),
      start: z.string(),
      reason: restricted(z.string(), 'absence-detail'),
      notes: restricted(z.string(), 'absence-detail').nullable(),
      location: restricted(z.object({ place: z.string() }).strict(), 'absence-detail').optional(),
    })
    .strict(),
  'personId',
);
const testContract = {
  'absences.list': defineCall({
    input: z.object({}).strict(),
    output: z.object({ absences: z.array(Absence), byPerson: z.record(z.string(), Absence) }).strict(),
    access: 'session',
    mutates: false,
    summary: 'test',
  }),
  'absences.orphan': defineCall({
    // A tagged field with no subject in scope: filtered for everyone without the permission.
    input: z.object({}).strict(),
    output: z.object({ reason: restricted(z.string(), 'absence-detail') }).strict(),
    access: 'session',
    mutates: false,
    summary: 'test',
  }),
};

const SECRET_REASON = 'TDY to Fort Liberty';
const SECRET_NOTES = 'convoy leaves 0400';
const SECRET_PLACE = 'Grid 18S UJ 2337';
const rows = [
  { id: 'a1', personId: 'p-self', start: '2026-07-02', reason: SECRET_REASON, notes: SECRET_NOTES, location: { place: SECRET_PLACE } },
  { id: 'a2', personId: 'p-other', start: '2026-07-03', reason: `${SECRET_REASON} 2`, notes: null },
];

function setup() {
  const clock = new ManualClock();
  const sink = memorySink();
  const sessions = new MemorySessions();
  const dispatcher = createDispatcher({
    contract: testContract,
    handlers: {
      'absences.list': () => ({ absences: rows, byPerson: { 'p-other': rows[1]! } }),
      'absences.orphan': () => ({ reason: SECRET_REASON }),
    },
    services: { clock, ids: sequentialIds(), logger: createLogger({ sink, level: 'debug', clock }) },
    sessions,
    filterOutput: createFieldFilter(testContract, () => clock.nowMs()),
  });
  return { dispatcher, sessions, sink, clock };
}

const caller = { clientId: 'c1', transport: 'in-process' as const };
const session = (role: Role, personId: string | null, breakGlassUntilMs: number | null = null): Session => ({
  id: 's1', userId: 'u1', role, personId, startedAtMs: 0, lastActivityAtMs: 0, pending: [], breakGlassUntilMs,
});

describe('field filter on every output', () => {
  it.each(ROLES)('role %s: absence details only for admin, PD, coordinator and the person themself', async (role) => {
    const { dispatcher, sessions, sink } = setup();
    sessions.bind(caller, session(role, 'p-self'));
    const res = await dispatcher.dispatch('absences.list', {}, caller);
    if (!res.ok) throw new Error(res.error.code);
    const value = res.value as { absences: Array<Record<string, unknown>>; byPerson: Record<string, Record<string, unknown>> };
    const privileged = ABSENCE_DETAIL_ROLES.includes(role);
    // Own record: always visible.
    expect(value.absences[0]).toMatchObject({ reason: SECRET_REASON, notes: SECRET_NOTES, location: { place: SECRET_PLACE } });
    // Someone else's record.
    const other = value.absences[1]!;
    expect(other.reason).toBe(privileged ? `${SECRET_REASON} 2` : UNAVAILABLE);
    expect(other.notes).toBeNull(); // null stays null: no detail to hide
    expect(value.byPerson['p-other']!.reason).toBe(privileged ? `${SECRET_REASON} 2` : UNAVAILABLE);
    // Non-detail fields pass through.
    expect(other).toMatchObject({ id: 'a2', personId: 'p-other', start: '2026-07-03' });
    if (!privileged) {
      const wire = JSON.stringify(res);
      expect(wire).not.toContain(`${SECRET_REASON} 2`);
      expect(JSON.stringify(sink.records)).not.toContain(SECRET_REASON);
    }
  });

  it('a person with no linked person record sees no one\'s details', async () => {
    const { dispatcher, sessions } = setup();
    sessions.bind(caller, session('resident', null));
    const res = await dispatcher.dispatch('absences.list', {}, caller);
    if (!res.ok) throw new Error(res.error.code);
    expect(JSON.stringify(res)).not.toContain(SECRET_NOTES);
    expect(JSON.stringify(res)).not.toContain(SECRET_PLACE);
  });

  it('fails closed when no subject is in scope', async () => {
    const { dispatcher, sessions } = setup();
    sessions.bind(caller, session('resident', 'p-self'));
    const res = await dispatcher.dispatch('absences.orphan', {}, caller);
    expect(res).toMatchObject({ ok: true, value: { reason: UNAVAILABLE } });
    sessions.bind(caller, session('coordinator', null));
    expect(await dispatcher.dispatch('absences.orphan', {}, caller)).toMatchObject({ ok: true, value: { reason: SECRET_REASON } });
  });

  it('active break-glass reveals details to a chief resident until it expires', async () => {
    const { dispatcher, sessions, clock } = setup();
    sessions.bind(caller, session('chief_resident', 'p-self', clock.nowMs() + 60_000));
    let res = await dispatcher.dispatch('absences.list', {}, caller);
    expect(res.ok && (res.value as { absences: Array<{ reason: string }> }).absences[1]!.reason).toBe(`${SECRET_REASON} 2`);
    clock.advance(60_001);
    res = await dispatcher.dispatch('absences.list', {}, caller);
    expect(res.ok && (res.value as { absences: Array<{ reason: string }> }).absences[1]!.reason).toBe(UNAVAILABLE);
  });
});
