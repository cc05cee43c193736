import type { AuditEntry } from '../../../shared/audit/entry';

export interface DiffRow {
  field: string;
  before: string;
  after: string;
  kind: 'added' | 'removed' | 'changed';
}

const show = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** The entry's before/after (already only the changed fields) as rows, for the detail view. */
export function diffRows(entry: Pick<AuditEntry, 'before' | 'after'>): DiffRow[] {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return fields.map((field) => {
    const b = before[field];
    const a = after[field];
    return { field, before: show(b), after: show(a), kind: b === undefined ? 'added' : a === undefined ? 'removed' : 'changed' };
  });
}

export function actorText(entry: AuditEntry): string {
  return entry.actor.type === 'user' ? `${entry.actor.role} ${entry.actor.userId.slice(0, 8)}` : `system: ${entry.actor.component}`;
}
