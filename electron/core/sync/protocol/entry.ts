import { canonicalJson } from '../../../../shared/canonical-json';
import { AuditEntry } from '../../../../shared/audit/entry';

/**
 * Adapter over the audit trail's entry schema (shared/audit/entry.ts): what the server checks about
 * one entry beyond its leaf hash. The entry must be canonical JSON (so the bytes the hospital keeps
 * are the bytes the device hashed), valid against the audit entry schema, and its own `seq` must be
 * its position in the tree. Its time is indexed for `rsched server audit --from --to`.
 */
export type EntryCheck = { ok: true; time: string } | { ok: false; problem: string };

export function checkEntry(canonical: string, expectedSeq: number): EntryCheck {
  let value: unknown;
  try {
    value = JSON.parse(canonical);
  } catch {
    return { ok: false, problem: 'is not JSON' };
  }
  const parsed = AuditEntry.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, problem: `is not an audit entry (${first ? `${first.path.map(String).join('.') || '(root)'}: ${first.message}` : 'schema'})` };
  }
  if (parsed.data.seq !== expectedSeq) return { ok: false, problem: `has seq ${parsed.data.seq} at position ${expectedSeq}` };
  if (canonicalJson(value) !== canonical) return { ok: false, problem: 'is not in canonical JSON form' };
  return { ok: true, time: parsed.data.time };
}
