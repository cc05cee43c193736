import { z } from 'zod';

/**
 * Security-operations settings (issue 10): detection thresholds, the retention schedule and the
 * purge schedule. One JSON document in `security_settings` (migration 60), validated here on every
 * read and write so the renderer shows the same limits the core enforces.
 */

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time HH:MM (24:00 allowed as an end)');

/** "At least `threshold` events within `windowMinutes`" (mass access: MORE than threshold). */
export const WindowRule = z
  .object({
    threshold: z.number().int().min(1).max(1_000_000),
    windowMinutes: z.number().int().min(1).max(7 * 24 * 60),
  })
  .strict();
export type WindowRule = z.infer<typeof WindowRule>;

export const LoginHours = z
  .object({
    enabled: z.boolean(),
    /** Local time in the program's zone; a login before `start` or at/after `end` is outside hours. */
    start: HHMM,
    end: HHMM,
    /** ISO weekdays on which logins are expected: 1 = Monday ... 7 = Sunday. */
    weekdays: z.array(z.number().int().min(1).max(7)).max(7),
  })
  .strict();
export type LoginHours = z.infer<typeof LoginHours>;

export const DetectionSettings = z
  .object({
    /** Failed sign-ins on this device (any account). */
    failedLogins: WindowRule,
    /** Calls refused for the caller's role (FORBIDDEN), per user. */
    deniedAccess: WindowRule,
    /** Person records read or exported by one user: an alert when MORE than `threshold`. */
    massAccess: WindowRule,
    /** Sign-in attempts on disabled accounts. */
    disabledAccountLogins: WindowRule,
    loginHours: LoginHours,
    /** An entry stamped this much earlier than one already written means the clock moved back. */
    clockBackwardsToleranceSeconds: z.number().int().min(0).max(24 * 3600),
    /** Full audit verification by the periodic sweep, every N hours (0 = only on demand). */
    verifyEveryHours: z.number().int().min(0).max(24 * 30),
  })
  .strict();
export type DetectionSettings = z.infer<typeof DetectionSettings>;

export const RETENTION_TYPES = ['auditPayloads', 'securityAlerts', 'closedIncidents', 'absences', 'shiftAssignments'] as const;
export type RetentionType = (typeof RETENTION_TYPES)[number];

/**
 * Floors, in days. 164.316(b)(2) keeps security documentation (audit trail, alerts, incidents and
 * their assessments) 6 years: 2192 days is at least 6 calendar years whatever the leap days.
 * Schedule records have no federal floor; one year stops an accidental destruction of the
 * current academic year.
 */
export const RETENTION_FLOOR_DAYS: Readonly<Record<RetentionType, number>> = {
  auditPayloads: 2192,
  securityAlerts: 2192,
  closedIncidents: 2192,
  absences: 365,
  shiftAssignments: 365,
};

export const RETENTION_LABELS: Readonly<Record<RetentionType, string>> = {
  auditPayloads: 'Audit entry payloads (leaf hashes are kept forever)',
  securityAlerts: 'Security alerts (from when raised; synced ones only)',
  closedIncidents: 'Closed incidents (from closure)',
  absences: 'Absences (from their end date)',
  shiftAssignments: 'Call and shift assignments (from their date)',
};

const retentionShape = Object.fromEntries(
  RETENTION_TYPES.map((t) => [t, z.number().int().min(RETENTION_FLOOR_DAYS[t], `at least ${RETENTION_FLOOR_DAYS[t]} days`).max(36_500)]),
) as Record<RetentionType, z.ZodNumber>;
export const RetentionSchedule = z.object(retentionShape).strict();
export type RetentionSchedule = Record<RetentionType, number>;

export const SecuritySettings = z
  .object({
    detection: DetectionSettings,
    retention: RetentionSchedule,
    /** Scheduled purge every N days (0 = manual only). */
    purgeEveryDays: z.number().int().min(0).max(366),
  })
  .strict();
export type SecuritySettings = z.infer<typeof SecuritySettings>;

export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = {
  detection: {
    failedLogins: { threshold: 5, windowMinutes: 15 },
    deniedAccess: { threshold: 3, windowMinutes: 15 },
    massAccess: { threshold: 25, windowMinutes: 60 },
    disabledAccountLogins: { threshold: 1, windowMinutes: 60 },
    loginHours: { enabled: true, start: '05:00', end: '23:00', weekdays: [1, 2, 3, 4, 5, 6, 7] },
    clockBackwardsToleranceSeconds: 120,
    verifyEveryHours: 24,
  },
  retention: { auditPayloads: 2192, securityAlerts: 2192, closedIncidents: 2192, absences: 2192, shiftAssignments: 2192 },
  purgeEveryDays: 0,
};

/** "HH:MM" to minutes of the day (24:00 = 1440). */
export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
