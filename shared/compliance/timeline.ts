import {
  countsTowardHours,
  isExtensionKind,
  isMoonlighting,
  type IntervalKind,
  type WorkInterval,
} from './model';
import { unionOf } from './spans';

/**
 * A work period: a maximal chain of counting intervals whose gaps are at most G minutes. The core ends
 * with the last interval that is not a transition or education (the "+4" activities).
 */
export interface WorkPeriod {
  start: number;
  end: number;
  /** End of the last non-extension interval; equals start when the chain is extension time only. */
  coreEnd: number;
  hasInHouseCall: boolean;
}

/** A chain of edClinical intervals (same gap rule), with the work period that contains it. */
export interface EdShift {
  start: number;
  end: number;
  workPeriod: number;
}

/**
 * Everything the rules need about one person, derived once from their intervals. Rules then evaluate
 * any period by binary search into these arrays instead of rescanning raw intervals.
 */
export interface PersonTimeline {
  /** Sorted by start, then end, then kind. */
  intervals: readonly WorkInterval[];
  /** Union of intervals counting toward hours (all but homeCall). */
  counted: number[];
  /** Union of all intervals: anything here prevents a day off. */
  busy: number[];
  ed: number[];
  moonlight: number[];
  homeCall: number[];
  homeCallActive: number[];
  /** Start instants of in-house call intervals, sorted. */
  inHouseCallStarts: number[];
  workPeriods: WorkPeriod[];
  /** workPeriods[i].start, for binary search. */
  workPeriodStarts: number[];
  edShifts: EdShift[];
  edShiftStarts: number[];
}

const KIND_ORDER: Record<IntervalKind, number> = {
  clinical: 0,
  inHouseCall: 1,
  nightFloat: 2,
  transition: 3,
  education: 4,
  homeCall: 5,
  homeCallActive: 6,
  moonlightInternal: 7,
  moonlightExternal: 8,
  edClinical: 9,
};

export function compareIntervals(a: WorkInterval, b: WorkInterval): number {
  return a.start - b.start || a.end - b.end || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
}

export function sortIntervals(intervals: readonly WorkInterval[]): WorkInterval[] {
  return intervals.slice().sort(compareIntervals);
}

function chainWorkPeriods(sorted: readonly WorkInterval[], gap: number): WorkPeriod[] {
  const out: WorkPeriod[] = [];
  let cur: WorkPeriod | undefined;
  for (const iv of sorted) {
    if (!countsTowardHours(iv.kind)) continue;
    if (cur && iv.start - cur.end <= gap) {
      if (iv.end > cur.end) cur.end = iv.end;
    } else {
      cur = { start: iv.start, end: iv.end, coreEnd: iv.start, hasInHouseCall: false };
      out.push(cur);
    }
    if (!isExtensionKind(iv.kind) && iv.end > cur.coreEnd) cur.coreEnd = iv.end;
    if (iv.kind === 'inHouseCall') cur.hasInHouseCall = true;
  }
  return out;
}

function chainEdShifts(sorted: readonly WorkInterval[], gap: number, workPeriods: readonly WorkPeriod[]): EdShift[] {
  const out: EdShift[] = [];
  let cur: EdShift | undefined;
  let wp = 0;
  for (const iv of sorted) {
    if (iv.kind !== 'edClinical') continue;
    if (cur && iv.start - cur.end <= gap) {
      if (iv.end > cur.end) cur.end = iv.end;
      continue;
    }
    // Work periods are sorted and every ED interval lies inside exactly one of them.
    while (wp + 1 < workPeriods.length && (workPeriods[wp + 1] as WorkPeriod).start <= iv.start) wp++;
    cur = { start: iv.start, end: iv.end, workPeriod: wp };
    out.push(cur);
  }
  return out;
}

/** `sorted` must be ordered by compareIntervals. */
export function buildTimeline(sorted: readonly WorkInterval[], gapMinutes: number): PersonTimeline {
  const workPeriods = chainWorkPeriods(sorted, gapMinutes);
  const edShifts = chainEdShifts(sorted, gapMinutes, workPeriods);
  const inHouseCallStarts: number[] = [];
  for (const iv of sorted) if (iv.kind === 'inHouseCall') inHouseCallStarts.push(iv.start);
  return {
    intervals: sorted,
    counted: unionOf(sorted, (i) => countsTowardHours(i.kind)),
    busy: unionOf(sorted, () => true),
    ed: unionOf(sorted, (i) => i.kind === 'edClinical'),
    moonlight: unionOf(sorted, (i) => isMoonlighting(i.kind)),
    homeCall: unionOf(sorted, (i) => i.kind === 'homeCall'),
    homeCallActive: unionOf(sorted, (i) => i.kind === 'homeCallActive'),
    inHouseCallStarts,
    workPeriods,
    workPeriodStarts: workPeriods.map((w) => w.start),
    edShifts,
    edShiftStarts: edShifts.map((s) => s.start),
  };
}
