import { z } from 'zod';
import { AuditExportManifest, AuditExportRequest, exportSizeGuard } from '../audit/export';
import { AuditFilter, AuditPage } from '../audit/filter';
import { AuditVerifyReport } from '../audit/verify';
import { defineCall } from './define';

/**
 * Exports from an app window are capped (the data crosses IPC in one message and is rendered on the
 * main process): larger ones go through `rsched audit export` on the workstation, which calls the
 * same contract in its own process.
 */
export const MAX_CONTRACT_EXPORT_ENTRIES = 100_000;

/** The call's input: the export request, whose size guard defaults to the app's cap. */
export const AuditExportCallInput = AuditExportRequest.safeExtend({
  maxEntries: exportSizeGuard(MAX_CONTRACT_EXPORT_ENTRIES),
});

export const auditCalls = {
  'audit.search': defineCall({
    input: AuditFilter,
    output: AuditPage,
    access: 'audit.read',
    mutates: false,
    summary: 'Search the audit trail (newest first, keyset pages); the search itself is audited.',
  }),
  'audit.export': defineCall({
    input: AuditExportCallInput,
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
