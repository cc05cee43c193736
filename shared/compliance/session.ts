import { checkWindow, isEvaluated, preparePerson, type PreparedPerson } from './engine';
import { rollingEarlyWarnings, type EarlyWarning, type EarlyWarningOptions } from './early-warning';
import { calendarFor, type ZoneCalendar } from './time/calendar';
import { lowerBound } from './spans';
import { compareIntervals, sortIntervals, type PersonTimeline } from './timeline';
import type {
  Absence,
  ComplianceProgram,
  CprRuleSetId,
  PersonProfile,
  PersonSchedule,
  RuleResult,
  WorkInterval,
} from './model';
import { formatIsoDate } from './time/civil';

export interface NotEvaluated {
  personId: string;
  reason: string;
}

export interface EditOutcome {
  personId: string;
  /** Averaging periods that were re-checked, as inclusive local dates. */
  recheckedPeriods: Array<[string, string]>;
  /** Results of the re-checked periods only. */
  changed: RuleResult[];
  /** All current results for the person. */
  results: RuleResult[];
}

interface PersonState {
  schedule: PersonSchedule;
  prepared: PreparedPerson;
  /** Results per window, parallel to prepared.windows. */
  byWindow: RuleResult[][];
}

/**
 * A checked program that stays checked under edits. Results are cached per person and per averaging
 * period; intervals are indexed by person. An edit re-derives only that person's timeline (linear in
 * their intervals) and re-runs the rules only for periods the change can reach.
 */
export class ComplianceSession {
  readonly cal: ZoneCalendar;
  private readonly gap: number;
  private readonly ruleSet: CprRuleSetId | undefined;
  private readonly states = new Map<string, PersonState>();
  private readonly order: string[] = [];
  private readonly skipped: NotEvaluated[] = [];

  constructor(program: ComplianceProgram) {
    this.cal = calendarFor(program.timeZone);
    this.gap = program.workPeriodGapMinutes;
    this.ruleSet = program.ruleSet;
    for (const schedule of program.people) {
      const id = schedule.profile.id;
      if (!isEvaluated(schedule.profile)) {
        this.skipped.push({ personId: id, reason: `role "${schedule.profile.role}" is not subject to ACGME work rules` });
        continue;
      }
      const prepared = preparePerson(schedule, this.gap);
      this.states.set(id, {
        schedule,
        prepared,
        byWindow: prepared.windows.map((w) => checkWindow(prepared, w, this.cal, this.ruleSet)),
      });
      this.order.push(id);
    }
  }

  /** Every result: people in input order, periods in date order, rules in catalog order. */
  results(): RuleResult[] {
    const out: RuleResult[] = [];
    for (const id of this.order) for (const rows of this.state(id).byWindow) for (const r of rows) out.push(r);
    return out;
  }

  resultsFor(personId: string): RuleResult[] {
    return this.state(personId).byWindow.flat();
  }

  notEvaluated(): readonly NotEvaluated[] {
    return this.skipped;
  }

  profile(personId: string): PersonProfile {
    return this.state(personId).schedule.profile;
  }

  /** Replaces all of one person's intervals and re-checks what the change can affect. */
  applyEdit(personId: string, intervals: readonly WorkInterval[]): EditOutcome {
    const state = this.state(personId);
    const before = state.prepared.timeline;
    const sorted = sortIntervals(intervals);
    const schedule: PersonSchedule = { ...state.schedule, intervals: sorted };
    const prepared = preparePerson(schedule, this.gap, sorted);
    const reach = changedReach(before, prepared.timeline, this.gap);
    return this.recheck(state, schedule, prepared, reach);
  }

  /** Replaces one person's absences; leave moves averaging denominators, so all their periods re-run. */
  replaceAbsences(personId: string, absences: readonly Absence[]): EditOutcome {
    const state = this.state(personId);
    const schedule: PersonSchedule = { ...state.schedule, absences };
    const prepared = preparePerson(schedule, this.gap, state.prepared.timeline.intervals);
    return this.recheck(state, schedule, prepared, [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
  }

  /** Rolling 28-day early warnings (never verdicts) for windows ending in [fromDay, toDay]. */
  earlyWarnings(personId: string, fromDay: number, toDay: number, options?: EarlyWarningOptions): EarlyWarning[] {
    return rollingEarlyWarnings(this.state(personId).prepared, this.cal, fromDay, toDay, options);
  }

  private recheck(
    state: PersonState,
    schedule: PersonSchedule,
    prepared: PreparedPerson,
    reach: [number, number] | undefined,
  ): EditOutcome {
    state.schedule = schedule;
    state.prepared = prepared;
    const rechecked: Array<[string, string]> = [];
    const changed: RuleResult[] = [];
    if (reach) {
      const [lo, hi] = reach;
      prepared.windows.forEach((w, i) => {
        const start = this.cal.dayStart(w.startDay);
        const end = this.cal.dayStart(w.endDay + 1);
        if (start >= hi || end <= lo) return;
        const rows = checkWindow(prepared, w, this.cal, this.ruleSet);
        state.byWindow[i] = rows;
        rechecked.push([formatIsoDate(w.startDay), formatIsoDate(w.endDay)]);
        changed.push(...rows);
      });
    }
    return { personId: schedule.profile.id, recheckedPeriods: rechecked, changed, results: state.byWindow.flat() };
  }

  private state(personId: string): PersonState {
    const s = this.states.get(personId);
    if (!s) throw new Error(`no evaluated person with id "${personId}"`);
    return s;
  }
}

/** Start of the last work period starting strictly before t, or t itself. */
function previousWorkStart(timeline: PersonTimeline, t: number): number {
  const i = lowerBound(timeline.workPeriodStarts, t) - 1;
  return i >= 0 ? Math.min(t, timeline.workPeriodStarts[i] as number) : t;
}

/**
 * The instant range [lo, hi) whose periods an edit can affect, or undefined when nothing changed.
 * Differing intervals span [first, last). Period values also depend on (a) the work period a change
 * joins or splits, and (b) the rest before the next work period, measured from the one before: so the
 * range reaches back to the start of the last work period before the change, in the old and new
 * timelines, and forward by G, which is how far a split can move a work period's start.
 */
function changedReach(before: PersonTimeline, after: PersonTimeline, gap: number): [number, number] | undefined {
  const a = before.intervals;
  const b = after.intervals;
  let head = 0;
  while (head < a.length && head < b.length && compareIntervals(a[head] as WorkInterval, b[head] as WorkInterval) === 0) {
    head++;
  }
  if (head === a.length && head === b.length) return undefined;
  let tailA = a.length;
  let tailB = b.length;
  while (
    tailA > head &&
    tailB > head &&
    compareIntervals(a[tailA - 1] as WorkInterval, b[tailB - 1] as WorkInterval) === 0
  ) {
    tailA--;
    tailB--;
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = head; i < tailA; i++) {
    const iv = a[i] as WorkInterval;
    lo = Math.min(lo, iv.start);
    hi = Math.max(hi, iv.end);
  }
  for (let i = head; i < tailB; i++) {
    const iv = b[i] as WorkInterval;
    lo = Math.min(lo, iv.start);
    hi = Math.max(hi, iv.end);
  }
  lo = Math.min(previousWorkStart(before, lo), previousWorkStart(after, lo));
  return [lo, hi + gap + 1];
}

/** One-shot check of a whole program. */
export function checkProgram(program: ComplianceProgram): { results: RuleResult[]; notEvaluated: readonly NotEvaluated[] } {
  const session = new ComplianceSession(program);
  return { results: session.results(), notEvaluated: session.notEvaluated() };
}
