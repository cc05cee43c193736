import { MINUTES_PER_DAY } from './time/civil';
import type { WorkInterval } from './model';

/**
 * Sorted, disjoint half-open spans stored flat as [s0, e0, s1, e1, ...] in epoch minutes. Flat number
 * arrays keep the hot loops allocation-free; every function here is linear after one binary search.
 */
export type Spans = readonly number[];

/** Union of the intervals (already sorted by start) that satisfy `keep`. */
export function unionOf(sorted: readonly WorkInterval[], keep: (i: WorkInterval) => boolean): number[] {
  const out: number[] = [];
  let s = 0;
  let e = 0;
  let open = false;
  for (const iv of sorted) {
    if (!keep(iv)) continue;
    if (open && iv.start <= e) {
      if (iv.end > e) e = iv.end;
      continue;
    }
    if (open) out.push(s, e);
    s = iv.start;
    e = iv.end;
    open = true;
  }
  if (open) out.push(s, e);
  return out;
}

/** Index (in spans, counted in pairs) of the first span whose end is after t. */
export function firstEndingAfter(spans: Spans, t: number): number {
  let lo = 0;
  let hi = spans.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((spans[2 * mid + 1] as number) > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Minutes of `spans` inside the window [from, to). */
export function minutesWithin(spans: Spans, from: number, to: number): number {
  let total = 0;
  const n = spans.length >> 1;
  for (let i = firstEndingAfter(spans, from); i < n; i++) {
    const s = spans[2 * i] as number;
    if (s >= to) break;
    const e = spans[2 * i + 1] as number;
    total += Math.min(e, to) - Math.max(s, from);
  }
  return total;
}

/** Minutes of `spans` inside the union of `windows` (both sorted and disjoint). */
export function minutesWithinAll(spans: Spans, windows: Spans): number {
  let total = 0;
  for (let w = 0; w < windows.length; w += 2) total += minutesWithin(spans, windows[w] as number, windows[w + 1] as number);
  return total;
}

/**
 * Whole free 24-hour periods: for each maximal run of time inside `windows` not covered by `busy`,
 * floor(run / 24 h). A run never crosses a window edge, which is how period and leave clipping work.
 */
export function freeDays(busy: Spans, windows: Spans): number {
  let days = 0;
  const n = busy.length >> 1;
  for (let w = 0; w < windows.length; w += 2) {
    const from = windows[w] as number;
    const to = windows[w + 1] as number;
    let cursor = from;
    for (let i = firstEndingAfter(busy, from); i < n; i++) {
      const s = busy[2 * i] as number;
      if (s >= to) break;
      if (s > cursor) days += Math.floor((s - cursor) / MINUTES_PER_DAY);
      const e = busy[2 * i + 1] as number;
      if (e > cursor) cursor = e;
    }
    if (to > cursor) days += Math.floor((to - cursor) / MINUTES_PER_DAY);
  }
  return days;
}

/** Index of the first element of a sorted number array that is >= t. */
export function lowerBound(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
