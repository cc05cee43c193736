import type { Absence, Block, BlockAssignment, Person, Rotation, ShiftAssignment, ShiftType } from '../../../../../shared/domain/schedule';
import type { CprRuleSetId, IntervalKind } from '../../../../../shared/compliance/model';
import { EVALUATED_ROLES } from '../../../../../shared/compliance/model';
import { averagingWindows } from '../../../../../shared/compliance/periods';
import { calendarFor, type ZoneCalendar } from '../../../../../shared/compliance/time/calendar';
import { formatIsoDate, parseIsoDate, weekdayOf } from '../../../../../shared/compliance/time/civil';
import { parseIsoInstant } from '../../../../../shared/compliance/time/instant';
import { localToInstant } from '../../../../../shared/compliance/time/zone';

/** How many people a shift type needs each day, and who may take it. */
export interface CoverageRule {
  shiftTypeId: string;
  minPerDay: number;
  maxPerDay: number;
  /** People on one of these rotations that block; null = the shift type's own rotation, or anyone if it has none. */
  rotationIds: string[] | null;
  personKinds: Array<Person['kind']>;
}

export interface CallRequest {
  personId: string;
  date: string;
  /** off: would rather not work that day; on: would like this shift (any in-scope shift when shiftTypeId is null). */
  kind: 'off' | 'on';
  shiftTypeId: string | null;
  weight: number;
}

/** Calls already taken earlier in the year, so fairness carries over from period to period. */
export interface CarryOver {
  personId: string;
  calls: number;
  weekends: number;
  holidays: number;
}

export interface CallSolveInput {
  timeZone: string;
  workPeriodGapMinutes: number;
  ruleSet: CprRuleSetId;
  from: string;
  to: string;
  people: readonly Person[];
  rotations: readonly Rotation[];
  blocks: readonly Block[];
  blockAssignments: readonly BlockAssignment[];
  shiftTypes: readonly ShiftType[];
  coverage: readonly CoverageRule[];
  absences: readonly Absence[];
  /** Existing shifts of the people involved around the range: context for the ACGME rules, and the current call. */
  shifts: readonly ShiftAssignment[];
  carry: readonly CarryOver[];
  holidays: readonly string[];
  requests: readonly CallRequest[];
  mode: 'fresh' | 'repair';
}

export const CALL_WEIGHTS = {
  /** Per changed cell in repair mode: above any fairness gain one change could bring. */
  churn: 200,
  /** Largest deviation from the fair share (calls, weekends, holidays each). */
  fairMax: 30,
  /** Sum of squared deviations: spreads the rest evenly once the largest is as low as it goes. */
  fairSquare: 3,
  request: 10,
  /** Per hour below 8 h between two work periods (ACGME "should"). */
  shortRest: 2,
  /** Per hour below 48 h between a night and a following day shift. */
  nightRest: 1,
} as const;

export const KIND_CODES: readonly IntervalKind[] = ['clinical', 'inHouseCall', 'nightFloat', 'transition', 'education', 'homeCall', 'homeCallActive', 'moonlightInternal', 'moonlightExternal', 'edClinical'];
export const KIND = Object.fromEntries(KIND_CODES.map((k, i) => [k, i])) as Record<IntervalKind, number>;

/** One averaging period of one person, resolved to instants (as the engine resolves it). */
export interface FastWindow {
  start: number;
  end: number;
  startDay: number;
  eligibleDays: number;
  /** Flat [s, e, ...] spans of the window minus whole leave days. */
  eligible: Float64Array;
  isLeave: Uint8Array;
  limitMinutes: number;
}

export interface PersonContext {
  evaluated: boolean;
  /** Fixed intervals (shifts outside the cells being decided), sorted by start. */
  fStart: Float64Array;
  fEnd: Float64Array;
  fKind: Int32Array;
  fDay: Int32Array;
  windows: FastWindow[];
}

