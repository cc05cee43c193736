/**
 * The engine's own vocabulary. Everything is integer minutes: instants are epoch minutes
 * (since 1970-01-01T00:00Z) and local calendar dates are epoch days in the program's time zone.
 */

export const INTERVAL_KINDS = [
  'clinical',
  'inHouseCall',
  'nightFloat',
  'transition',
  'education',
  'homeCall',
  'homeCallActive',
  'moonlightInternal',
  'moonlightExternal',
  'edClinical',
] as const;
export type IntervalKind = (typeof INTERVAL_KINDS)[number];

/** homeCall is availability only: it blocks a day off but adds no hours and does not chain work. */
export function countsTowardHours(kind: IntervalKind): boolean {
  return kind !== 'homeCall';
}

/** Time allowed in the four hours after a 24-hour core span (transitions of care, education). */
export function isExtensionKind(kind: IntervalKind): boolean {
  return kind === 'transition' || kind === 'education';
}

export function isMoonlighting(kind: IntervalKind): boolean {
  return kind === 'moonlightInternal' || kind === 'moonlightExternal';
}

export interface WorkInterval {
  kind: IntervalKind;
  /** Epoch minutes, inclusive. */
  start: number;
  /** Epoch minutes, exclusive; always > start. */
  end: number;
}

export const RULE_PACKS = ['EM'] as const;
export type RulePackId = (typeof RULE_PACKS)[number];

/** Roles the ACGME clinical and educational work rules apply to. Others are listed as not evaluated. */
export const EVALUATED_ROLES: ReadonlySet<string> = new Set(['resident', 'fellow', 'intern', 'rotating-intern']);

export interface PersonProfile {
  id: string;
  role: string;
  /** Required for evaluated roles (PGY-1 moonlighting). */
  pgy?: number;
  specialty?: string;
}

/**
 * A rotation assignment (a block): the ACGME verdict period. Rotation-specific settings live here
 * because the 88-hour exception and rule packs are granted per rotation, never per person.
 */
export interface Assignment {
  /** Inclusive local dates as epoch days. */
  startDay: number;
  endDay: number;
  rotation?: string;
  /** Review Committee exception (81-88); absent means the 80-hour limit. */
  approvedWeeklyLimitHours?: number;
  rulePacks?: readonly RulePackId[];
}

export interface Absence {
  type: string;
  /** Inclusive local dates as epoch days. */
  startDay: number;
  endDay: number;
  /** Whole days of this absence leave the numerator and denominator of 80H, 1IN7 and Q3. */
  excludeFromAveraging: boolean;
}

export interface PersonSchedule {
  profile: PersonProfile;
  assignments: readonly Assignment[];
  absences: readonly Absence[];
  intervals: readonly WorkInterval[];
}

export interface ProgramSettings {
  timeZone: string;
  /** Gaps of at most this many minutes chain intervals into one work period (G; 0 by default). */
  workPeriodGapMinutes: number;
  /** Force a rule-set version; by default chosen from each period's start date. */
  ruleSet?: CprRuleSetId;
}

export interface ComplianceProgram extends ProgramSettings {
  people: readonly PersonSchedule[];
}

export const CPR_RULE_SETS = ['CPR-2023', 'CPR-2025'] as const;
export type CprRuleSetId = (typeof CPR_RULE_SETS)[number];

export const RULE_IDS = [
  'CPR-80H',
  'CPR-8H',
  'CPR-14H',
  'CPR-1IN7',
  'CPR-24H',
  'CPR-24P4',
  'CPR-ML-PGY1',
  'CPR-Q3',
  'CPR-HOME',
  'EM-12H',
  'EM-REST',
  'EM-60H',
  'EM-72H',
  'EM-1IN7',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export type Verdict = 'compliant' | 'violation' | 'advisory';
/** ACGME requirement category: Core ("must"), Detail ("should"), or a specialty rule pack. */
export type Severity = 'core' | 'detail' | 'specialty';

export interface Citations {
  /** Common Program Requirements numbering in force until 2025-06-30 (e.g. "VI.F.1"). */
  cpr2023: string;
  /** Numbering from 2025-07-01 (e.g. "6.20"). */
  cpr2025: string;
}

export type MetricValue = number | null;

export interface RuleResult {
  personId: string;
  ruleId: RuleId;
  /** Versioned rule set that produced the verdict (e.g. "CPR-2025", "EM-1"). */
  ruleSet: string;
  citations: Citations;
  severity: Severity;
  verdict: Verdict;
  /** Inclusive local dates "YYYY-MM-DD". */
  period: [string, string];
  values: Record<string, MetricValue>;
  explanation: string;
}
