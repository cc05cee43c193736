import { canonicalJson } from '../../../../shared/canonical-json';
import { AuditEntry } from '../../../../shared/audit/entry';

/**
 * Adapter over the audit trail's entry format (shared/audit/entry.ts): what the server checks about
 * one entry beyond its leaf hash, on the hot path of every batch.
 * - a JSON object with format version 1, `seq` equal to its position in the tree, `deviceId` equal
 *   to the sender, and a UTC `time` (indexed for `rsched server audit --from --to`).
 * The leaf hash is always recomputed from the exact bytes, which is what integrity rests on. Two
 * further checks cost more than all of the above together (measured with bench/sync.ts) and add no
 * integrity, since the entry is already authenticated by the device's signature and the tree: the
 * full zod schema and re-canonicalization. `strictEntry` runs both (tooling, tests, export audits).
 */
export type EntryCheck = { ok: true; time: string } | { ok: false; problem: string };

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function checkEntry(canonical: string, expectedSeq: number, deviceId: string): EntryCheck {
  let value: unknown;
  try {
    value = JSON.parse(canonical);
  } catch {
    return { ok: false, problem: 'is not JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'is not a JSON object' };
  const e = value as { v?: unknown; seq?: unknown; time?: unknown; deviceId?: unknown };
  if (e.v !== 1) return { ok: false, problem: 'has an unknown format version' };
  if (e.seq !== expectedSeq) return { ok: false, problem: `has seq ${String(e.seq)} at position ${expectedSeq}` };
  if (e.deviceId !== deviceId) return { ok: false, problem: 'names another device' };
  if (typeof e.time !== 'string' || !ISO_UTC.test(e.time)) return { ok: false, problem: 'has no valid UTC time' };
  return { ok: true, time: e.time };
}

/** Full check: the audit entry schema, and canonical form (re-serializing gives the same bytes). */
export function strictEntry(canonical: string): boolean {
  try {
    const value: unknown = JSON.parse(canonical);
    return AuditEntry.safeParse(value).success && canonicalJson(value) === canonical;
  } catch {
    return false;
  }
}