export interface CompiledCall {
  P: number;
  D: number;
  T: number;
  personIds: string[];
  dates: string[];
  firstDay: number;
  shiftTypeIds: string[];
  typeKind: Int32Array;
  minPer: Int32Array;
  maxPer: Int32Array;
  /** start/end instants (epoch minutes) of shift type t on day d at [d*T+t]. */
  start: Float64Array;
  end: Float64Array;
  /** eligible[(p*D+d)*T+t]: p may take t on d (pool, kind, not on approved absence). */
  eligible: Uint8Array;
  /** Pool of type t on day d, as person indices. */
  pools: Int32Array[];
  /** Per cell: current value (0 = off, t+1), for churn and the repair start. */
  current: Int32Array;
  /** Per cell and value: soft cost of requests. */
  requestCost: Float64Array;
  weekend: Uint8Array;
  holiday: Uint8Array;
  /** Fair shares and carried counts: [calls, weekends, holidays] per person. */
  share: Float64Array;
  carried: Float64Array;
  persons: PersonContext[];
  gap: number;
  mode: 'fresh' | 'repair';
  cal: ZoneCalendar;
}

const DAY = 1440;

function dayOf(date: string): number {
  const d = parseIsoDate(date);
  if (d === undefined) throw new Error('not a date');
  return d;
}

function instant(text: string): number {
  const r = parseIsoInstant(text);
  if (!r.ok) throw new Error('not an instant');
  return r.minutes;
}

/** Instants of a shift type on a local date, resolved like the scheduling service does (earlier on a fold). */
export function shiftInstants(zone: string, type: ShiftType, epochDay: number): { start: number; end: number } {
  const [h, m] = type.startTime.split(':').map(Number) as [number, number];
  const r = localToInstant(zone, epochDay, h * 60 + m, 'earlier');
  // A start time inside a spring-forward gap happens at the transition.
  const start = r.ok ? r.instant : r.reason === 'gap' ? r.transition : r.earlier;
  return { start, end: start + type.durationMinutes };
}

export function isInScope(input: CallSolveInput, s: ShiftAssignment): boolean {
  return s.date >= input.from && s.date <= input.to && input.coverage.some((c) => c.shiftTypeId === s.shiftTypeId);
}

