import { z } from 'zod';

/**
 * Detection rules over the audit stream and the alerts they raise. Alert text is fixed per rule:
 * an alert names users by id and counts, never a person's name or a record's content, because
 * alerts leave the device through the sync outbox.
 */
export const ALERT_RULES = [
  'failed_login_burst',
  'login_outside_hours',
  'mass_access',
  'access_denied_burst',
  'audit_verification_failed',
  'tamper_detected',
  'clock_backwards',
  'break_glass_used',
  'sync_fork_or_rollback',
  'disabled_account_login',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RULE_INFO: Readonly<Record<AlertRule, { severity: Severity; title: string }>> = {
  failed_login_burst: { severity: 'high', title: 'Burst of failed sign-ins' },
  login_outside_hours: { severity: 'medium', title: 'Sign-in outside configured hours' },
  mass_access: { severity: 'high', title: 'Mass read or export of person records' },
  access_denied_burst: { severity: 'medium', title: 'Repeated attempts outside the caller\'s role' },
  audit_verification_failed: { severity: 'critical', title: 'Audit trail failed verification' },
  tamper_detected: { severity: 'critical', title: 'Keystore, sign-in file or database tampering' },
  clock_backwards: { severity: 'high', title: 'System clock moved backwards' },
  break_glass_used: { severity: 'high', title: 'Break-glass emergency access used' },
  sync_fork_or_rollback: { severity: 'critical', title: 'Hospital server reported a fork or rollback' },
  disabled_account_login: { severity: 'medium', title: 'Sign-in attempt on a disabled account' },
};

export const ALERT_STATUSES = ['open', 'acknowledged', 'dismissed', 'escalated'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

const Scalar = z.union([z.string().max(200), z.number(), z.boolean(), z.null()]);

export const SecurityAlert = z
  .object({
    id: z.string().min(1).max(80),
    rule: z.enum(ALERT_RULES),
    severity: z.enum(SEVERITIES),
    title: z.string(),
    status: z.enum(ALERT_STATUSES),
    /** When the rule fired (the device clock). */
    raisedAt: z.string(),
    /** When the triggering event happened (the audit entry's time). */
    occurredAt: z.string(),
    /** The user the alert is about (by id), if any. */
    userId: z.string().nullable(),
    /** Events counted (1 for single-event rules). */
    count: z.number().int().min(0),
    /** The audit entries that triggered it (seq range), if any. */
    firstSeq: z.number().int().nullable(),
    lastSeq: z.number().int().nullable(),
    /** Seq of the alert.raise entry. */
    auditSeq: z.number().int().nullable(),
    incidentId: z.string().nullable(),
    details: z.record(z.string(), Scalar),
  })
  .strict();
export type SecurityAlert = z.infer<typeof SecurityAlert>;
