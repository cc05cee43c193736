import { z } from 'zod';
import { Id, LocalDate } from '../domain/common';
import { PersonKind } from '../domain/schedule';
import { defineCall } from './define';

/**
 * The auto-scheduler's calls. Generating never changes the schedule: it returns a preview (the
 * proposed assignments, the diff against the current schedule, churn, what rules stay unmet and
 * fairness per person) that lives in memory for the open vault. Accepting applies one preview as
 * one audited change set, and refuses it if the schedule changed since it was generated.
 */

const SolveOptions = {
  /** fresh: a new schedule (pinned kept); repair: keep the current one and change as little as possible. */
  mode: z.enum(['fresh', 'repair']).default('fresh'),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  /** Work budget: with it, and the time limit not reached, the same seed gives the same schedule. */
  maxIterations: z.number().int().min(1_000).max(20_000_000).default(400_000),
  timeLimitMs: z.number().int().min(100).max(600_000).default(20_000),
  /** Client-chosen handle for generate.cancel and generate.progress while the solve runs. */
  requestId: Id.optional(),
};

export const BlockPreferenceInput = z
  .object({
    personId: Id,
    /** null: at least one block of the rotation somewhere in the year. */
    blockId: Id.nullable(),
    rotationId: Id,
    weight: z.number().int().min(1).max(100).default(5),
    avoid: z.boolean().default(false),
  })
  .strict();

export const CoverageInput = z
  .object({
    shiftTypeId: Id,
    minPerDay: z.number().int().min(0).max(50).default(1),
    /** Defaults to minPerDay. */
    maxPerDay: z.number().int().min(0).max(50).optional(),
    /** Who may take it: people on these rotations that block. Default: the shift type's rotation, or anyone. */
    rotationIds: z.array(Id).min(1).max(50).optional(),
    personKinds: z.array(PersonKind).min(1).max(4).default(['resident', 'fellow']),
  })
  .strict();

export const CallRequestInput = z
  .object({
    personId: Id,
    date: LocalDate,
    kind: z.enum(['off', 'on']),
    shiftTypeId: Id.nullable().default(null),
    weight: z.number().int().min(1).max(100).default(5),
  })
  .strict();

export const UnmetRuleView = z
  .object({
    ruleId: z.string(),
    source: z.enum(['acgme', 'program', 'generator']),
    personId: Id.nullable(),
    blockId: Id.nullable(),
    rotationId: Id.nullable(),
    period: z.tuple([LocalDate, LocalDate]).nullable(),
    values: z.record(z.string(), z.number().nullable()),
    explanation: z.string(),
  })
  .strict();

/** One changed cell: a (person, block) or (person, date) slot with what it held and what it would hold. */
export const DiffItem = z
  .object({
    personId: Id,
    /** Block id (rotation schedule) or date (call schedule). */
    slot: z.string(),
    before: z.array(Id),
    after: z.array(Id),
  })
  .strict();

export const FairnessView = z
  .object({
    personId: Id,
    calls: z.number(),
    weekends: z.number(),
    holidays: z.number(),
    carriedCalls: z.number(),
    carriedWeekends: z.number(),
    carriedHolidays: z.number(),
    fairShare: z.number(),
    deviation: z.number(),
    weekendDeviation: z.number(),
    holidayDeviation: z.number(),
  })
  .strict();

export const PreviewView = z
  .object({
    previewId: Id,
    kind: z.enum(['blocks', 'call']),
    mode: z.enum(['fresh', 'repair']),
    seed: z.number().int(),
    range: z.tuple([LocalDate, LocalDate]),
    blockAssignments: z.array(z.object({ personId: Id, blockId: Id, rotationId: Id.nullable() }).strict()),
    shifts: z.array(z.object({ personId: Id, date: LocalDate, shiftTypeId: Id }).strict()),
    diff: z.object({ added: z.array(DiffItem), removed: z.array(DiffItem), changed: z.array(DiffItem) }).strict(),
    churn: z.object({ changedCells: z.number().int(), currentCells: z.number().int(), percent: z.number() }).strict(),
    /** True when the compliance engine and program rules find nothing unmet. */
    feasible: z.boolean(),
    violations: z.array(UnmetRuleView),
    fairness: z.array(FairnessView),
    stats: z
      .object({
        iterations: z.number().int(),
        solveMs: z.number(),
        firstFeasibleMs: z.number().nullable(),
        objective: z.number(),
        cancelled: z.boolean(),
      })
      .strict(),
  })
  .strict();

export const generateCalls = {
  'generate.blocks': defineCall({
    input: z
      .object({ yearId: Id, preferences: z.array(BlockPreferenceInput).max(5000).default([]), ...SolveOptions })
      .strict(),
    output: PreviewView,
    access: 'schedule.edit',
    mutates: false,
    summary: 'Propose an annual rotation schedule (a preview; nothing changes until accepted).',
  }),
  'generate.call': defineCall({
    input: z
      .object({
        from: LocalDate,
        to: LocalDate,
        coverage: z.array(CoverageInput).min(1).max(30),
        holidays: z.array(LocalDate).max(60).default([]),
        requests: z.array(CallRequestInput).max(5000).default([]),
        ...SolveOptions,
      })
      .strict(),
    output: PreviewView,
    access: 'schedule.edit',
    mutates: false,
    summary: 'Propose a call schedule for a date range (a preview; nothing changes until accepted).',
  }),
  'generate.accept': defineCall({
    input: z.object({ previewId: Id }).strict(),
    output: z.object({ previewId: Id, applied: z.number().int(), auditEntries: z.number().int() }).strict(),
    access: 'schedule.edit',
    mutates: true,
    summary: 'Apply a preview as one audited change set; refused if the schedule changed since.',
  }),
  'generate.cancel': defineCall({
    input: z.object({ requestId: Id }).strict(),
    output: z.object({ cancelled: z.boolean() }).strict(),
    access: 'schedule.edit',
    mutates: false,
    summary: 'Stop a running generation; it returns the best schedule found so far.',
  }),
  'generate.progress': defineCall({
    input: z.object({ requestId: Id }).strict(),
    output: z
      .object({ running: z.boolean(), iterations: z.number().int(), elapsedMs: z.number(), hard: z.number(), objective: z.number() })
      .strict(),
    access: 'schedule.edit',
    mutates: false,
    summary: 'Progress of a running generation (best so far).',
  }),
} as const;
