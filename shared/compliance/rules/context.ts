import { formatIsoDate } from '../time/civil';
import type { ZoneCalendar } from '../time/calendar';
import type { EvaluationPeriod } from '../periods';
import type { PersonTimeline } from '../timeline';
import type { Assignment, MetricValue, PersonProfile, RuleId, RuleResult, Verdict } from '../model';
import { RULES } from './catalog';

/** What a rule sees: one person, one rotation assignment, one averaging period. */
export interface RuleContext {
  profile: PersonProfile;
  assignment: Assignment;
  timeline: PersonTimeline;
  period: EvaluationPeriod;
  cal: ZoneCalendar;
  /** Rule-set id stamped on CPR results ("CPR-2023" / "CPR-2025"). */
  cprRuleSet: string;
  /** Rule-set id stamped on EM results. */
  emRuleSet: string;
  /** The period as dates, computed once and shared by every row of the window (treat as immutable). */
  periodDates: [string, string];
}

export function periodText(startDay: number, endDay: number): [string, string] {
  return [formatIsoDate(startDay), formatIsoDate(endDay)];
}

export function makeResult(
  ctx: RuleContext,
  ruleId: RuleId,
  verdict: Verdict,
  values: Record<string, MetricValue>,
  explanation: string,
  dates: [string, string] = ctx.periodDates,
): RuleResult {
  const def = RULES[ruleId];
  return {
    personId: ctx.profile.id,
    ruleId,
    ruleSet: def.pack === 'EM' ? ctx.emRuleSet : ctx.cprRuleSet,
    citations: def.citations,
    severity: def.severity,
    verdict,
    period: dates,
    values,
    explanation,
  };
}
