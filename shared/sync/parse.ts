import type { z } from 'zod';
import { AppError, type IssueDetail } from '../errors';

/**
 * Parses an untrusted sync message. A failure is a BAD_INPUT AppError whose message names the
 * message kind and the first offending fields (paths and rule, never the values: an audit entry may
 * hold PHI).
 */
export function parseMessage<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues: IssueDetail[] = r.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  const summary = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  throw new AppError('BAD_INPUT', `invalid ${what}: ${summary}`, { issues });
}

/** JSON.parse with a BAD_INPUT naming the message kind instead of a SyntaxError with a snippet. */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('BAD_INPUT', `invalid ${what}: not JSON`);
  }
}
