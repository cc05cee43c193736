import { z } from 'zod';

/**
 * The safeguards report for auditors (HIPAA 164.308(a)(1)(ii)(D) information system activity
 * review, 164.312 technical safeguards). JSON for machines; the core also renders it as
 * self-contained HTML to print (no PDF library is shipped, so "print to PDF" is the browser's).
 */
export const SafeguardsReport = z
  .object({
    generatedAt: z.string(),
    program: z.object({ name: z.string(), timeZone: z.string(), vaultId: z.string(), schemaVersion: z.number().int() }).strict(),
    encryption: z
      .object({
        atRest: z.literal('SQLCipher 4 (AES-256-CBC, HMAC-SHA512 per page), random 256-bit data key'),
        cipher: z.string(),
        secureDelete: z.boolean(),
        tempStoreMemory: z.boolean(),
        journalMode: z.string(),
        memorySecurity: z.string(),
      })
      .strict(),
    keySlots: z.array(z.object({ slotId: z.string(), kind: z.string(), createdAt: z.string(), needsReset: z.boolean() }).strict()),
    audit: z
      .object({
        size: z.number().int(),
        verifiedOk: z.boolean(),
        verifiedAt: z.string(),
        firstBadSeq: z.number().int().nullable(),
        problems: z.number().int(),
        redacted: z.number().int(),
        lastCheckpointSize: z.number().int().nullable(),
        lastCheckpointAt: z.string().nullable(),
      })
      .strict(),
    sync: z
      .object({
        enrolled: z.boolean(),
        ackedSize: z.number().int(),
        lastSuccessAt: z.string().nullable(),
        lastReceipt: z.object({ size: z.number().int(), receivedAt: z.string() }).strict().nullable(),
        halted: z.boolean(),
        deviceAlerts: z.number().int(),
      })
      .strict(),
    policies: z
      .object({
        password: z.object({ minLength: z.number().int(), minLengthWithMfa: z.number().int(), hashing: z.string() }).strict(),
        mfaRequiredRoles: z.array(z.string()),
        idleTimeoutMinutes: z.number().int(),
        breakGlassMinutes: z.number().int(),
        retentionDays: z.record(z.string(), z.number().int()),
        purgeEveryDays: z.number().int(),
        lastPurgeAt: z.string().nullable(),
      })
      .strict(),
    alerts: z.object({ open: z.number().int(), bySeverity: z.record(z.string(), z.number().int()) }).strict(),
    incidents: z.array(z.object({ number: z.number().int(), status: z.string(), discoveryDate: z.string(), deadline: z.string(), daysLeft: z.number().int(), affected: z.number().int().nullable() }).strict()),
  })
  .strict();
export type SafeguardsReport = z.infer<typeof SafeguardsReport>;
