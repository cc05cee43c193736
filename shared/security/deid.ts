import { z } from 'zod';

/**
 * De-identified export for research, support or demos. Every field of every exported entity has
 * one strategy, fixed in code (DEID_POLICY) so nobody can ship an identifier by forgetting a
 * field; the request only chooses the purpose, the entities and the parameters. The manifest (which
 * strategy applied to which field, k, what was suppressed) is recorded in the deid.export audit
 * entry; the per-export pseudonym key is random and never stored, so two exports cannot be linked.
 */
export const DEID_STRATEGIES = ['remove', 'pseudonym', 'generalize', 'date_shift', 'synthetic_name', 'keep', 'suppress_small_cells'] as const;
export type DeidStrategy = (typeof DEID_STRATEGIES)[number];

export const DEID_ENTITIES = ['people', 'blockAssignments', 'shiftAssignments', 'absences'] as const;
export type DeidEntity = (typeof DEID_ENTITIES)[number];

export interface FieldPolicy {
  strategy: DeidStrategy;
  /** What the strategy does to this field, for the manifest. */
  detail: string;
}

export const DEID_POLICY: Readonly<Record<DeidEntity, Readonly<Record<string, FieldPolicy>>>> = {
  people: {
    id: { strategy: 'pseudonym', detail: 'HMAC-SHA-256 with a random per-export key, 16 base32 characters' },
    displayName: { strategy: 'synthetic_name', detail: 'a generated name, never one of the program\'s' },
    email: { strategy: 'remove', detail: 'dropped' },
    kind: { strategy: 'keep', detail: 'quasi-identifier, k-anonymity checked' },
    pgy: { strategy: 'generalize', detail: 'PGY band (PGY-1, PGY-2, PGY-3, PGY-4+), quasi-identifier' },
    specialty: { strategy: 'keep', detail: 'quasi-identifier, k-anonymity checked' },
    facultyRoles: { strategy: 'remove', detail: 'dropped (titles identify single people)' },
    trainingStart: { strategy: 'generalize', detail: 'year only' },
    trainingEnd: { strategy: 'generalize', detail: 'year only' },
    active: { strategy: 'keep', detail: 'kept' },
  },
  blockAssignments: {
    id: { strategy: 'remove', detail: 'dropped' },
    personId: { strategy: 'pseudonym', detail: 'the person\'s pseudonym' },
    blockId: { strategy: 'generalize', detail: 'block number only (no dates)' },
    rotationId: { strategy: 'generalize', detail: 'rotation short name' },
    pinned: { strategy: 'keep', detail: 'kept' },
  },
  shiftAssignments: {
    id: { strategy: 'remove', detail: 'dropped' },
    personId: { strategy: 'pseudonym', detail: 'the person\'s pseudonym' },
    shiftTypeId: { strategy: 'generalize', detail: 'shift type short name and kind' },
    date: { strategy: 'date_shift', detail: 'per-person shift by whole weeks, written as a day number from the export origin' },
    startsAt: { strategy: 'remove', detail: 'dropped (the shift type gives the time of day)' },
    endsAt: { strategy: 'remove', detail: 'dropped' },
  },
  absences: {
    id: { strategy: 'remove', detail: 'dropped' },
    personId: { strategy: 'pseudonym', detail: 'the person\'s pseudonym' },
    type: { strategy: 'generalize', detail: 'leave, education, duty or other (military movements are not told apart)' },
    startDate: { strategy: 'date_shift', detail: 'per-person shift, day number' },
    endDate: { strategy: 'date_shift', detail: 'per-person shift, day number' },
    status: { strategy: 'keep', detail: 'kept' },
    excludeFromAveraging: { strategy: 'keep', detail: 'kept' },
    reason: { strategy: 'remove', detail: 'dropped (free text)' },
    notes: { strategy: 'remove', detail: 'dropped (free text)' },
    location: { strategy: 'remove', detail: 'dropped (operational security)' },
  },
};

/** The people fields whose combination is checked for k-anonymity (small cells suppressed). */
export const QUASI_IDENTIFIERS = ['kind', 'pgyBand', 'specialty'] as const;

export const DeidExportRequest = z
  .object({
    purpose: z.enum(['research', 'support', 'demo']),
    entities: z.array(z.enum(DEID_ENTITIES)).min(1).max(DEID_ENTITIES.length).default(['people', 'blockAssignments', 'shiftAssignments', 'absences']),
    /** Smallest group size allowed on the quasi-identifiers; at least 5. */
    k: z.number().int().min(5).max(100).default(5),
    /** Largest per-person date shift, in weeks (whole weeks keep weekday patterns). */
    maxShiftWeeks: z.number().int().min(1).max(52).default(26),
  })
  .strict();
export type DeidExportRequest = z.output<typeof DeidExportRequest>;

export const DeidManifest = z
  .object({
    exportId: z.string(),
    purpose: z.enum(['research', 'support', 'demo']),
    /** Month of the export (no exact date, like the data). */
    month: z.string(),
    k: z.number().int(),
    maxShiftWeeks: z.number().int(),
    quasiIdentifiers: z.array(z.string()),
    strategies: z.array(z.object({ entity: z.string(), field: z.string(), strategy: z.enum(DEID_STRATEGIES), detail: z.string() }).strict()),
    counts: z.record(z.string(), z.number().int()),
    /** People whose quasi-identifiers were blanked because their group was smaller than k. */
    suppressedPeople: z.number().int(),
    /** People (and their records) left out because even the blanked group was smaller than k. */
    droppedPeople: z.number().int(),
    pseudonymKey: z.literal('random per export, discarded'),
    dataSha256: z.string(),
  })
  .strict();
export type DeidManifest = z.infer<typeof DeidManifest>;
