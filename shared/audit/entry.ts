import { z } from 'zod';
import { ROLES } from '../rbac';
import { AUDIT_ACTION_NAMES } from './actions';

/**
 * The audit entry, as hashed. The leaf of the Merkle log is SHA-256(0x00 || canonicalJson(entry))
 * (RFC 8785 via shared/canonical-json), so this shape IS the on-disk format: `v` is bumped for any
 * change to it. People appear by id only (actor.userId, subject, resource.id); names may appear
 * only in before/after of a person record itself (the log refuses name fields elsewhere).
 */
export const AUDIT_OUTCOMES = ['success', 'denied', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

const Id = z.string().min(1).max(128);
/** A SHA-256 hash in standard base64 (44 characters with padding). */
export const Hash64 = z.string().regex(/^[A-Za-z0-9+/]{43}=$/);

export const AuditActor = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('user'),
      userId: Id,
      role: z.enum(ROLES),
      /** Null for attempts made before a session exists (a failed sign-in). */
      sessionId: Id.nullable(),
    })
    .strict(),
  z
    .object({
      type: z.literal('system'),
      /** Which part of the app acted: 'scheduler', 'sync', 'retention', 'migration', ... */
      component: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/),
    })
    .strict(),
]);
export type AuditActor = z.infer<typeof AuditActor>;

export const AuditResource = z
  .object({
    type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
    /** Null when the action has no single record (a search, a login failure for an unknown user). */
    id: Id.nullable(),
  })
  .strict();

/** Small non-PHI facts about an action: counts, formats, hashes, a call name. */
export const AuditDetails = z.record(
  z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/),
  z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]),
);
export type AuditDetails = z.infer<typeof AuditDetails>;

/** Field-level values: only the fields that changed (see diffFields). */
export const AuditFieldValues = z.record(z.string().min(1).max(128), z.json());
export type AuditFieldValues = z.infer<typeof AuditFieldValues>;

export const AuditEntry = z
  .object({
    v: z.literal(1),
    /** Position in the log = RFC 9162 leaf index, from 0, no gaps. */
    seq: z.number().int().min(0),
    /** Leaf hash of entry seq-1 (base64); 32 zero bytes for seq 0. Chains each entry to the last. */
    prev: Hash64,
    /** UTC, from the injected Clock, Date.prototype.toISOString form. */
    time: z.iso.datetime({ precision: 3 }),
    deviceId: Id,
    actor: AuditActor,
    action: z.enum(AUDIT_ACTION_NAMES),
    resource: AuditResource,
    /** The person the entry is about (a person record, or the owner of an absence), by id. */
    subject: Id.optional(),
    outcome: z.enum(AUDIT_OUTCOMES),
    reason: z.string().min(1).max(2000).optional(),
    before: AuditFieldValues.optional(),
    after: AuditFieldValues.optional(),
    details: AuditDetails.optional(),
  })
  .strict();
export type AuditEntry = z.infer<typeof AuditEntry>;

/** One stored entry as search returns it. `entry` is null once retention destroyed the payload. */
export const AuditRecord = z
  .object({
    seq: z.number().int().min(0),
    leafHash: Hash64,
    entry: AuditEntry.nullable(),
  })
  .strict();
export type AuditRecord = z.infer<typeof AuditRecord>;
