import { z } from 'zod';
import { ALERT_STATUSES, SecurityAlert } from '../security/alerts';
import { DeidExportRequest, DeidManifest } from '../security/deid';
import { IncidentView, INCIDENT_STATUSES, RiskAssessment } from '../security/incidents';
import { SafeguardsReport } from '../security/report';
import { RETENTION_TYPES, SecuritySettings } from '../security/settings';
import { defineCall } from './define';

/**
 * Security operations (issue 10): alerts from the detection rules, incidents and breach
 * notification, retention and destruction, de-identified export and the safeguards report.
 * Admin and compliance officer see alerts and incidents (incidents.read); the compliance officer
 * and admin work them (incidents.manage); settings, purge and de-identified export are admin
 * (settings.manage).
 */
const empty = z.object({}).strict();
const Id = z.string().min(1).max(80);
const Iso = z.iso.datetime({ offset: true });
const File = z.object({ fileName: z.string(), data: z.string() }).strict();

export const PurgeResult = z
  .object({
    dryRun: z.boolean(),
    at: z.string(),
    /** Audit entries below this seq had their payloads destroyed (leaf hashes kept). */
    auditBeforeSeq: z.number().int(),
    /** What the sync server has acknowledged: nothing at or beyond it is purged. */
    syncedSize: z.number().int(),
    items: z.array(
      z.object({ type: z.enum(RETENTION_TYPES), count: z.number().int(), cutoff: z.string(), heldUnsynced: z.number().int(), sha256: z.string() }).strict(),
    ),
    certificateSeq: z.number().int().nullable(),
    walCheckpointed: z.boolean(),
  })
  .strict();
export type PurgeResult = z.infer<typeof PurgeResult>;

export const securityCalls = {
  'alerts.list': defineCall({
    input: z.object({ status: z.enum(ALERT_STATUSES).optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.object({ alerts: z.array(SecurityAlert) }).strict(),
    access: 'incidents.read',
    mutates: false,
    summary: 'Security alerts, newest first (the audit tail is evaluated first).',
  }),
  'alerts.update': defineCall({
    input: z.object({ id: Id, status: z.enum(['acknowledged', 'dismissed']), reason: z.string().min(1).max(500) }).strict(),
    output: SecurityAlert,
    access: 'incidents.manage',
    mutates: true,
    summary: 'Acknowledge or dismiss an alert with a reason (audited).',
  }),
  'alerts.evaluate': defineCall({
    input: z.object({ verify: z.boolean().default(false) }).strict(),
    output: z.object({ evaluated: z.number().int(), raised: z.number().int(), verified: z.boolean() }).strict(),
    access: 'incidents.manage',
    mutates: false,
    summary: 'Run the detection rules over the new audit entries now (optionally verify the trail).',
  }),
  'incidents.list': defineCall({
    input: empty,
    output: z.object({ incidents: z.array(IncidentView) }).strict(),
    access: 'incidents.read',
    mutates: false,
    summary: 'The incident register with notification deadlines.',
  }),
  'incidents.get': defineCall({ input: z.object({ id: Id }).strict(), output: IncidentView, access: 'incidents.read', mutates: false, summary: 'One incident.' }),
  'incidents.open': defineCall({
    input: z
      .object({
        title: z.string().trim().min(3).max(200),
        alertIds: z.array(Id).max(100).default([]),
        /** Defaults to now. */
        discoveredAt: Iso.optional(),
        /** The activity window and users to review; defaults come from the alerts. */
        window: z.object({ from: Iso, to: Iso }).strict().optional(),
        actorUserIds: z.array(Id).max(100).optional(),
        notes: z.string().max(4000).default(''),
      })
      .strict(),
    output: IncidentView,
    access: 'incidents.manage',
    mutates: true,
    summary: 'Open an incident by hand or from alerts.',
  }),
  'incidents.assess': defineCall({
    input: z.object({ id: Id, assessment: RiskAssessment.omit({ assessedBy: true, assessedAt: true }) }).strict(),
    output: IncidentView,
    access: 'incidents.manage',
    mutates: true,
    summary: 'Record the four-factor risk assessment of 164.402.',
  }),
  'incidents.setStatus': defineCall({
    input: z.object({ id: Id, status: z.enum(INCIDENT_STATUSES), reason: z.string().trim().min(1).max(1000) }).strict(),
    output: IncidentView,
    access: 'incidents.manage',
    mutates: true,
    summary: 'Move an incident to another status (every change audited).',
  }),
  'incidents.computeAffected': defineCall({
    input: z.object({ id: Id }).strict(),
    output: z.object({ incident: IncidentView, personIds: z.array(z.string()) }).strict(),
    access: 'incidents.manage',
    mutates: true,
    summary: 'Compute the affected individuals from the audit log (records the actors read or exported).',
  }),
  'incidents.drafts': defineCall({
    input: z.object({ id: Id }).strict(),
    output: z.object({ letter: z.string(), hhsSummary: z.string() }).strict(),
    access: 'incidents.manage',
    mutates: false,
    summary: 'Notification letter and HHS summary drafts from the templates.',
  }),
  'incidents.exportRegister': defineCall({
    input: empty,
    output: File,
    access: 'incidents.read',
    mutates: false,
    summary: 'The incident register as CSV (formula injection neutralised); the export is audited.',
  }),
  'security.getSettings': defineCall({ input: empty, output: SecuritySettings, access: 'incidents.read', mutates: false, summary: 'Detection thresholds, retention schedule, purge schedule.' }),
  'security.setSettings': defineCall({
    input: z.object({ settings: SecuritySettings }).strict(),
    output: SecuritySettings,
    access: 'settings.manage',
    mutates: true,
    summary: 'Change thresholds and the retention schedule (floors enforced).',
  }),
  'retention.purge': defineCall({
    input: z.object({ dryRun: z.boolean().default(true) }).strict(),
    output: PurgeResult,
    access: 'settings.manage',
    mutates: true,
    summary: 'Destroy what has expired (never unsynced), checkpoint the WAL, record a signed destruction certificate.',
  }),
  'deid.export': defineCall({
    input: DeidExportRequest,
    output: File.extend({ manifest: DeidManifest }),
    access: 'settings.manage',
    mutates: false,
    summary: 'De-identified export (pseudonyms, bands, date shifts, k-anonymity); the manifest is audited.',
  }),
  'safeguards.report': defineCall({
    input: empty,
    output: z.object({ report: SafeguardsReport, html: z.string(), pdf: z.string().describe('base64 PDF') }).strict(),
    access: 'incidents.read',
    mutates: false,
    summary: 'Safeguards report for auditors (JSON, printable HTML and PDF); generation is audited.',
  }),
} as const;
