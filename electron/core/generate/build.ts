import { addDays } from '../../../shared/domain/common';
import { weekdayOf, parseIsoDate } from '../../../shared/compliance/time/civil';
import type { ProgramSettings } from '../../../shared/domain/schedule';
import { AppError } from '../../../shared/errors';
import type { BlockPreference, BlockSolveInput } from '../solver/residency/blocks/problem';
import type { CallRequest, CallSolveInput, CarryOver, CoverageRule } from '../solver/residency/call/problem';
import type { ScheduleStore } from '../schedule/store';

/**
 * Reads what a solve needs from the open vault into plain data for the worker. Only reads; the
 * worker never sees the database.
 */

export function buildBlockInput(store: ScheduleStore, yearId: string, mode: 'fresh' | 'repair', preferences: readonly BlockPreference[]): BlockSolveInput {
  store.years.require(yearId, 'yearId');
  const blocks = store.blocks.where('academic_year_id = ?', yearId);
  const blockIds = new Set(blocks.map((b) => b.id));
  return {
    snapshot: {
      people: store.people.all(),
      rotations: store.rotations.all(),
      blocks,
      credentials: store.credentials.all(),
      absences: store.absences.all(),
      curriculum: store.curriculum.all(),
      current: store.blockAssignments.all().filter((a) => blockIds.has(a.blockId)),
    },
    preferences,
    mode,
  };
}

/** Context margin around the range: averaging periods reach at most 31 days past a decided day. */
const MARGIN_DAYS = 40;

export interface CallRequestInput {
  from: string;
  to: string;
  coverage: CoverageRule[];
  holidays: string[];
  requests: CallRequest[];
  mode: 'fresh' | 'repair';
}

export function buildCallInput(store: ScheduleStore, settings: ProgramSettings, req: CallRequestInput): CallSolveInput {
  if (req.to < req.from) throw new AppError('BAD_INPUT', undefined, { issues: [{ path: 'to', message: 'must not be before from' }] });
  const year = store.years.all().find((y) => y.startDate <= req.from && req.from <= y.endDate);
  if (!year) throw new AppError('BAD_INPUT', undefined, { issues: [{ path: 'from', message: 'is outside every academic year' }] });
  const types = new Map(store.shiftTypes.all().map((t) => [t.id, t]));
  req.coverage.forEach((c, i) => {
    if (!types.has(c.shiftTypeId)) throw new AppError('NOT_FOUND', undefined, { issues: [{ path: `coverage.${i}.shiftTypeId`, message: 'no shift type with this id' }] });
  });
  const lo = addDays(req.from, -MARGIN_DAYS);
  const hi = addDays(req.to, MARGIN_DAYS);
  const blocks = store.blocks.all().filter((b) => b.endDate >= lo && b.startDate <= hi);
  const blockIds = new Set(blocks.map((b) => b.id));
  const scoped = new Set(req.coverage.map((c) => c.shiftTypeId));
  const holidays = new Set(req.holidays);
  // Calls taken earlier in the same academic year, per person: fairness carries over.
  const carry = new Map<string, CarryOver>();
  for (const s of store.shiftAssignments.where('date >= ? AND date < ?', year.startDate, req.from)) {
    if (!scoped.has(s.shiftTypeId)) continue;
    const c = carry.get(s.personId) ?? { personId: s.personId, calls: 0, weekends: 0, holidays: 0 };
    c.calls++;
    if (weekdayOf(parseIsoDate(s.date) ?? 0) >= 5) c.weekends++;
    if (holidays.has(s.date)) c.holidays++;
    carry.set(s.personId, c);
  }
  return {
    timeZone: settings.timeZone,
    workPeriodGapMinutes: settings.workPeriodGapMinutes,
    ruleSet: settings.ruleSet,
    from: req.from,
    to: req.to,
    people: store.people.all(),
    rotations: store.rotations.all(),
    blocks,
    blockAssignments: store.blockAssignments.all().filter((a) => blockIds.has(a.blockId)),
    shiftTypes: [...types.values()],
    coverage: req.coverage,
    absences: store.absences.all(),
    shifts: store.shiftAssignments.where('date >= ? AND date <= ?', lo, hi),
    carry: [...carry.values()],
    holidays: req.holidays,
    requests: req.requests,
    mode: req.mode,
  };
}
