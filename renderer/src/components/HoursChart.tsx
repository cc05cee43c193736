import type { WeekStat } from '../lib/hours';

const W = 760;
const H = 220;
const PAD = { l: 36, r: 8, t: 10, b: 24 };

/**
 * Weekly hours as bars, the 4-week average as a line, and the 80-hour limit: an SVG drawn with
 * attributes only (no inline styles, so the CSP holds). Weeks whose average passes 80 are red.
 */
export function HoursChart({ weeks, limit = 80 }: { weeks: readonly WeekStat[]; limit?: number }) {
  const max = Math.max(100, ...weeks.map((w) => w.hours));
  const x = (i: number) => PAD.l + (i * (W - PAD.l - PAD.r)) / Math.max(1, weeks.length);
  const y = (h: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - h / max);
  const bw = Math.max(2, (W - PAD.l - PAD.r) / Math.max(1, weeks.length) - 2);
  const avg = weeks.map((w, i) => `${i === 0 ? 'M' : 'L'}${(x(i) + bw / 2).toFixed(1)},${y(w.average4).toFixed(1)}`).join(' ');
  const over = weeks.filter((w) => w.average4 > limit).length;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Weekly hours for ${weeks.length} weeks; ${over} week(s) with a 4-week average above ${limit} hours`}>
        {[0, 20, 40, 60, 80, 100].filter((t) => t <= max).map((t) => (
          <g key={t}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(t)} y2={y(t)} className="gridline" />
            <text x={PAD.l - 4} y={y(t) + 4} className="axis" textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {weeks.map((w, i) => (
          <rect key={w.start} x={x(i)} y={y(w.hours)} width={bw} height={Math.max(0, y(0) - y(w.hours))} className={w.average4 > limit ? 'bar over' : 'bar'}>
            <title>
              Week of {w.start}: {w.hours} h, 4-week average {w.average4} h, {w.daysOff} day(s) off, {w.calls} call(s)
            </title>
          </rect>
        ))}
        <path d={avg} className="avgline" />
        <line x1={PAD.l} x2={W - PAD.r} y1={y(limit)} y2={y(limit)} className="limit" />
        <text x={W - PAD.r} y={y(limit) - 4} className="axis limit-label" textAnchor="end">
          {limit} h limit
        </text>
        {weeks.map((w, i) =>
          i % 4 === 0 ? (
            <text key={w.start} x={x(i)} y={H - 6} className="axis">
              {w.start.slice(5)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption className="small muted">Bars: hours each week. Line: 4-week average. Red bars: average above {limit} h.</figcaption>
    </figure>
  );
}
