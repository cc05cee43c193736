import { z } from 'zod';
import { defineCall } from './define';

/**
 * Hospital sync (issue 8) as seen by the renderer. The device side does the work
 * (electron/core/sync); these calls enroll, push, move files for air-gapped sites and show what the
 * server holds. Changes need sync.manage; the status is also readable by holders of incidents.read
 * (a tamper alert is a security matter the compliance officer must see). Files travel as text
 * (JSON messages) or base64 (sealed batches): the renderer saves and opens them, the core never
 * takes a path from it.
 */
const empty = z.object({}).strict();

/** The enrollment response and receipts are small JSON documents; anything larger is not one. */
const MAX_MESSAGE_CHARS = 256 * 1024;
const FileName = z.string().min(1).max(255);

export const SyncAlertView = z
  .object({
    id: z.number().int(),
    at: z.string(),
    /** 'log-does-not-extend-receipt', 'receipt-mismatch', 'fork', 'rollback', 'server-ahead-of-log' */
    kind: z.string(),
    /** Sizes and reasons only: the device writes no PHI into alerts. */
    detail: z.string(),
  })
  .strict();
export type SyncAlertView = z.infer<typeof SyncAlertView>;

export const SyncStatusView = z
  .object({
    deviceId: z.string(),
    enrolled: z.boolean(),
    /** 'https' when the server gave a URL, 'file' for air-gapped enrollment, null before enrollment. */
    transport: z.enum(['https', 'file']).nullable(),
    serverId: z.string().nullable(),
    serverUrl: z.string().nullable(),
    /** The server fingerprint compared by phone at enrollment (10 groups of 4 hex). */
    serverFingerprint: z.string().nullable(),
    enrolledAt: z.string().nullable(),
    intervalMinutes: z.number().int(),
    /** The periodic push is running (enrolled over HTTPS, vault open, not halted). */
    agentRunning: z.boolean(),
    logSize: z.number().int(),
    ackedSize: z.number().int(),
    /** Audit entries the server has not acknowledged yet (this device's own push records included). */
    pendingEntries: z.number().int(),
    /** True when nothing but this device's own push records waits: those ride with the next change. */
    upToDate: z.boolean(),
    inFlight: z.boolean(),
    lastAttemptAt: z.string().nullable(),
    lastSuccessAt: z.string().nullable(),
    lastError: z.string().nullable(),
    failures: z.number().int(),
    /** Pushing stopped after a tamper alert or a revocation; sync.resume clears it (alerts stay). */
    halted: z.boolean(),
    lastReceipt: z.object({ size: z.number().int(), root: z.string(), receivedAt: z.string() }).strict().nullable(),
    alerts: z.array(SyncAlertView),
    /** Security alerts queued for the server and not yet acknowledged by its alert receipt. */
    securityAlertsWaiting: z.number().int(),
  })
  .strict();
export type SyncStatusView = z.infer<typeof SyncStatusView>;

export const SyncRunView = z
  .object({
    /** Batches the server acknowledged during this run. */
    pushed: z.number().int(),
    ackedSize: z.number().int(),
    upToDate: z.boolean(),
    /** Transport or server refusal (the batch stays in flight and is resent unchanged). */
    error: z.string().nullable(),
  })
  .strict();
export type SyncRunView = z.infer<typeof SyncRunView>;

export const SYNC_INTERVAL_MINUTES = { min: 1, max: 24 * 60, default: 15 } as const;

export const syncCalls = {
  'sync.status': defineCall({
    input: empty,
    output: SyncStatusView,
    // sync.manage or incidents.read: the contract names one level, so the handler checks both
    // (and records a refusal as the dispatcher would).
    access: 'session',
    mutates: false,
    summary: 'Enrollment, last sync and receipt, entries waiting, last error and tamper alerts.',
  }),
  'sync.requestEnrollment': defineCall({
    input: empty,
    output: z.object({ fileName: FileName, content: z.string(), deviceId: z.string(), deviceFingerprint: z.string() }).strict(),
    access: 'sync.manage',
    mutates: true,
    summary: 'The signed enrollment request to hand to the server administrator, and the device fingerprint to read them.',
  }),
  'sync.acceptEnrollment': defineCall({
    input: z.object({ content: z.string().min(1).max(MAX_MESSAGE_CHARS) }).strict(),
    output: z.object({ serverId: z.string(), serverUrl: z.string().nullable(), serverFingerprint: z.string() }).strict(),
    access: 'sync.manage',
    mutates: true,
    summary: "Store the server's enrollment response (refused unless signed by the server and issued for this device).",
  }),
  'sync.now': defineCall({
    input: empty,
    output: SyncRunView,
    access: 'sync.manage',
    mutates: true,
    summary: 'Push every waiting audit entry to the hospital server now (certificate pinned).',
  }),
  'sync.setInterval': defineCall({
    input: z.object({ minutes: z.number().int().min(SYNC_INTERVAL_MINUTES.min).max(SYNC_INTERVAL_MINUTES.max) }).strict(),
    output: z.object({ intervalMinutes: z.number().int() }).strict(),
    access: 'sync.manage',
    mutates: true,
    summary: 'How often the device pushes on its own while the vault is open.',
  }),
  'sync.exportBatches': defineCall({
    input: empty,
    output: z
      .object({
        /** Batch files carry audit entries fromSeq..toSeq; the security alerts file has null for both. */
        files: z.array(z.object({ fileName: FileName, base64: z.string(), fromSeq: z.number().int().nullable(), toSeq: z.number().int().nullable() }).strict()),
        entries: z.number().int(),
        alerts: z.number().int(),
      })
      .strict(),
    access: 'sync.manage',
    mutates: true,
    summary: 'Sealed batch files and the queued security alerts for air-gapped transfer (everything the server has not acknowledged).',
  }),
  'sync.importReceipts': defineCall({
    input: z.object({ files: z.array(z.object({ fileName: FileName, content: z.string().max(MAX_MESSAGE_CHARS) }).strict()).min(1).max(1000) }).strict(),
    output: z
      .object({
        results: z.array(z.object({ fileName: FileName, ok: z.boolean(), size: z.number().int().nullable(), error: z.string().nullable() }).strict()),
        ackedSize: z.number().int(),
      })
      .strict(),
    access: 'sync.manage',
    mutates: true,
    summary: 'Apply receipt files the server wrote for imported batches (each checked against this log).',
  }),
  'sync.resume': defineCall({
    input: z.object({ reason: z.string().trim().min(3).max(1000) }).strict(),
    output: SyncStatusView,
    access: 'sync.manage',
    mutates: true,
    summary: 'Clear a halt after the tamper alert was investigated (the alerts stay).',
  }),
} as const;
