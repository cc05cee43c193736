import { describe, expect, it, vi } from 'vitest';
import { setImmediate, setTimeout } from 'node:timers/promises';
import { z } from 'zod';
import { defineCall } from '../../shared/contract/define';
import { AppError } from '../../shared/errors';
import { ManualClock } from '../../electron/core/clock';
import { createDispatcher } from '../../electron/core/dispatcher';
import { sequentialIds } from '../../electron/core/ids';
import { createLogger, memorySink } from '../../electron/core/logger';
import { MemorySessions, type Session } from '../../electron/core/session';

const testContract = {
  'people.rename': defineCall({
    input: z.object({ personId: z.string(), displayName: z.string().min(1) }).strict(),
    output: z.object({ ok: z.literal(true) }).strict(),
    access: 'people.edit',
    mutates: true,
    summary: 'test',
  }),
  'system.ping': defineCall({
    input: z.object({}).strict(),
    output: z.object({ pong: z.boolean() }).strict(),
    access: 'public',
    mutates: false,
    summary: 'test',
  }),
  'me.profile': defineCall({
    input: z.object({}).strict(),
    output: z.object({ userId: z.string() }).strict(),
    access: 'session',
    mutates: false,
    summary: 'test',
  }),
  'broken.output': defineCall({
    input: z.object({}).strict(),
    output: z.object({ n: z.number() }).strict(),
    access: 'public',
    mutates: false,
    summary: 'test',
  }),
};

function setup() {
  const sink = memorySink();
  const sessions = new MemorySessions();
  const handlers = {
    'people.rename': vi.fn(() => ({ ok: true as const })),
    'system.ping': vi.fn(() => ({ pong: true })),
    'me.profile': vi.fn((_i: unknown, ctx: { session: Session | null }) => ({ userId: ctx.session!.userId })),
    'broken.output': vi.fn(() => ({ n: 'Jane Doe jane@example.org' }) as unknown as { n: number }),
  };
  const denied: string[] = [];
  const dispatcher = createDispatcher({
    contract: testContract,
    handlers,
    services: { clock: new ManualClock(), ids: sequentialIds(), logger: createLogger({ sink, level: 'debug' }) },
    sessions,
    onDenied: (d) => denied.push(`${d.callName}:${d.code}`),
  });
  const session = (role: Session['role'], pending: Session['pending'] = []): Session => ({
    id: 's1', userId: 'u1', role, personId: null, startedAtMs: 0, lastActivityAtMs: 0, pending, breakGlassUntilMs: null,
  });
  return { dispatcher, handlers, sessions, sink, denied, session };
}

const caller = { clientId: 'c1', transport: 'in-process' as const };

