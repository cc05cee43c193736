import { z } from 'zod';
import { Id, LocalDate } from '../domain/common';
import { defineCall } from './define';

/**
 * The demo program: synthetic people ("Resident A01", "Faculty F01"), rotations, shift types, an
 * academic year of blocks, a full year of block assignments and call. A newcomer sees a realistic
 * schedule in one click. Every record is written through the audited scheduling services.
 */
export const DemoSeedInput = z
  .object({
    /** First day of the academic year; by default the 1 July on or before today. */
    startDate: LocalDate.optional(),
    /** Residents per PGY level (3 levels). 12 gives the standard 36; more is for load tests. */
    residentsPerPgy: z.number().int().min(1).max(100).default(12),
    /** Cut each of the 13 blocks into halves (26 half blocks). */
    halfBlocks: z.boolean().default(false),
  })
  .strict();
export type DemoSeedInput = z.input<typeof DemoSeedInput>;

export const DemoSeedResult = z
  .object({
    yearId: Id,
    people: z.number().int(),
    rotations: z.number().int(),
    blocks: z.number().int(),
    assignments: z.number().int(),
    shifts: z.number().int(),
    absences: z.number().int(),
    ms: z.number(),
  })
  .strict();

export const demoCalls = {
  'demo.seed': defineCall({
    input: DemoSeedInput,
    output: DemoSeedResult,
    access: 'settings.manage',
    mutates: true,
    summary: 'Fill an empty program with a synthetic demo program (no real names), every write audited.',
  }),
} as const;
