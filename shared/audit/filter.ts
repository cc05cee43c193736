import { z } from 'zod';
import { AUDIT_ACTION_NAMES } from './actions';
import { AUDIT_OUTCOMES, AuditRecord } from './entry';

const Id = z.string().min(1).max(128);

/**
 * Audit search filter (contract input of `audit.search`, permission audit.read). All criteria are
 * ANDed. Results come newest first; pagination is keyset on seq: pass the page's nextCursor as
 * beforeSeq to get the next (older) page. Times are UTC ISO instants; `to` is exclusive.
 */
export const AuditFilterCriteria = z
  .object({
    actorUserId: Id.optional(),
    actorType: z.enum(['user', 'system']).optional(),
    actions: z.array(z.enum(AUDIT_ACTION_NAMES)).min(1).max(50).optional(),
    /** e.g. "absence." for every absence action. */
    actionPrefix: z.string().regex(/^[a-z][a-z_]*\.$/).optional(),
    resourceType: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/).optional(),
    resourceId: Id.optional(),
    /** Entries about this person: subject = personId (person records set it to their own id). */
    personId: Id.optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    from: z.iso.datetime().optional(),
    to: z.iso.datetime().optional(),
  })
  .strict();
export type AuditFilterCriteria = z.infer<typeof AuditFilterCriteria>;

export const AuditFilter = AuditFilterCriteria.extend({
  beforeSeq: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(500).default(50),
}).strict();
export type AuditFilter = z.input<typeof AuditFilter>;

export const AuditPage = z
  .object({
    records: z.array(AuditRecord),
    /** Pass as beforeSeq for the next page; null when this was the last one. */
    nextCursor: z.number().int().min(0).nullable(),
  })
  .strict();
export type AuditPage = z.infer<typeof AuditPage>;
