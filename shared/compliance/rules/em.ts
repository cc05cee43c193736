import { makeResult, periodText, type RuleContext } from './context';
import { hoursText, hoursValue, plural } from '../format';
import { formatIsoDate } from '../time/civil';
import { freeDays, lowerBound, minutesWithin } from '../spans';
import type { RuleResult } from '../model';
import type { EdShift, WorkPeriod } from '../timeline';

/**
 * The emergency-medicine pack. Shift rules (EM-12H, EM-REST) are reported once per averaging period;
 * weekly rules (EM-60H, EM-72H, EM-1IN7) once per fixed 7-day week counted from the period's first
 * day. Weekly rules are not averaged, so leave is ordinary time off for them.
 */

const H12 = 12 * 60;
const H60 = 60 * 60;
const H72 = 72 * 60;

function shiftRange(ctx: RuleContext): [number, number] {
  const starts = ctx.timeline.edShiftStarts;
  return [lowerBound(starts, ctx.period.start), lowerBound(starts, ctx.period.end)];
}

function shift(ctx: RuleContext, i: number): EdShift {
  return ctx.timeline.edShifts[i] as EdShift;
}

export function checkEm12h(ctx: RuleContext): RuleResult {
  const [from, to] = shiftRange(ctx);
  let longest = 0;
  let worst = -1;
  for (let i = from; i < to; i++) {
    const s = shift(ctx, i);
    if (s.end - s.start > longest) {
      longest = s.end - s.start;
      worst = i;
    }
  }
  const over = longest > H12;
  let explanation = `longest ED shift ${hoursText(longest)} h ${over ? '>' : '<='} 12`;
  if (worst < 0) explanation = 'no ED shifts in this period';
  else if (over) explanation += ` (from ${ctx.cal.formatLocal(shift(ctx, worst).start)})`;
  return makeResult(ctx, 'EM-12H', over ? 'violation' : 'compliant', { hours: hoursValue(longest) }, explanation);
}

/**
 * Time off after an ED shift runs from the end of the work period containing it (a handoff or
 * conference straight after the shift is still work) to the start of the next work period.
 */
export function checkEmRest(ctx: RuleContext): RuleResult {
  const [from, to] = shiftRange(ctx);
  const periods = ctx.timeline.workPeriods;
  let worstDeficit = Number.NEGATIVE_INFINITY;
  let worst: { shift: EdShift; rest: number } | undefined;
  for (let i = from; i < to; i++) {
    const s = shift(ctx, i);
    const containing = periods[s.workPeriod] as WorkPeriod;
    const next = periods[s.workPeriod + 1];
    if (!next) continue;
    const rest = next.start - containing.end;
    const deficit = s.end - s.start - rest;
    if (deficit > worstDeficit) {
      worstDeficit = deficit;
      worst = { shift: s, rest };
    }
  }
  const violation = worst !== undefined && worstDeficit > 0;
  let explanation: string;
  if (!worst) explanation = 'no ED shift followed by further work in this period';
  else {
    const length = worst.shift.end - worst.shift.start;
    explanation = `${hoursText(worst.rest)} h off after a ${hoursText(length)} h ED shift ${violation ? '<' : '>='} ${hoursText(length)} h` +
      (violation ? ` (shift from ${ctx.cal.formatLocal(worst.shift.start)})` : ' (tightest case)');
  }
  return makeResult(
    ctx,
    'EM-REST',
    violation ? 'violation' : 'compliant',
    {
      restHours: worst ? hoursValue(worst.rest) : null,
      shiftHours: worst ? hoursValue(worst.shift.end - worst.shift.start) : null,
    },
    explanation,
  );
}

export function checkEmWeeks(ctx: RuleContext): RuleResult[] {
  const { period, timeline, cal } = ctx;
  const sixty: RuleResult[] = [];
  const seventyTwo: RuleResult[] = [];
  const oneInSeven: RuleResult[] = [];
  for (let first = period.startDay; first <= period.endDay; first += 7) {
    const last = Math.min(first + 6, period.endDay);
    const days = periodText(first, last);
    const from = cal.dayStart(first);
    const to = cal.dayStart(last + 1);
    const label = `week ${formatIsoDate(first)}..${formatIsoDate(last)}`;

    const ed = minutesWithin(timeline.ed, from, to);
    const edOver = ed > H60;
    sixty.push(
      makeResult(ctx, 'EM-60H', edOver ? 'violation' : 'compliant', { edHours: hoursValue(ed) },
        `${label}: ${hoursText(ed)} h of ED shifts ${edOver ? '>' : '<='} 60`, days),
    );

    const total = minutesWithin(timeline.counted, from, to);
    const totalOver = total > H72;
    seventyTwo.push(
      makeResult(ctx, 'EM-72H', totalOver ? 'violation' : 'compliant', { totalHours: hoursValue(total) },
        `${label}: ${hoursText(total)} h in total ${totalOver ? '>' : '<='} 72`, days),
    );

    const free = freeDays(timeline.busy, [from, to]);
    const partial = last - first + 1 < 7;
    const verdict = free >= 1 ? 'compliant' : partial ? 'advisory' : 'violation';
    const note =
      free >= 1
        ? ''
        : partial
          ? ` (only ${plural(last - first + 1, 'day')} of this week fall in the period: advisory, check with the next period)`
          : ': at least one is required';
    oneInSeven.push(
      makeResult(ctx, 'EM-1IN7', verdict, { free24hPeriods: free },
        `${label}: ${plural(free, 'free 24 h period')}${note}`, days),
    );
  }
  return [...sixty, ...seventyTwo, ...oneInSeven];
}
