import { averagingWindows, leaveDaysOf, resolvePeriod } from './periods';
import { cprRuleSetFor, EM_PACK_VERSION } from './rules/catalog';
import { periodText, type RuleContext } from './rules/context';
import { check1in7, check80h, checkHomeCall, checkQ3 } from './rules/averaged';
import { check14h, check24h, check24plus4, check8h } from './rules/continuous';
import { checkPgy1Moonlighting } from './rules/moonlighting';
import { checkEm12h, checkEmRest, checkEmWeeks } from './rules/em';
import { buildTimeline, sortIntervals, type PersonTimeline } from './timeline';
import type { ZoneCalendar } from './time/calendar';
import {
  EVALUATED_ROLES,
  type Assignment,
  type CprRuleSetId,
  type PersonProfile,
  type PersonSchedule,
  type RuleResult,
  type WorkInterval,
} from './model';

/** The ACGME work rules bind residents and fellows; faculty and staff are not evaluated. */
export function isEvaluated(profile: PersonProfile): boolean {
  return EVALUATED_ROLES.has(profile.role);
}

export function emPackApplies(profile: PersonProfile, assignment: Assignment): boolean {
  return profile.specialty === 'emergency-medicine' || (assignment.rulePacks ?? []).includes('EM');
}

/** One averaging period of one assignment: the unit of caching and re-checking. */
export interface CheckWindow {
  assignment: Assignment;
  startDay: number;
  endDay: number;
}

export function planWindows(assignments: readonly Assignment[]): CheckWindow[] {
  const out: CheckWindow[] = [];
  for (const assignment of assignments) {
    for (const [startDay, endDay] of averagingWindows(assignment.startDay, assignment.endDay)) {
      out.push({ assignment, startDay, endDay });
    }
  }
  return out.sort((a, b) => a.startDay - b.startDay);
}

/** Per-person state the rules read; rebuilt whenever that person's intervals or absences change. */
export interface PreparedPerson {
  profile: PersonProfile;
  assignments: readonly Assignment[];
  windows: CheckWindow[];
  leave: ReadonlySet<number>;
  timeline: PersonTimeline;
}

export function preparePerson(
  schedule: PersonSchedule,
  gapMinutes: number,
  sortedIntervals?: readonly WorkInterval[],
): PreparedPerson {
  return {
    profile: schedule.profile,
    assignments: schedule.assignments,
    windows: planWindows(schedule.assignments),
    leave: new Set(leaveDaysOf(schedule.absences)),
    timeline: buildTimeline(sortedIntervals ?? sortIntervals(schedule.intervals), gapMinutes),
  };
}

/** All rule results for one window, in catalog order (EM weekly rows last). */
export function checkWindow(
  person: PreparedPerson,
  window: CheckWindow,
  cal: ZoneCalendar,
  pinnedRuleSet?: CprRuleSetId,
): RuleResult[] {
  const ctx: RuleContext = {
    profile: person.profile,
    assignment: window.assignment,
    timeline: person.timeline,
    period: resolvePeriod(cal, window.startDay, window.endDay, person.leave),
    cal,
    cprRuleSet: cprRuleSetFor(window.startDay, pinnedRuleSet),
    emRuleSet: EM_PACK_VERSION,
    periodDates: periodText(window.startDay, window.endDay),
  };
  const results = [
    check80h(ctx),
    check8h(ctx),
    check14h(ctx),
    check1in7(ctx),
    check24h(ctx),
    check24plus4(ctx),
    checkPgy1Moonlighting(ctx),
    checkQ3(ctx),
    checkHomeCall(ctx),
  ];
  if (emPackApplies(person.profile, window.assignment)) {
    results.push(checkEm12h(ctx), checkEmRest(ctx), ...checkEmWeeks(ctx));
  }
  return results;
}
