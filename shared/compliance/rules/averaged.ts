import { EXCEPTION_88H_CITATIONS } from './catalog';
import { makeResult, type RuleContext } from './context';
import { decimalsFor, hoursText, hoursValue, plural } from '../format';
import { freeDays, lowerBound, minutesWithin, minutesWithinAll } from '../spans';
import type { RuleResult } from '../model';

/**
 * Rules averaged over the period with whole leave days removed from numerator and denominator:
 * CPR-80H, CPR-1IN7, CPR-Q3, and CPR-HOME, which is judged through the first two.
 */

export const DEFAULT_WEEKLY_LIMIT_HOURS = 80;

function weeklyLimit(ctx: RuleContext): number {
  return ctx.assignment.approvedWeeklyLimitHours ?? DEFAULT_WEEKLY_LIMIT_HOURS;
}

/** Counted minutes on eligible days; a violation iff minutes*7 > limit*60*eligibleDays. */
function hoursFacts(ctx: RuleContext): { minutes: number; limit: number; over: boolean } {
  const minutes = minutesWithinAll(ctx.timeline.counted, ctx.period.eligible);
  const limit = weeklyLimit(ctx);
  return { minutes, limit, over: minutes * 7 > limit * 60 * ctx.period.eligibleDays };
}

function leaveNote(ctx: RuleContext): string {
  const p = ctx.period;
  return p.leaveDays > 0 ? ` (${plural(p.leaveDays, 'leave day')} of ${p.days} excluded)` : '';
}

export function check80h(ctx: RuleContext): RuleResult {
  const { minutes, limit, over } = hoursFacts(ctx);
  const eligible = ctx.period.eligibleDays;
  const exception =
    limit !== DEFAULT_WEEKLY_LIMIT_HOURS
      ? `; approved rotation exception to ${limit} h (${EXCEPTION_88H_CITATIONS.cpr2023} / ${EXCEPTION_88H_CITATIONS.cpr2025})`
      : '';
  if (eligible === 0) {
    return makeResult(
      ctx,
      'CPR-80H',
      'compliant',
      { countedHours: hoursValue(minutes), eligibleDays: 0, weeklyAverage: null, limit },
      `no eligible days: all ${ctx.period.days} days are leave, nothing to average`,
    );
  }
  const decimals = decimalsFor(minutes * 7, 60 * eligible, limit);
  const average = ((minutes * 7) / (60 * eligible)).toFixed(decimals);
  return makeResult(
    ctx,
    'CPR-80H',
    over ? 'violation' : 'compliant',
    { countedHours: hoursValue(minutes), eligibleDays: eligible, weeklyAverage: Number(average), limit },
    `${hoursText(minutes)} h x 7 / ${eligible} = ${average} ${over ? '>' : '<='} ${limit}${leaveNote(ctx)}${exception}`,
  );
}

/** Whole free 24 h periods on eligible days, with and without at-home call blocking them. */
function dayOffFacts(ctx: RuleContext): { daysOff: number; withoutHomeCall: number } {
  const daysOff = freeDays(ctx.timeline.busy, ctx.period.eligible);
  const hasHomeCall = minutesWithin(ctx.timeline.homeCall, ctx.period.start, ctx.period.end) > 0;
  // Counting time is everything but home-call availability, so it is "busy minus home call".
  const withoutHomeCall = hasHomeCall ? freeDays(ctx.timeline.counted, ctx.period.eligible) : daysOff;
  return { daysOff, withoutHomeCall };
}

export function check1in7(ctx: RuleContext): RuleResult {
  const { daysOff, withoutHomeCall } = dayOffFacts(ctx);
  const eligible = ctx.period.eligibleDays;
  const ok = daysOff * 7 >= eligible;
  const lost = withoutHomeCall - daysOff;
  const homeNote = lost > 0 ? `; at-home call fell on ${plural(lost, 'would-be day')} off` : '';
  const need = ok ? '' : ` (needs ${Math.ceil(eligible / 7)})`;
  return makeResult(
    ctx,
    'CPR-1IN7',
    ok ? 'compliant' : 'violation',
    { daysOff, eligibleDays: eligible },
    `${plural(daysOff, 'day')} off x 7 = ${daysOff * 7} ${ok ? '>=' : '<'} ${eligible} eligible days${need}${leaveNote(ctx)}${homeNote}`,
  );
}

/** In-house calls counted once per local start date, on eligible days only. */
export function checkQ3(ctx: RuleContext): RuleResult {
  const { timeline, period, cal } = ctx;
  const starts = timeline.inHouseCallStarts;
  let calls = 0;
  let lastDay = Number.NaN;
  for (let i = lowerBound(starts, period.start); i < starts.length; i++) {
    const t = starts[i] as number;
    if (t >= period.end) break;
    const day = cal.dayOf(t);
    if (day === lastDay || period.isLeave[day - period.startDay]) continue;
    lastDay = day;
    calls++;
  }
  const eligible = period.eligibleDays;
  const ok = 3 * calls <= eligible;
  const maxCalls = Math.floor(eligible / 3);
  return makeResult(
    ctx,
    'CPR-Q3',
    ok ? 'compliant' : 'violation',
    { inHouseCalls: calls, eligibleDays: eligible, maxCalls },
    `${plural(calls, 'in-house call')} x 3 = ${3 * calls} ${ok ? '<=' : '>'} ${eligible} eligible days (at most ${maxCalls})${leaveNote(ctx)}`,
  );
}

/**
 * At-home call: its active (called-in) time counts toward 80 hours and its availability blocks days
 * off. A violation when active home-call time is part of an 80-hour breach, or when home call sits on
 * would-be days off and 1-in-7 then fails.
 */
export function checkHomeCall(ctx: RuleContext): RuleResult {
  const { timeline, period } = ctx;
  const active = minutesWithinAll(timeline.homeCallActive, period.eligible);
  const onCall = minutesWithin(timeline.homeCall, period.start, period.end);
  const activeInPeriod = minutesWithin(timeline.homeCallActive, period.start, period.end);
  if (onCall === 0 && activeInPeriod === 0) {
    return makeResult(
      ctx,
      'CPR-HOME',
      'compliant',
      { homeCallHours: 0, homeCallActiveHours: 0, daysOffLostToHomeCall: 0 },
      'no at-home call in this period',
    );
  }
  const hours = hoursFacts(ctx);
  const days = dayOffFacts(ctx);
  const lost = days.withoutHomeCall - days.daysOff;
  const hoursBreach = hours.over && active > 0;
  const daysBreach = days.daysOff * 7 < period.eligibleDays && lost > 0;
  const parts = [
    `${hoursText(active)} h active at-home call counted toward the weekly limit` +
      (hoursBreach ? `, which is exceeded (see CPR-80H)` : ''),
    `${hoursText(onCall)} h on at-home call` +
      (lost > 0 ? ` fell on ${plural(lost, 'would-be day')} off` : ' took no day off') +
      (daysBreach ? ', leaving too few days off (see CPR-1IN7)' : ''),
  ];
  return makeResult(
    ctx,
    'CPR-HOME',
    hoursBreach || daysBreach ? 'violation' : 'compliant',
    { homeCallHours: hoursValue(onCall), homeCallActiveHours: hoursValue(active), daysOffLostToHomeCall: lost },
    parts.join('; '),
  );
}