export function compileCall(input: CallSolveInput): CompiledCall {
  const cal = calendarFor(input.timeZone);
  const firstDay = dayOf(input.from);
  const D = dayOf(input.to) - firstDay + 1;
  const dates = Array.from({ length: D }, (_, d) => formatIsoDate(firstDay + d));
  const typesById = new Map(input.shiftTypes.map((t) => [t.id, t]));
  const coverage = input.coverage.filter((c) => typesById.has(c.shiftTypeId));
  const T = coverage.length;
  const types = coverage.map((c) => typesById.get(c.shiftTypeId)!);
  const blocksById = new Map(input.blocks.map((b) => [b.id, b]));
  const rotationsById = new Map(input.rotations.map((r) => [r.id, r]));
  const approved = input.absences.filter((a) => a.status === 'approved');

  // Rotation of each person on each day of the range, from block assignments.
  const rotationOn = new Map<string, Array<string | null>>();
  for (const a of input.blockAssignments) {
    const block = blocksById.get(a.blockId);
    if (!block || block.endDate < input.from || block.startDate > input.to) continue;
    const row = rotationOn.get(a.personId) ?? new Array<string | null>(D).fill(null);
    for (let d = Math.max(0, dayOf(block.startDate) - firstDay); d <= Math.min(D - 1, dayOf(block.endDate) - firstDay); d++) row[d] = a.rotationId;
    rotationOn.set(a.personId, row);
  }
  const absent = (personId: string, d: number): boolean => approved.some((a) => a.personId === personId && a.startDate <= dates[d]! && dates[d]! <= a.endDate);

  // People: anyone in a pool on some day, or holding a current shift being decided.
  const inPool = (person: Person, c: CoverageRule, type: ShiftType, d: number): boolean => {
    if (!person.active || !c.personKinds.includes(person.kind)) return false;
    const rots = c.rotationIds ?? (type.rotationId ? [type.rotationId] : null);
    if (rots && !rots.includes(rotationOn.get(person.id)?.[d] ?? '')) return false;
    return !absent(person.id, d);
  };
  const scopeShifts = input.shifts.filter((s) => isInScope(input, s));
  const holders = new Set(scopeShifts.map((s) => s.personId));
  const people = input.people.filter((p) => holders.has(p.id) || coverage.some((c, t) => dates.some((_, d) => inPool(p, c, types[t]!, d))));
  const P = people.length;
  const personIndex = new Map(people.map((p, i) => [p.id, i]));

  const eligible = new Uint8Array(P * D * T);
  const pools: Int32Array[] = [];
  for (let d = 0; d < D; d++) {
    for (let t = 0; t < T; t++) {
      const list: number[] = [];
      people.forEach((p, i) => {
        if (inPool(p, coverage[t]!, types[t]!, d)) {
          eligible[(i * D + d) * T + t] = 1;
          list.push(i);
        }
      });
      pools.push(Int32Array.from(list));
    }
  }

  const start = new Float64Array(D * T);
  const end = new Float64Array(D * T);
  for (let d = 0; d < D; d++) {
    types.forEach((type, t) => {
      const s = shiftInstants(input.timeZone, type, firstDay + d);
      start[d * T + t] = s.start;
      end[d * T + t] = s.end;
    });
  }

  const V = T + 1;
  const current = new Int32Array(P * D);
  for (const s of scopeShifts) {
    const p = personIndex.get(s.personId);
    const t = coverage.findIndex((c) => c.shiftTypeId === s.shiftTypeId);
    if (p === undefined || t < 0) continue;
    const cell = p * D + dayOf(s.date) - firstDay;
    if (current[cell] === 0) current[cell] = t + 1;
  }

  const requestCost = new Float64Array(P * D * V);
  const requests: CallRequest[] = [
    ...input.requests,
    // Leave still waiting for approval is honoured where possible, as an "off" request.
    ...input.absences
      .filter((a) => a.status === 'requested')
      .flatMap((a) => dates.filter((x) => a.startDate <= x && x <= a.endDate).map((date): CallRequest => ({ personId: a.personId, date, kind: 'off', shiftTypeId: null, weight: 5 }))),
  ];
  for (const r of requests) {
    const p = personIndex.get(r.personId);
    const d = dayOf(r.date) - firstDay;
    if (p === undefined || d < 0 || d >= D) continue;
    const base = (p * D + d) * V;
    const wanted = r.shiftTypeId === null ? -1 : coverage.findIndex((c) => c.shiftTypeId === r.shiftTypeId) + 1;
    for (let v = 0; v < V; v++) {
      const miss = r.kind === 'off' ? v !== 0 : wanted === -1 ? v === 0 : v !== wanted;
      if (miss) requestCost[base + v]! += r.weight * CALL_WEIGHTS.request;
    }
  }

  const holidays = new Set(input.holidays);
  const weekend = Uint8Array.from(dates.map((_, d) => (weekdayOf(firstDay + d) >= 5 ? 1 : 0)));
  const holiday = Uint8Array.from(dates.map((x) => (holidays.has(x) ? 1 : 0)));

  // Fair share: each slot is split evenly over the people who could take it that day.
  const share = new Float64Array(P * 3);
  for (let d = 0; d < D; d++) {
    for (let t = 0; t < T; t++) {
      const pool = pools[d * T + t]!;
      if (pool.length === 0) continue;
      const each = coverage[t]!.minPerDay / pool.length;
      for (const p of pool) {
        share[p * 3]! += each;
        if (weekend[d]) share[p * 3 + 1]! += each;
        if (holiday[d]) share[p * 3 + 2]! += each;
      }
    }
  }
  const carried = new Float64Array(P * 3);
  for (const c of input.carry) {
    const p = personIndex.get(c.personId);
    if (p === undefined) continue;
    carried[p * 3] = c.calls;
    carried[p * 3 + 1] = c.weekends;
    carried[p * 3 + 2] = c.holidays;
  }

  const persons = people.map((person) => personContext(input, cal, person, firstDay, D, rotationsById, blocksById, approved));

  return {
    P, D, T,
    personIds: people.map((p) => p.id),
    dates,
    firstDay,
    shiftTypeIds: types.map((t) => t.id),
    typeKind: Int32Array.from(types.map((t) => KIND[t.kind])),
    minPer: Int32Array.from(coverage.map((c) => c.minPerDay)),
    maxPer: Int32Array.from(coverage.map((c) => c.maxPerDay)),
    start, end, eligible, pools, current, requestCost, weekend, holiday, share, carried, persons,
    gap: input.workPeriodGapMinutes,
    mode: input.mode,
    cal,
  };
}