describe('the dispatcher', () => {
  it('rejects an unknown key with BAD_INPUT naming the field, and runs no handler', async () => {
    const { dispatcher, handlers, sessions, session } = setup();
    sessions.bind(caller, session('admin'));
    const r = await dispatcher.dispatch('people.rename', { personId: 'p1', displayName: 'X', role: 'admin' }, caller);
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ message: 'unknown field(s): role' }] } });
    expect(handlers['people.rename']).not.toHaveBeenCalled();
  });

  it('rejects a wrong type with BAD_INPUT naming the path, never echoing the value', async () => {
    const { dispatcher, handlers, sessions, session } = setup();
    sessions.bind(caller, session('admin'));
    const r = await dispatcher.dispatch('people.rename', { personId: 42, displayName: 'Jane Doe' }, caller);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.issues?.[0]?.path).toBe('personId');
      expect(JSON.stringify(r.error)).not.toContain('Jane');
      expect(r.error.correlationId).toMatch(/^corr-/);
    }
    expect(handlers['people.rename']).not.toHaveBeenCalled();
  });

  it('rejects a call without a session with UNAUTHENTICATED and records the denial', async () => {
    const { dispatcher, handlers, denied } = setup();
    const r = await dispatcher.dispatch('people.rename', { personId: 'p1', displayName: 'X' }, caller);
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(handlers['people.rename']).not.toHaveBeenCalled();
    expect(denied).toEqual(['people.rename:UNAUTHENTICATED']);
  });

  it('rejects a role without the permission with FORBIDDEN', async () => {
    const { dispatcher, handlers, sessions, session, denied } = setup();
    sessions.bind(caller, session('resident'));
    const r = await dispatcher.dispatch('people.rename', { personId: 'p1', displayName: 'X' }, caller);
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(handlers['people.rename']).not.toHaveBeenCalled();
    expect(denied).toEqual(['people.rename:FORBIDDEN']);
  });

  it('holds every call but the allowed ones while consent is pending', async () => {
    const { dispatcher, handlers, sessions, session } = setup();
    sessions.bind(caller, session('admin', ['consent']));
    const r = await dispatcher.dispatch('me.profile', {}, caller);
    expect(r).toMatchObject({ ok: false, error: { code: 'CONSENT_REQUIRED' } });
    expect(handlers['me.profile']).not.toHaveBeenCalled();
  });

  it('runs an allowed call and returns its validated output', async () => {
    const { dispatcher, sessions, session } = setup();
    sessions.bind(caller, session('coordinator'));
    expect(await dispatcher.dispatch('people.rename', { personId: 'p1', displayName: 'X' }, caller)).toEqual({ ok: true, value: { ok: true } });
    expect(await dispatcher.dispatch('me.profile', {}, caller)).toEqual({ ok: true, value: { userId: 'u1' } });
    expect(await dispatcher.dispatch('system.ping', {}, { clientId: 'other', transport: 'in-process' })).toEqual({ ok: true, value: { pong: true } });
  });

  it('refuses unknown calls, including prototype names', async () => {
    const { dispatcher } = setup();
    for (const name of ['nope.nothing', 'constructor', '__proto__', 'toString']) {
      expect(await dispatcher.dispatch(name, {}, caller)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
    }
  });

  it('maps a handler bug to INTERNAL with a correlation id and logs it without PHI', async () => {
    const { dispatcher, sink } = setup();
    const r = await dispatcher.dispatch('broken.output', {}, caller);
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    if (!r.ok) {
      expect(r.error.message).not.toMatch(/stack|at |Jane/);
      const logged = sink.records.find((x) => x.msg === 'call produced invalid output');
      expect(logged?.correlationId).toBe(r.error.correlationId);
    }
    expect(JSON.stringify(sink.records)).not.toContain('jane@example.org');
  });

  it('passes typed AppErrors through with their code and safe message', async () => {
    const { sessions, session } = setup();
    const dispatcher = createDispatcher({
      contract: { 'system.ping': testContract['system.ping'] },
      handlers: { 'system.ping': () => { throw new AppError('CONFLICT'); } },
      services: { clock: new ManualClock(), ids: sequentialIds(), logger: createLogger({ sink: memorySink() }) },
      sessions,
    });
    sessions.bind(caller, session('admin'));
    expect(await dispatcher.dispatch('system.ping', {}, caller)).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'The change conflicts with existing data.' } });
  });

  it('answers a session lookup the vault is too busy for (a rekey swapping its connection) with CONFLICT, so callers retry instead of signing out', async () => {
    const sink = memorySink();
    const busy = new AppError('CONFLICT', 'The vault is getting a new key; try again in a moment.');
    const dispatcher = createDispatcher({
      contract: { 'system.ping': testContract['system.ping'], 'me.profile': testContract['me.profile'] },
      handlers: { 'system.ping': () => ({ pong: true }), 'me.profile': () => ({ userId: 'u1' }) },
      services: { clock: new ManualClock(), ids: sequentialIds(), logger: createLogger({ sink }) },
      sessions: {
        resolve: () => {
          throw busy;
        },
        touch: () => {},
      },
    });
    for (const name of ['system.ping', 'me.profile'] as const) {
      expect(await dispatcher.dispatch(name, {}, caller)).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: busy.message } });
    }
    // An expected, passing state: nothing is logged as an internal failure.
    expect(JSON.stringify(sink.records)).not.toContain('session lookup failed');
  });

  it('refuses to start when a contract call has no handler', () => {
    expect(() =>
      createDispatcher({
        contract: testContract,
        handlers: {} as never,
        services: { clock: new ManualClock(), ids: sequentialIds(), logger: createLogger({ sink: memorySink() }) },
        sessions: new MemorySessions(),
      }),
    ).toThrow(/no handler/);
  });
});

/**
 * The slow-call warning reports what hurts the app: how long a call held the main thread without a
 * break, not how long it was awaited. Budget 50 ms; the busy handlers spin well past it or well under.
 */
