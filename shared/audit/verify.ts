import { z } from 'zod';

/** Result of verifying the audit trail (contract `audit.verify`, permission audit.read). */
export const AUDIT_PROBLEM_KINDS = [
  'entry-missing',
  'entry-modified',
  'entry-out-of-order',
  'entry-unreadable',
  'chain-broken',
  'leaf-hash-mismatch',
  'node-mismatch',
  'redacted-without-retention',
  'checkpoint-signature',
  'checkpoint-key',
  'checkpoint-root',
  'truncated',
  'anchor',
  'schema',
] as const;
export type AuditProblemKind = (typeof AUDIT_PROBLEM_KINDS)[number];

export const AuditProblem = z
  .object({
    kind: z.enum(AUDIT_PROBLEM_KINDS),
    /** The first sequence number the problem makes untrustworthy, when one can be named. */
    seq: z.number().int().min(0).nullable(),
    message: z.string(),
  })
  .strict();
export type AuditProblem = z.infer<typeof AuditProblem>;

export const AuditVerifyReport = z
  .object({
    ok: z.boolean(),
    size: z.number().int().min(0),
    firstBadSeq: z.number().int().min(0).nullable(),
    checkpointsVerified: z.number().int().min(0),
    lastCheckpoint: z.object({ size: z.number().int(), root: z.string(), time: z.string() }).strict().nullable(),
    anchor: z.enum(['ok', 'missing', 'not-configured', 'bad']),
    redacted: z.number().int().min(0),
    problems: z.array(AuditProblem),
    workers: z.number().int().min(0),
    /** Whether the workers read the file on their own connections (else the caller's thread read it all). */
    parallelReads: z.boolean(),
    durationMs: z.number(),
  })
  .strict();
export type AuditVerifyReport = z.infer<typeof AuditVerifyReport>;
