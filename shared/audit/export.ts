import { z } from 'zod';
import { Hash64 } from './entry';
import { AuditFilterCriteria } from './filter';

/**
 * Audit export (contract `audit.export`, permission audit.export). The export is a data file, a
 * manifest describing it, and a detached Ed25519 signature over canonicalJson(manifest) made with
 * the device key. `rsched audit verify-export` checks all three offline.
 */
export const AUDIT_EXPORT_FORMATS = ['csv', 'json'] as const;

/** Largest export a request may ask for, and the size guard when it names none. */
export const MAX_EXPORT_ENTRIES = 5_000_000;
export const DEFAULT_EXPORT_ENTRIES = 1_000_000;

/** The size guard of an export request, with a given default. */
export function exportSizeGuard(defaultEntries: number): z.ZodDefault<z.ZodNumber> {
  return z.number().int().min(1).max(MAX_EXPORT_ENTRIES).default(defaultEntries);
}

export const AuditExportRequest = z
  .object({
    format: z.enum(AUDIT_EXPORT_FORMATS),
    filter: AuditFilterCriteria.default({}),
    /** Guard against accidental huge exports; the UI asks again above it. */
    maxEntries: exportSizeGuard(DEFAULT_EXPORT_ENTRIES),
  })
  .strict();
export type AuditExportRequest = z.input<typeof AuditExportRequest>;

export const SignedCheckpointWire = z
  .object({
    /** C2SP tlog-checkpoint body: origin, size, base64 root, then the "time" extension line. */
    body: z.string().min(1).max(1000),
    /** Ed25519 signature over the body bytes, base64. */
    signature: z.string().min(1).max(200),
  })
  .strict();

export const AuditExportManifest = z
  .object({
    kind: z.literal('residency-scheduler/audit-export'),
    version: z.literal(1),
    format: z.enum(AUDIT_EXPORT_FORMATS),
    origin: z.string().min(1),
    deviceId: z.string().min(1),
    publicKeyPem: z.string().min(1),
    exportedAt: z.iso.datetime({ precision: 3 }),
    exportedBy: z.object({ userId: z.string().min(1), role: z.string().min(1) }).strict(),
    filter: AuditFilterCriteria,
    count: z.number().int().min(0),
    /** Range of seq numbers the export covers (null when empty). */
    firstSeq: z.number().int().min(0).nullable(),
    lastSeq: z.number().int().min(0).nullable(),
    /** The log the entries belong to: its size and root when the export was made. */
    treeSize: z.number().int().min(0),
    rootHash: Hash64,
    /** The signed checkpoint for treeSize, so the root is tied to the device's log signatures. */
    checkpoint: SignedCheckpointWire,
    /** SHA-256 of the data file, base64. */
    dataSha256: Hash64,
  })
  .strict();
export type AuditExportManifest = z.infer<typeof AuditExportManifest>;

/** One line of the JSON export: the exact hashed text plus its inclusion proof in the tree of treeSize. */
export const AuditExportItem = z
  .object({
    seq: z.number().int().min(0),
    leafHash: Hash64,
    /** The canonical JSON text that was hashed (parse it to read the entry). Null if redacted. */
    entry: z.string().nullable(),
    inclusionProof: z.array(Hash64),
  })
  .strict();
export type AuditExportItem = z.infer<typeof AuditExportItem>;