describe('the dispatcher: slow calls are the ones that block the main thread', () => {
  const call = (): ReturnType<typeof defineCall> =>
    defineCall({ input: z.object({}).strict(), output: z.object({ pong: z.boolean() }).strict(), access: 'public', mutates: false, summary: 'test' });
  const contract = {
    'wait.timer': call(), 'busy.sync': call(), 'busy.afterAwait': call(), 'busy.steps': call(), 'busy.noTurn': call(),
    'busy.shared': call(), 'light.shared': call(),
  };
  /** A promise both shared.* handlers await; the test settles it. */
  let release: () => void = () => undefined;
  let shared = Promise.resolve();
  const share = (): void => {
    shared = new Promise<void>((resolve) => {
      release = resolve;
    });
  };
  const spin = (ms: number): void => {
    const until = performance.now() + ms;
    while (performance.now() < until) { /* holding the main thread */ }
  };
  const pong = { pong: true };
  const handlers = {
    'wait.timer': async () => {
      await setTimeout(200);
      return pong;
    },
    'busy.sync': () => {
      spin(80);
      return pong;
    },
    'busy.afterAwait': async () => {
      await setTimeout(5);
      spin(80);
      return pong;
    },
    // 80 ms of work in four steps with a turn of the event loop between them.
    'busy.steps': async () => {
      for (let i = 0; i < 4; i++) {
        spin(20);
        await setImmediate();
      }
      return pong;
    },
    // Two halves separated by an await that does not give the event loop a turn.
    'busy.noTurn': async () => {
      spin(40);
      await null;
      spin(40);
      return pong;
    },
    'busy.shared': async () => {
      await shared;
      spin(60);
      return pong;
    },
    // Runs in the same microtask drain as busy.shared's 60 ms, but itself for about 1 ms.
    'light.shared': async () => {
      await shared;
      await null;
      await null;
      spin(1);
      return pong;
    },
  };
  const setupSlow = () => {
    const sink = memorySink();
    const dispatcher = createDispatcher({
      contract,
      handlers,
      services: { clock: new ManualClock(), ids: sequentialIds(), logger: createLogger({ sink, level: 'debug' }) },
      sessions: new MemorySessions(),
      slowCallMs: 50,
    });
    const slow = (): Array<{ call: unknown; ms: unknown }> =>
      sink.records.filter((r) => r.msg === 'call blocked the main thread').map((r) => ({ call: r.call, ms: r.ms }));
    return { dispatcher, slow };
  };

  it('does not log a call that awaits a 200 ms timer, and logs one that spins 80 ms synchronously (name and ms only)', async () => {
    const { dispatcher, slow } = setupSlow();
    expect(await dispatcher.dispatch('wait.timer', {}, caller)).toEqual({ ok: true, value: pong });
    expect(slow()).toEqual([]);
    await dispatcher.dispatch('busy.sync', {}, caller);
    expect(slow()).toEqual([{ call: 'busy.sync', ms: expect.any(Number) as number }]);
    expect(slow()[0]!.ms as number).toBeGreaterThanOrEqual(80);
  });

  it('counts the work after an await, and work split only by awaits that give no turn; not work that yields between steps', async () => {
    const { dispatcher, slow } = setupSlow();
    await dispatcher.dispatch('busy.steps', {}, caller);
    expect(slow()).toEqual([]);
    await dispatcher.dispatch('busy.afterAwait', {}, caller);
    await dispatcher.dispatch('busy.noTurn', {}, caller);
    expect(slow().map((s) => s.call)).toEqual(['busy.afterAwait', 'busy.noTurn']);
  });

  it("does not blame a waiting call for another call's block", async () => {
    const { dispatcher, slow } = setupSlow();
    const waiting = dispatcher.dispatch('wait.timer', {}, caller);
    await setTimeout(20);
    await dispatcher.dispatch('busy.afterAwait', {}, caller);
    await waiting;
    expect(slow().map((s) => s.call)).toEqual(['busy.afterAwait']);
  });

  it("does not blame a call for another call's code run in the same microtask drain", async () => {
    const { dispatcher, slow } = setupSlow();
    share();
    const busy = dispatcher.dispatch('busy.shared', {}, caller);
    const light = dispatcher.dispatch('light.shared', {}, caller);
    release();
    await Promise.all([busy, light]);
    expect(slow().map((s) => s.call)).toEqual(['busy.shared']);
  });
});
