import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { z } from 'zod';
import type { DiffItem, PreviewView } from '../../../shared/contract/generate';
import type { ScheduleStore } from '../schedule/store';

export type Preview = z.input<typeof PreviewView>;
type Diff = z.input<typeof DiffItem>;

/** What accepting a preview writes, decided when it was generated. */
export type ApplyPlan =
  | { kind: 'blocks'; yearId: string; items: Array<{ personId: string; blockId: string; rotationId: string | null }> }
  | { kind: 'call'; from: string; to: string; remove: string[]; add: Array<{ personId: string; shiftTypeId: string; date: string }> };

export interface StoredPreview {
  view: Preview;
  plan: ApplyPlan;
  /** Fingerprint of the schedule the preview was computed from; accept refuses if it moved. */
  fingerprint: string;
}

/** Previews kept per open vault: dropped with the connection at lock, bounded so memory stays small. */
const MAX_PREVIEWS = 16;
const stores = new WeakMap<Database, Map<string, StoredPreview>>();

export function previewsOf(db: Database): Map<string, StoredPreview> {
  let m = stores.get(db);
  if (!m) {
    m = new Map();
    stores.set(db, m);
  }
  return m;
}

export function keepPreview(db: Database, id: string, p: StoredPreview): void {
  const m = previewsOf(db);
  m.set(id, p);
  while (m.size > MAX_PREVIEWS) m.delete(m.keys().next().value as string);
}

/** SHA-256 over the records as stored, in id order; reading them raw keeps accept's re-check cheap. */
function hash(parts: ReadonlyArray<readonly string[]>): string {
  const h = createHash('sha256');
  for (const records of parts) {
    for (const r of records) h.update(r).update('\n');
    h.update('\u0000');
  }
  return h.digest('hex');
}

/** What a rotation schedule depends on: the year's assignments, people, rotations, leave, requirements. */
export function blockFingerprint(store: ScheduleStore, yearId: string): string {
  return hash([
    store.blockAssignments.storedText('block_id IN (SELECT id FROM blocks WHERE academic_year_id = ?)', yearId),
    store.people.storedText(),
    store.rotations.storedText(),
    store.absences.storedText(),
    store.curriculum.storedText(),
    store.credentials.storedText(),
  ]);
}

/** What a call schedule depends on: shifts around the range, block assignments, leave, people. */
export function callFingerprint(store: ScheduleStore, lo: string, hi: string): string {
  return hash([
    store.shiftAssignments.storedText('date >= ? AND date <= ?', lo, hi),
    store.blockAssignments.storedText(),
    store.absences.storedText(),
    store.people.storedText(),
    store.shiftTypes.storedText(),
  ]);
}

/** Diff of two slot maps (slot key "person|slot" -> ids held); churn counts changed slots. */
export function diffSlots(before: ReadonlyMap<string, string[]>, after: ReadonlyMap<string, string[]>): { diff: Preview['diff']; churn: Preview['churn'] } {
  const added: Diff[] = [];
  const removed: Diff[] = [];
  const changed: Diff[] = [];
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const key of keys) {
    const b = [...(before.get(key) ?? [])].sort();
    const a = [...(after.get(key) ?? [])].sort();
    if (b.length === a.length && b.every((x, i) => x === a[i])) continue;
    const [personId, slot] = key.split('|') as [string, string];
    const item = { personId, slot, before: b, after: a };
    if (b.length === 0) added.push(item);
    else if (a.length === 0) removed.push(item);
    else changed.push(item);
  }
  let currentCells = 0;
  for (const v of before.values()) if (v.length > 0) currentCells++;
  const changedCells = added.length + removed.length + changed.length;
  return {
    diff: { added, removed, changed },
    churn: { changedCells, currentCells, percent: currentCells === 0 ? (changedCells > 0 ? 100 : 0) : Math.round((10000 * changedCells) / currentCells) / 100 },
  };
}
