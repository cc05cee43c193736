import { AuditEntry } from '../../../shared/audit/entry';
import { canonicalJson } from '../../../shared/canonical-json';

/**
 * The --deep per-entry check: schema and canonical form. Kept out of verify-chunk so worker threads
 * load zod only when asked to (worker start-up is part of the verification time).
 */
export function deepProblem(parsed: unknown, text: string): string | null {
  if (!AuditEntry.safeParse(parsed).success) return 'does not match the entry schema';
  if (canonicalJson(parsed) !== text) return 'is not in canonical form';
  return null;
}
