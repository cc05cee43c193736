import { makeResult, type RuleContext } from './context';
import { hoursText, hoursValue } from '../format';
import { lowerBound } from '../spans';
import type { WorkPeriod } from '../timeline';
import type { RuleResult } from '../model';

/**
 * Rules on work periods: CPR-24H, CPR-24P4, CPR-14H and the CPR-8H advisory. A work period belongs to
 * the averaging period in which it starts (so it is reported once even if it runs past midnight at the
 * end of a block); rest after it is measured to the start of the next work period, wherever that is.
 */

const H24 = 24 * 60;
const H28 = 28 * 60;
const H14 = 14 * 60;
const H8 = 8 * 60;

/** Index range [from, to) of work periods starting inside the period. */
function workPeriodRange(ctx: RuleContext): [number, number] {
  const starts = ctx.timeline.workPeriodStarts;
  return [lowerBound(starts, ctx.period.start), lowerBound(starts, ctx.period.end)];
}

function wp(ctx: RuleContext, i: number): WorkPeriod {
  return ctx.timeline.workPeriods[i] as WorkPeriod;
}

export function check24h(ctx: RuleContext): RuleResult {
  const [from, to] = workPeriodRange(ctx);
  let worst = -1;
  let worstCore = 0;
  for (let i = from; i < to; i++) {
    const w = wp(ctx, i);
    if (w.coreEnd - w.start > worstCore) {
      worstCore = w.coreEnd - w.start;
      worst = i;
    }
  }
  const over = worstCore > H24;
  let explanation = `longest continuous clinical assignment ${hoursText(worstCore)} h ${over ? '>' : '<='} 24`;
  if (worst < 0) explanation = 'no scheduled work starts in this period';
  else if (over) {
    const w = wp(ctx, worst);
    explanation += ` (from ${ctx.cal.formatLocal(w.start)} to ${ctx.cal.formatLocal(w.coreEnd)})`;
  }
  return makeResult(
    ctx,
    'CPR-24H',
    over ? 'violation' : 'compliant',
    { maxContinuousHours: hoursValue(worstCore) },
    explanation,
  );
}

export function check24plus4(ctx: RuleContext): RuleResult {
  const [from, to] = workPeriodRange(ctx);
  let maxSpan = 0;
  let breach = -1;
  let extended = false;
  for (let i = from; i < to; i++) {
    const w = wp(ctx, i);
    const span = w.end - w.start;
    if (span > maxSpan) maxSpan = span;
    if (span > H24) extended = true;
    if (breach < 0 && (span > H28 || w.coreEnd - w.start > H24)) breach = i;
  }
  let explanation: string;
  if (breach >= 0) {
    const w = wp(ctx, breach);
    const span = w.end - w.start;
    explanation =
      span > H28
        ? `work period from ${ctx.cal.formatLocal(w.start)} lasts ${hoursText(span)} h > 28`
        : `work period from ${ctx.cal.formatLocal(w.start)}: patient care continues to hour ${hoursText(w.coreEnd - w.start)} > 24; after hour 24 only transitions of care and education are allowed`;
  } else if (to === from) {
    explanation = 'no scheduled work starts in this period';
  } else {
    explanation =
      `longest work period ${hoursText(maxSpan)} h <= 28` +
      (extended ? '; time after hour 24 is transitions of care or education only' : '');
  }
  return makeResult(
    ctx,
    'CPR-24P4',
    breach >= 0 ? 'violation' : 'compliant',
    { spanHours: hoursValue(maxSpan) },
    explanation,
  );
}

/** After a work period of >= 24 h core that includes in-house call, 14 h free before the next one. */
export function check14h(ctx: RuleContext): RuleResult {
  const [from, to] = workPeriodRange(ctx);
  const periods = ctx.timeline.workPeriods;
  let minRest = Number.POSITIVE_INFINITY;
  let worst = -1;
  let calls = 0;
  for (let i = from; i < to; i++) {
    const w = wp(ctx, i);
    if (!w.hasInHouseCall || w.coreEnd - w.start < H24) continue;
    calls++;
    const next = periods[i + 1];
    if (!next) continue;
    const rest = next.start - w.end;
    if (rest < minRest) {
      minRest = rest;
      worst = i;
    }
  }
  const violation = worst >= 0 && minRest < H14;
  let explanation: string;
  if (calls === 0) explanation = 'no 24-hour in-house call in this period';
  else if (worst < 0) explanation = 'no work scheduled after the 24-hour in-house call';
  else {
    explanation = `${hoursText(minRest)} h free after 24-hour in-house call ending ${ctx.cal.formatLocal(wp(ctx, worst).end)} ${violation ? '<' : '>='} 14`;
  }
  return makeResult(
    ctx,
    'CPR-14H',
    violation ? 'violation' : 'compliant',
    { restAfterHours: worst >= 0 ? hoursValue(minRest) : null },
    explanation,
  );
}

/** "Should" requirement: a short rest is an advisory, never a violation. */
export function check8h(ctx: RuleContext): RuleResult {
  const [from, to] = workPeriodRange(ctx);
  const periods = ctx.timeline.workPeriods;
  let minRest = Number.POSITIVE_INFINITY;
  let worst = -1;
  for (let i = from; i < to; i++) {
    const next = periods[i + 1];
    if (!next) continue;
    const rest = next.start - wp(ctx, i).end;
    if (rest < minRest) {
      minRest = rest;
      worst = i;
    }
  }
  const short = worst >= 0 && minRest < H8;
  let explanation: string;
  if (worst < 0) explanation = 'no rest between two work periods to measure in this period';
  else if (short) {
    const next = periods[worst + 1] as WorkPeriod;
    explanation = `shortest rest ${hoursText(minRest)} h < 8, before work starting ${ctx.cal.formatLocal(next.start)} (advisory: a "should" requirement)`;
  } else explanation = `shortest rest between work periods ${hoursText(minRest)} h >= 8`;
  return makeResult(
    ctx,
    'CPR-8H',
    short ? 'advisory' : 'compliant',
    { minRestHours: worst >= 0 ? hoursValue(minRest) : null },
    explanation,
  );
}
