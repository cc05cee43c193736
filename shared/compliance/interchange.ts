import { z } from 'zod';
import { parseIsoDate } from './time/civil';
import { parseIsoInstant } from './time/instant';
import { isValidTimeZone } from './time/zone';
import {
  CPR_RULE_SETS,
  EVALUATED_ROLES,
  INTERVAL_KINDS,
  RULE_IDS,
  RULE_PACKS,
  type ComplianceProgram,
  type PersonSchedule,
  type RuleResult,
  type WorkInterval,
  type Absence,
} from './model';
import type { NotEvaluated } from './session';

/**
 * The compliance interchange format read and written by `rsched check` (one averaging period per file).
 * Unknown fields are ignored (zod objects strip them); malformed input is rejected with messages that
 * start with the field path, e.g. `intervals[3].start: expected an ISO-8601 date-time ...`.
 */

/** The longest period one file may hold; longer rotations are split into 28-day periods anyway. */
export const MAX_PERIOD_DAYS = 366;

/**
 * Absence types that leave averaging when the file does not say (`excludeFromAveraging` wins when
 * present). Anything else (conference, TDY, administrative...) stays in the averages.
 */
export const EXCLUDED_ABSENCE_TYPES: ReadonlySet<string> = new Set([
  'vacation',
  'sick',
  'parental',
  'maternity',
  'paternity',
  'medical',
  'bereavement',
  'family',
  'personal',
]);

const isoDate = z.string().refine((s) => parseIsoDate(s) !== undefined, {
  message: 'expected a calendar date YYYY-MM-DD',
});

const isoInstant = z.string().check((ctx) => {
  const r = parseIsoInstant(ctx.value);
  if (!r.ok) ctx.issues.push({ code: 'custom', message: r.reason, input: ctx.value });
});

const nonEmpty = z.string().min(1, { message: 'must not be empty' });

const personSchema = z.object({
  id: nonEmpty,
  role: nonEmpty,
  pgy: z.number().int().min(1).max(10).nullish(),
  specialty: z.string().nullish(),
  rotation: z.string().nullish(),
  approvedWeeklyLimitHours: z
    .number()
    .int({ message: 'must be a whole number of hours' })
    .min(80, { message: 'must be between 80 and 88 (an approved exception is at most 88 h)' })
    .max(88, { message: 'must be between 80 and 88 (an approved exception is at most 88 h)' })
    .nullish(),
  rulePacks: z.array(z.enum(RULE_PACKS)).nullish(),
});

const absenceSchema = z.object({
  personId: nonEmpty,
  type: nonEmpty,
  startDate: isoDate,
  endDate: isoDate,
  excludeFromAveraging: z.boolean().nullish(),
});

const intervalSchema = z.object({
  personId: nonEmpty,
  kind: z.enum(INTERVAL_KINDS),
  start: isoInstant,
  end: isoInstant,
});

export const complianceInputSchema = z
  .object({
    timeZone: z.string().refine(isValidTimeZone, { message: 'expected an IANA time zone such as America/New_York' }),
    period: z.object({ start: isoDate, end: isoDate }),
    people: z.array(personSchema),
    absences: z.array(absenceSchema).nullish(),
    intervals: z.array(intervalSchema),
    /** Extension: work-period gap G in minutes (default 0). */
    workPeriodGapMinutes: z.number().int().min(0).max(24 * 60).nullish(),
    /** Extension: pin a rule-set version instead of choosing by period start. */
    ruleSet: z.enum(CPR_RULE_SETS).nullish(),
  })
  .superRefine((input, ctx) => {
    const start = parseIsoDate(input.period.start) as number;
    const end = parseIsoDate(input.period.end) as number;
    if (end < start) ctx.addIssue({ code: 'custom', path: ['period', 'end'], message: 'must not be before period.start' });
    else if (end - start + 1 > MAX_PERIOD_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['period', 'end'], message: `period is longer than ${MAX_PERIOD_DAYS} days` });
    }
    const ids = new Set<string>();
    input.people.forEach((p, i) => {
      if (ids.has(p.id)) ctx.addIssue({ code: 'custom', path: ['people', i, 'id'], message: `duplicate person id "${p.id}"` });
      ids.add(p.id);
      if (EVALUATED_ROLES.has(p.role) && (p.pgy === undefined || p.pgy === null)) {
        ctx.addIssue({ code: 'custom', path: ['people', i, 'pgy'], message: `required for role "${p.role}"` });
      }
    });
    (input.absences ?? []).forEach((a, i) => {
      if (!ids.has(a.personId)) {
        ctx.addIssue({ code: 'custom', path: ['absences', i, 'personId'], message: `unknown person "${a.personId}"` });
      }
      if ((parseIsoDate(a.endDate) as number) < (parseIsoDate(a.startDate) as number)) {
        ctx.addIssue({ code: 'custom', path: ['absences', i, 'endDate'], message: 'must not be before startDate' });
      }
    });
    input.intervals.forEach((iv, i) => {
      if (!ids.has(iv.personId)) {
        ctx.addIssue({ code: 'custom', path: ['intervals', i, 'personId'], message: `unknown person "${iv.personId}"` });
      }
      const s = parseIsoInstant(iv.start);
      const e = parseIsoInstant(iv.end);
      if (s.ok && e.ok && e.minutes <= s.minutes) {
        ctx.addIssue({ code: 'custom', path: ['intervals', i, 'end'], message: 'must be after start' });
      }
    });
  });

