import { z } from 'zod';
import { daysBetween } from '../../../../shared/domain/common';
import { CoverageRequirement, Credential, ScheduleRequest } from '../../../../shared/domain/schedule';

/**
 * The credential, coverage and request editors' rules and wording, pure (no React, no core) so the
 * unit project checks them. Forms validate with the contract's domain schemas plus the cross-field
 * rules the core applies in electron/core/schedule/service.ts, so most refusals come before the round trip.
 */

/** Days before expiry from which a credential is flagged as expiring soon. */
export const EXPIRES_SOON_DAYS = 30;

export type CredentialState = 'expired' | 'soon' | 'valid' | 'no-expiry';

/** Where a credential stands on a local date: it is valid through its expiry date. */
export function credentialState(c: { expiresOn: string | null }, today: string): CredentialState {
  if (!c.expiresOn) return 'no-expiry';
  if (c.expiresOn < today) return 'expired';
  return daysBetween(today, c.expiresOn) <= EXPIRES_SOON_DAYS ? 'soon' : 'valid';
}

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** ISO weekdays (1 = Monday) as a coordinator reads them: "Mon–Fri", "Sat, Sun", "Every day". */
export function weekdaysText(days: readonly number[]): string {
  const set = [...new Set(days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  if (set.length === 7) return 'Every day';
  const runs: string[] = [];
  for (let i = 0; i < set.length; ) {
    let j = i;
    while (j + 1 < set.length && set[j + 1] === (set[j] ?? 0) + 1) j++;
    const from = DAY_NAMES[(set[i] ?? 1) - 1] ?? '';
    const to = DAY_NAMES[(set[j] ?? 1) - 1] ?? '';
    runs.push(j - i >= 2 ? `${from}–${to}` : j > i ? `${from}, ${to}` : from);
    i = j + 1;
  }
  return runs.join(', ');
}

/** Today's calendar date in the program's time zone (the dates on records are local dates). */
export function todayIn(timeZone: string | undefined, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/**
 * The same schema, with each issue reported on its top-level field: list fields (weekdays) fail
 * on an item ("weekdays.2"), but the form shows errors per field.
 */
export function byField(schema: z.ZodType, messages: Record<string, string> = {}): z.ZodType {
  return z.unknown().superRefine((value, ctx) => {
    const r = schema.safeParse(value);
    if (r.success) return;
    for (const issue of r.error.issues) {
      const field = issue.path[0];
      const key = typeof field === 'string' ? field : '';
      ctx.addIssue({ code: 'custom', path: key ? [key] : [], message: (issue.path.length > 1 ? messages[key] : undefined) ?? issue.message });
    }
  });
}

// The core refuses an expiry before the issue date; say so before the round trip.
export const CredentialForm = Credential.refine((c) => !c.issuedOn || !c.expiresOn || c.expiresOn >= c.issuedOn, { path: ['expiresOn'], message: 'must not be before the issue date' });

// The same rules the core applies (electron/core/schedule/service.ts saveCoverage), before the round trip.
export const CoverageForm = byField(
  CoverageRequirement.refine((c) => c.max >= c.min, { path: ['max'], message: 'must be at least the minimum' })
    .refine((c) => c.minSenior <= c.max, { path: ['minSenior'], message: 'cannot exceed the maximum' })
    .refine((c) => c.minSenior === 0 || c.seniorPgy !== null, { path: ['seniorPgy'], message: 'say which PGY level counts as senior' }),
  { weekdays: 'use the numbers 1 (Monday) to 7 (Sunday), separated by commas' },
);

// The same rules the core applies (saveRequest), before the round trip.
export const RequestForm = ScheduleRequest.refine((r) => r.endDate >= r.startDate, { path: ['endDate'], message: 'must not end before it starts' })
  .refine((r) => r.kind !== 'shift' || r.shiftTypeId !== null, { path: ['shiftTypeId'], message: 'a shift request names the shift type' })
  .refine((r) => r.kind !== 'rotation' || r.rotationId !== null, { path: ['rotationId'], message: 'a rotation request names the rotation' });

