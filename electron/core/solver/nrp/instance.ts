/**
 * The nurse rostering problem (NRP) of Curtois & Qu, as parsed from the benchmark text format.
 * Shifts and staff are referred to by index everywhere inside the solver; the string IDs are kept
 * only for input and output.
 */
export interface NrpShift {
  id: string;
  minutes: number;
  /** Indices of shifts that may not be worked on the day after this one. */
  forbiddenNext: number[];
}

export interface NrpStaff {
  id: string;
  /** Per shift index: the most times this shift may be worked (0 = never). */
  maxShifts: number[];
  maxTotalMinutes: number;
  minTotalMinutes: number;
  maxConsecutiveShifts: number;
  minConsecutiveShifts: number;
  minConsecutiveDaysOff: number;
  maxWeekends: number;
}

export interface NrpRequest {
  staff: number;
  day: number;
  shift: number;
  weight: number;
}

export interface NrpCover {
  day: number;
  shift: number;
  requirement: number;
  weightUnder: number;
  weightOver: number;
}

export interface NrpInstance {
  name: string;
  horizon: number;
  shifts: NrpShift[];
  staff: NrpStaff[];
  /** Per staff index: the days (sorted, unique) that member must have off. */
  daysOff: number[][];
  onRequests: NrpRequest[];
  offRequests: NrpRequest[];
  cover: NrpCover[];
}

/**
 * A roster: `cells[staff * horizon + day]` is 0 for a day off or `shift index + 1`. A flat typed array
 * because the search engine treats each cell as one variable.
 */
export interface NrpRoster {
  horizon: number;
  staffCount: number;
  cells: Int32Array;
}

export function emptyRoster(instance: NrpInstance): NrpRoster {
  return {
    horizon: instance.horizon,
    staffCount: instance.staff.length,
    cells: new Int32Array(instance.horizon * instance.staff.length),
  };
}

/** A weekend k covers days 7k+5 (Saturday) and 7k+6 (Sunday); day 0 is a Monday. */
export function weekendOf(day: number): number {
  const dow = day % 7;
  return dow >= 5 ? (day - dow) / 7 : -1;
}

export function weekendCount(horizon: number): number {
  // A weekend exists in the horizon if at least its Saturday is inside it.
  return Math.floor((horizon + 1) / 7);
}
