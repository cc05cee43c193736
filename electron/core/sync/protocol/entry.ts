import { canonicalJson } from '../../../../shared/canonical-json';

/**
 * Adapter over the audit trail's entry format: what the server checks about one entry beyond its
 * leaf hash. An entry must be a JSON object in canonical form (so the bytes the hospital archives
 * are the bytes the device hashed, and re-canonicalizing them later gives the same leaf), and its
 * time, when present, is indexed for `rsched server audit --from --to`.
 */
export type EntryCheck = { ok: true; time: string | null } | { ok: false; problem: string };

const TIME_FIELDS = ['at', 'time', 'timestamp'] as const;

export function checkEntry(canonical: string): EntryCheck {
  let value: unknown;
  try {
    value = JSON.parse(canonical);
  } catch {
    return { ok: false, problem: 'is not JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'is not a JSON object' };
  if (canonicalJson(value) !== canonical) return { ok: false, problem: 'is not in canonical JSON form' };
  const record = value as Record<string, unknown>;
  for (const f of TIME_FIELDS) {
    const t = record[f];
    if (typeof t === 'string' && t.length <= 64) return { ok: true, time: t };
  }
  return { ok: true, time: null };
}
