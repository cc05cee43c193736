import { makeResult, type RuleContext } from './context';
import { hoursText, hoursValue } from '../format';
import { minutesWithin } from '../spans';
import type { RuleResult } from '../model';

/**
 * PGY-1 residents may not moonlight at all, so any moonlighting minute in the period is a violation
 * (leave days included: this rule is not averaged). Other years may; their hours count toward 80 h.
 */
export function checkPgy1Moonlighting(ctx: RuleContext): RuleResult {
  const minutes = minutesWithin(ctx.timeline.moonlight, ctx.period.start, ctx.period.end);
  const pgy = ctx.profile.pgy ?? null;
  const violation = pgy === 1 && minutes > 0;
  let explanation: string;
  if (pgy === 1) {
    explanation = violation
      ? `PGY-1 with ${hoursText(minutes)} h of moonlighting in this period: PGY-1 residents may not moonlight`
      : 'PGY-1 with no moonlighting';
  } else {
    explanation = `PGY-${pgy ?? '?'}: moonlighting permitted (${hoursText(minutes)} h, counted toward the weekly limit)`;
  }
  return makeResult(
    ctx,
    'CPR-ML-PGY1',
    violation ? 'violation' : 'compliant',
    { moonlightingHours: hoursValue(minutes), pgy },
    explanation,
  );
}
