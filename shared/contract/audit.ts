import { z } from 'zod';
import { AuditExportManifest, AuditExportRequest } from '../audit/export';
import { AuditFilter, AuditPage } from '../audit/filter';
import { AuditVerifyReport } from '../audit/verify';
import { defineCall } from './define';

/** Exports through the contract are capped: larger ones go through `rsched audit export` on the workstation. */
export const MAX_CONTRACT_EXPORT_ENTRIES = 100_000;

export const auditCalls = {
  'audit.search': defineCall({
    input: AuditFilter,
    output: AuditPage,
    access: 'audit.read',
    mutates: false,
    summary: 'Search the audit trail (newest first, keyset pages); the search itself is audited.',
  }),
  'audit.export': defineCall({
    input: AuditExportRequest,
    output: z
      .object({
        fileName: z.string(),
        /** The CSV or JSON file's text. */
        data: z.string(),
        manifest: AuditExportManifest,
        /** Detached Ed25519 signature over the canonical manifest, base64. */
        signature: z.string(),
      })
      .strict(),
    access: 'audit.export',
    mutates: false,
    summary: 'Export the audit trail as CSV or JSON with a signed manifest; the export is audited.',
  }),
  'audit.verify': defineCall({
    input: z.object({}).strict(),
    output: AuditVerifyReport,
    access: 'audit.read',
    mutates: false,
    summary: 'Recompute leaves, chain, tree and checkpoint signatures; names the first bad entry.',
  }),
} as const;