export type ComplianceInput = z.infer<typeof complianceInputSchema>;

const metricSchema = z.union([z.number(), z.null()]);

export const ruleResultSchema = z.object({
  personId: z.string(),
  ruleId: z.enum(RULE_IDS),
  ruleSet: z.string(),
  citations: z.object({ cpr2023: z.string(), cpr2025: z.string() }),
  severity: z.enum(['core', 'detail', 'specialty']),
  verdict: z.enum(['compliant', 'violation', 'advisory']),
  period: z.tuple([isoDate, isoDate]),
  values: z.record(z.string(), metricSchema),
  explanation: z.string(),
});

export const complianceOutputSchema = z.object({
  results: z.array(ruleResultSchema),
  /** People in the file that the ACGME work rules do not apply to (e.g. faculty). */
  notEvaluated: z.array(z.object({ personId: z.string(), reason: z.string() })),
});

export type ComplianceOutput = z.infer<typeof complianceOutputSchema>;

/** "intervals[3].start" from a zod path. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

export type InputParse =
  | { ok: true; program: ComplianceProgram; periodDays: [number, number] }
  | { ok: false; errors: string[] };

/** Validates interchange JSON (already JSON.parse'd) and converts it to the engine's program. */
export function parseComplianceInput(raw: unknown): InputParse {
  const parsed = complianceInputSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => {
        const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
        return `${fieldPath(issue.path)}: ${missing ? 'is required' : issue.message}`;
      }),
    };
  }
  const input = parsed.data;
  const startDay = parseIsoDate(input.period.start) as number;
  const endDay = parseIsoDate(input.period.end) as number;
  const absences = new Map<string, Absence[]>();
  const intervals = new Map<string, WorkInterval[]>();
  for (const a of input.absences ?? []) {
    const list = absences.get(a.personId) ?? [];
    list.push({
      type: a.type,
      startDay: parseIsoDate(a.startDate) as number,
      endDay: parseIsoDate(a.endDate) as number,
      excludeFromAveraging: a.excludeFromAveraging ?? EXCLUDED_ABSENCE_TYPES.has(a.type),
    });
    absences.set(a.personId, list);
  }
  for (const iv of input.intervals) {
    const s = parseIsoInstant(iv.start);
    const e = parseIsoInstant(iv.end);
    if (!s.ok || !e.ok) throw new Error('unreachable: instants were validated');
    const list = intervals.get(iv.personId) ?? [];
    list.push({ kind: iv.kind, start: s.minutes, end: e.minutes });
    intervals.set(iv.personId, list);
  }
  const people: PersonSchedule[] = input.people.map((p) => ({
    profile: {
      id: p.id,
      role: p.role,
      ...(p.pgy != null ? { pgy: p.pgy } : {}),
      ...(p.specialty != null ? { specialty: p.specialty } : {}),
    },
    assignments: [
      {
        startDay,
        endDay,
        ...(p.rotation != null ? { rotation: p.rotation } : {}),
        ...(p.approvedWeeklyLimitHours != null ? { approvedWeeklyLimitHours: p.approvedWeeklyLimitHours } : {}),
        ...(p.rulePacks != null ? { rulePacks: p.rulePacks } : {}),
      },
    ],
    absences: absences.get(p.id) ?? [],
    intervals: intervals.get(p.id) ?? [],
  }));
  return {
    ok: true,
    periodDays: [startDay, endDay],
    program: {
      timeZone: input.timeZone,
      workPeriodGapMinutes: input.workPeriodGapMinutes ?? 0,
      ...(input.ruleSet != null ? { ruleSet: input.ruleSet } : {}),
      people,
    },
  };
}

export function toComplianceOutput(results: readonly RuleResult[], notEvaluated: readonly NotEvaluated[]): ComplianceOutput {
  return { results: results.map((r) => ({ ...r, period: [r.period[0], r.period[1]] })), notEvaluated: [...notEvaluated] };
}
