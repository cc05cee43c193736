import type { NrpInstance, NrpRoster } from './instance';

/**
 * The reference evaluator: a direct, deliberately naive reading of the README's rules. It shares no
 * code with the solver's incremental constraints, so tests can check one against the other and the
 * CLI can verify any roster independently of how it was produced.
 */
export type HardRule =
  | 'days-off'
  | 'forbidden-succession'
  | 'max-shifts-of-type'
  | 'max-total-minutes'
  | 'min-total-minutes'
  | 'max-consecutive-shifts'
  | 'min-consecutive-shifts'
  | 'min-consecutive-days-off'
  | 'max-weekends';

export type SoftRule = 'shift-on-request' | 'shift-off-request' | 'cover-under' | 'cover-over';

export interface HardViolation {
  rule: HardRule;
  staff: string;
  /** First day concerned, when the violation is tied to days. */
  day?: number;
  message: string;
}

export interface SoftPenalty {
  rule: SoftRule;
  cost: number;
  day: number;
  shift: string;
  staff?: string;
  message: string;
}

export interface NrpEvaluation {
  objective: number;
  hardViolations: number;
  violations: HardViolation[];
  penalties: SoftPenalty[];
  /** Objective split by soft rule. */
  breakdown: Record<SoftRule, number>;
}

export function evaluateRoster(instance: NrpInstance, roster: NrpRoster): NrpEvaluation {
  const H = instance.horizon;
  if (roster.horizon !== H || roster.staffCount !== instance.staff.length) {
    throw new Error(`roster is ${roster.staffCount}x${roster.horizon}, instance is ${instance.staff.length}x${H}`);
  }
  const violations: HardViolation[] = [];
  const penalties: SoftPenalty[] = [];
  const cell = (e: number, d: number): number => roster.cells[e * H + d] ?? 0;
  const shiftId = (v: number): string => instance.shifts[v - 1]?.id ?? '?';

  instance.staff.forEach((st, e) => {
    const who = st.id;
    for (const d of instance.daysOff[e] ?? []) {
      if (cell(e, d) !== 0) {
        violations.push({ rule: 'days-off', staff: who, day: d, message: `${who} works ${shiftId(cell(e, d))} on day ${d}, a required day off` });
      }
    }
    for (let d = 0; d + 1 < H; d++) {
      const a = cell(e, d);
      const b = cell(e, d + 1);
      if (a !== 0 && b !== 0 && instance.shifts[a - 1]?.forbiddenNext.includes(b - 1)) {
        violations.push({
          rule: 'forbidden-succession',
          staff: who,
          day: d,
          message: `${who} works ${shiftId(a)} on day ${d} then ${shiftId(b)} on day ${d + 1}, a forbidden succession`,
        });
      }
    }
    const counts = instance.shifts.map(() => 0);
    let minutes = 0;
    for (let d = 0; d < H; d++) {
      const v = cell(e, d);
      if (v === 0) continue;
      counts[v - 1] = (counts[v - 1] ?? 0) + 1;
      minutes += instance.shifts[v - 1]?.minutes ?? 0;
    }
    counts.forEach((n, s) => {
      const max = st.maxShifts[s] ?? H;
      if (n > max) {
        violations.push({ rule: 'max-shifts-of-type', staff: who, message: `${who} works ${instance.shifts[s]?.id ?? '?'} ${n} times, at most ${max} allowed` });
      }
    });
    if (minutes > st.maxTotalMinutes) {
      violations.push({ rule: 'max-total-minutes', staff: who, message: `${who} works ${minutes} minutes, at most ${st.maxTotalMinutes} allowed` });
    }
    if (minutes < st.minTotalMinutes) {
      violations.push({ rule: 'min-total-minutes', staff: who, message: `${who} works ${minutes} minutes, at least ${st.minTotalMinutes} required` });
    }
    // Runs of working days and of days off. Min-length rules only apply to runs with a neighbour on
    // both sides inside the horizon: a run at either edge may continue outside the planned period.
    let start = 0;
    while (start < H) {
      const working = cell(e, start) !== 0;
      let end = start;
      while (end + 1 < H && (cell(e, end + 1) !== 0) === working) end++;
      const len = end - start + 1;
      const bounded = start > 0 && end < H - 1;
      if (working && len > st.maxConsecutiveShifts) {
        violations.push({ rule: 'max-consecutive-shifts', staff: who, day: start, message: `${who} works ${len} days in a row from day ${start}, at most ${st.maxConsecutiveShifts} allowed` });
      }
      if (working && bounded && len < st.minConsecutiveShifts) {
        violations.push({ rule: 'min-consecutive-shifts', staff: who, day: start, message: `${who} works only ${len} day(s) in a row from day ${start}, at least ${st.minConsecutiveShifts} required` });
      }
      if (!working && bounded && len < st.minConsecutiveDaysOff) {
        violations.push({ rule: 'min-consecutive-days-off', staff: who, day: start, message: `${who} has only ${len} day(s) off in a row from day ${start}, at least ${st.minConsecutiveDaysOff} required` });
      }
      start = end + 1;
    }
    let weekends = 0;
    for (let sat = 5; sat < H; sat += 7) {
      if (cell(e, sat) !== 0 || (sat + 1 < H && cell(e, sat + 1) !== 0)) weekends++;
    }
    if (weekends > st.maxWeekends) {
      violations.push({ rule: 'max-weekends', staff: who, message: `${who} works ${weekends} weekends, at most ${st.maxWeekends} allowed` });
    }
  });

  for (const r of instance.onRequests) {
    if (cell(r.staff, r.day) !== r.shift + 1) {
      const who = instance.staff[r.staff]?.id ?? '?';
      penalties.push({ rule: 'shift-on-request', cost: r.weight, day: r.day, shift: shiftId(r.shift + 1), staff: who, message: `${who} asked to work ${shiftId(r.shift + 1)} on day ${r.day}` });
    }
  }
  for (const r of instance.offRequests) {
    if (cell(r.staff, r.day) === r.shift + 1) {
      const who = instance.staff[r.staff]?.id ?? '?';
      penalties.push({ rule: 'shift-off-request', cost: r.weight, day: r.day, shift: shiftId(r.shift + 1), staff: who, message: `${who} asked not to work ${shiftId(r.shift + 1)} on day ${r.day}` });
    }
  }
  for (const c of instance.cover) {
    let n = 0;
    for (let e = 0; e < instance.staff.length; e++) if (cell(e, c.day) === c.shift + 1) n++;
    const sid = shiftId(c.shift + 1);
    if (n < c.requirement) {
      const cost = (c.requirement - n) * c.weightUnder;
      penalties.push({ rule: 'cover-under', cost, day: c.day, shift: sid, message: `day ${c.day} ${sid}: ${n} staffed, ${c.requirement} required` });
    } else if (n > c.requirement) {
      const cost = (n - c.requirement) * c.weightOver;
      penalties.push({ rule: 'cover-over', cost, day: c.day, shift: sid, message: `day ${c.day} ${sid}: ${n} staffed, ${c.requirement} required` });
    }
  }

  const breakdown: Record<SoftRule, number> = { 'shift-on-request': 0, 'shift-off-request': 0, 'cover-under': 0, 'cover-over': 0 };
  for (const p of penalties) breakdown[p.rule] += p.cost;
  const objective = penalties.reduce((sum, p) => sum + p.cost, 0);
  return { objective, hardViolations: violations.length, violations, penalties, breakdown };
}
