import { canonicalJson } from '../../../shared/canonical-json';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type FieldValues = Record<string, JsonValue>;

/**
 * Field-level diff for an audit entry: only the fields whose value changed, with the value before
 * and after. A field absent on one side appears only on the other (created or cleared). Values are
 * compared by canonical JSON, so nested objects and arrays compare by content, key order ignored.
 * `before` null = record created (all fields are "after"); `after` null = record removed.
 */
export function diffFields(
  before: Readonly<Record<string, unknown>> | null,
  after: Readonly<Record<string, unknown>> | null,
  opts: { ignore?: readonly string[] } = {},
): { before: FieldValues; after: FieldValues; changed: string[] } {
  const ignore = new Set(opts.ignore ?? []);
  const out = { before: {} as FieldValues, after: {} as FieldValues, changed: [] as string[] };
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of [...keys].sort()) {
    if (ignore.has(key)) continue;
    const b = before?.[key];
    const a = after?.[key];
    const bJson = b === undefined ? undefined : canonicalJson(b);
    const aJson = a === undefined ? undefined : canonicalJson(a);
    if (bJson === aJson) continue;
    out.changed.push(key);
    // Round-trip through JSON so Dates and other toJSON values become plain JSON values.
    if (bJson !== undefined) out.before[key] = JSON.parse(bJson) as JsonValue;
    if (aJson !== undefined) out.after[key] = JSON.parse(aJson) as JsonValue;
  }
  return out;
}
