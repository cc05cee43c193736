import type { z } from 'zod';
import { CallError } from '../api/client';

/** A message fit for the screen: the core's fixed message with its reference, never a stack. */
export function messageOf(err: unknown): string {
  if (err instanceof CallError) {
    const issue = err.issues?.[0];
    const detail = err.code === 'BAD_INPUT' && issue ? ` (${issue.path || 'input'}: ${issue.message})` : '';
    const retry = err.code === 'THROTTLED' && typeof err.details?.retryAfterMs === 'number' ? ` Try again in ${Math.ceil(err.details.retryAfterMs / 1000)} s.` : '';
    return `${err.message}${detail}${retry} — ref ${err.correlationId}`;
  }
  return 'Something went wrong. Please try again.';
}

export type FieldErrors = Record<string, string>;

/** Zod issues (client-side validation) as field errors keyed by the first path segment(s). */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const i of error.issues) {
    const path = i.path.map(String).join('.') || '_';
    out[path] ??= i.message;
  }
  return out;
}

/**
 * The core's BAD_INPUT issues as field errors. Paths from the core may carry a prefix (an input
 * wrapper such as "settings." or "admin."): `strip` removes it so they match the form's names.
 */
export function callFieldErrors(err: unknown, strip = ''): FieldErrors | null {
  if (!(err instanceof CallError) || !err.issues?.length) return null;
  const out: FieldErrors = {};
  for (const i of err.issues) {
    const path = strip && i.path.startsWith(strip) ? i.path.slice(strip.length) : i.path || '_';
    out[path] ??= i.message;
  }
  return out;
}
