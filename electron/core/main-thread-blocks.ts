import { createHook, executionAsyncResource } from 'node:async_hooks';

/**
 * How long a call held the main thread without a break: its longest block. A block is the call's
 * own code run within one turn of the event loop: the synchronous start of the call, or a callback
 * it set up (a timer, a worker's answer, an await's continuation), plus its continuations that run
 * in the same microtask drain. Only the call's own slices of code are added up: time spent awaiting
 * (a worker, the libuv pool, a timer), idle time and other calls' code running in between never count.
 *
 * The call's callbacks are told apart with async_hooks: every async resource created while the call's
 * code runs belongs to it. The hook slows every await in the process, so it is enabled only while
 * some call is metered, and a call is metered for at most METER_CAP_MS (one that never settles would
 * otherwise keep it on for good).
 */
interface CallState {
  longestMs: number;
  /** Nesting of the call's callbacks being run: a slice starts at 0 -> 1 and ends at 1 -> 0. */
  depth: number;
  sliceStart: number;
  /** The call's own time so far in the turn it last ran in (lastTurn). */
  blockMs: number;
  lastTurn: number;
  /** Settled, or metered past the cap: its callbacks are no longer timed. */
  done: boolean;
}

/** How long a call in flight is metered; its blocks after that are not reported. */
export const METER_CAP_MS = 10_000;

const owners = new WeakMap<object, CallState>();
const microtasks = new WeakSet<object>();
const metered = new Set<CallState>();
let current: CallState | null = null;
const entered: Array<CallState | null> = [];
/** Callbacks being run (nesting depth); a new turn starts when an outermost one is not a microtask. */
let depth = 0;
let turn = 0;

function startSlice(call: CallState): void {
  if (call.done || call.depth++ > 0) return;
  call.sliceStart = performance.now();
}

function endSlice(call: CallState): void {
  if (call.done || --call.depth > 0) return;
  const ownMs = performance.now() - call.sliceStart;
  call.blockMs = (call.lastTurn === turn ? call.blockMs : 0) + ownMs;
  call.lastTurn = turn;
  call.longestMs = Math.max(call.longestMs, call.blockMs);
}

const hook = createHook({
  init(_id, type, _trigger, resource: object) {
    // process.nextTick and queueMicrotask callbacks run in the current drain, as promise reactions do.
    if (type === 'TickObject' || type === 'Microtask') microtasks.add(resource);
    if (current) owners.set(resource, current);
  },
  before() {
    const resource = executionAsyncResource();
    const microtask = resource instanceof Promise || microtasks.has(resource);
    if (depth++ === 0 && !microtask) turn++;
    const owner = owners.get(resource);
    entered.push(current);
    current = owner && !owner.done ? owner : null;
    if (current) startSlice(current);
  },
  after() {
    // A hook enabled inside a callback sees that callback's end without its start.
    depth = Math.max(0, depth - 1);
    if (current) endSlice(current);
    current = entered.pop() ?? null;
  },
});

function stopMetering(state: CallState): void {
  state.done = true;
  if (metered.delete(state) && metered.size === 0) hook.disable();
}

/** How many calls are being metered; the hook is enabled exactly while this is above 0. */
export function meteredCalls(): number {
  return metered.size;
}

/**
 * Runs `call` (the whole call, from its first synchronous step) and returns its result with the
 * longest main-thread block it caused, once it has settled. `capMs` (default METER_CAP_MS) bounds
 * how long it is metered.
 */
export async function meterCall<T>(
  call: () => Promise<T>,
  opts: { capMs?: number } = {},
): Promise<{ value: T; longestBlockMs: number }> {
  if (metered.size === 0) {
    depth = 0;
    entered.length = 0;
    current = null;
    hook.enable();
  }
  // No callback the hook saw is running: this is a callback entered without async_hooks (Electron's
  // IPC events), so a new turn, which must not join the blocks of calls already in flight.
  if (depth === 0) turn++;
  const state: CallState = { longestMs: 0, depth: 0, sliceStart: 0, blockMs: 0, lastTurn: -1, done: false };
  metered.add(state);
  const outer = current;
  // The cap's timer belongs to no call.
  current = null;
  const cap = setTimeout(() => stopMetering(state), opts.capMs ?? METER_CAP_MS);
  cap.unref();
  try {
    current = state;
    startSlice(state);
    let pending: Promise<T>;
    try {
      pending = call();
    } finally {
      endSlice(state);
      current = outer;
    }
    const value = await pending;
    return { value, longestBlockMs: state.longestMs };
  } finally {
    clearTimeout(cap);
    stopMetering(state);
  }
}
