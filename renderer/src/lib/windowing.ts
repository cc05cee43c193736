/**
 * Which rows of a long list to render: the ones in the viewport plus a few either side, so a
 * 200-person grid costs the same as a 20-person one. Fixed row height keeps this arithmetic.
 */
export interface WindowRange {
  start: number;
  /** Exclusive. */
  end: number;
  /** Pixels above the first rendered row. */
  offsetTop: number;
  totalHeight: number;
}

export function windowRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 6): WindowRange {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight: count * rowHeight };
}

/** The scrollTop that brings a row fully into view, or null when it already is. */
export function scrollToRow(row: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | null {
  const top = row * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return null;
}