/**
 * What the fast ACGME check needs about one person: their fixed shifts near the range, and the
 * averaging periods (per block assignment, cut as the engine cuts them) that the range can reach.
 */
function personContext(
  input: CallSolveInput,
  cal: ZoneCalendar,
  person: Person,
  firstDay: number,
  D: number,
  rotations: ReadonlyMap<string, Rotation>,
  blocks: ReadonlyMap<string, Block>,
  approved: readonly Absence[],
): PersonContext {
  const evaluated = EVALUATED_ROLES.has(person.kind);
  const leave = new Set<number>();
  for (const a of approved) {
    if (a.personId !== person.id || !a.excludeFromAveraging) continue;
    for (let d = dayOf(a.startDate); d <= dayOf(a.endDate); d++) leave.add(d);
  }
  const windows: FastWindow[] = [];
  for (const a of input.blockAssignments) {
    if (a.personId !== person.id) continue;
    const block = blocks.get(a.blockId);
    if (!block) continue;
    const rotation = rotations.get(a.rotationId);
    for (const [s, e] of averagingWindows(dayOf(block.startDate), dayOf(block.endDate))) {
      // Only periods the decided days (and the day either side, for rest rules) can reach.
      if (e < firstDay - 1 || s > firstDay + D) continue;
      const eligible: number[] = [];
      const isLeave = new Uint8Array(e - s + 1);
      let open = -1;
      let leaveDays = 0;
      for (let d = s; d <= e + 1; d++) {
        const on = d <= e && leave.has(d);
        if (on) {
          isLeave[d - s] = 1;
          leaveDays++;
        }
        const closing = d > e || on;
        if (closing && open >= 0) {
          eligible.push(cal.dayStart(open), cal.dayStart(d));
          open = -1;
        } else if (!closing && open < 0) open = d;
      }
      windows.push({
        start: cal.dayStart(s),
        end: cal.dayStart(e + 1),
        startDay: s,
        eligibleDays: e - s + 1 - leaveDays,
        eligible: Float64Array.from(eligible),
        isLeave,
        limitMinutes: (rotation?.hoursException?.limitHours ?? 80) * 60,
      });
    }
  }
  windows.sort((x, y) => x.start - y.start);
  // Fixed shifts: every shift of the person not being decided, from two days before the first
  // reachable period to two days after the last one (rest rules look one work period across).
  const lo = Math.min(cal.dayStart(firstDay), windows[0]?.start ?? Infinity) - 2 * DAY;
  const hi = Math.max(cal.dayStart(firstDay + D), windows.at(-1)?.end ?? -Infinity) + 2 * DAY;
  const types = new Map(input.shiftTypes.map((t) => [t.id, t]));
  const fixed = input.shifts
    .filter((s) => s.personId === person.id && !isInScope(input, s) && types.has(s.shiftTypeId))
    .map((s) => ({ start: instant(s.startsAt), end: instant(s.endsAt), kind: KIND[types.get(s.shiftTypeId)!.kind] }))
    .filter((s) => s.end > lo && s.start < hi)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  return {
    evaluated,
    fStart: Float64Array.from(fixed.map((f) => f.start)),
    fEnd: Float64Array.from(fixed.map((f) => f.end)),
    fKind: Int32Array.from(fixed.map((f) => f.kind)),
    fDay: Int32Array.from(fixed.map((f) => cal.dayOf(f.start))),
    windows,
  };
}
