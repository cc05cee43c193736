import { fromProgramFinding, type Finding } from '../../../shared/domain/findings';
import type { Block } from '../../../shared/domain/schedule';
import { capKey, cellKey, type CellKey } from './grid-model';

export type { Finding };

/** A program-rule finding computed in the renderer, in the core's wire shape (so one list holds both). */
export const fromProgram = fromProgramFinding;

/** Rules the renderer cannot judge itself (credentials are not sent to it): the core's word stands. */
const CORE_ONLY_PROGRAM_RULES = new Set(['PRG-CREDENTIAL']);

/**
 * The findings to show: the core's ACGME verdicts (they need every shift and take a round trip),
 * and program rules recomputed locally after each edit (instant), with acknowledgements carried
 * over by key from the core's last answer.
 */
export function mergeFindings(server: readonly Finding[], local: readonly Finding[] | null): Finding[] {
  if (local === null) return [...server];
  const acks = new Map(server.filter((f) => f.acknowledged).map((f) => [f.key, f.acknowledged]));
  const kept = server.filter((f) => f.source === 'acgme' || CORE_ONLY_PROGRAM_RULES.has(f.ruleId));
  return [...kept, ...local.map((f) => ({ ...f, acknowledged: acks.get(f.key) ?? null }))];
}

export interface Badge {
  violations: number;
  advisories: number;
  /** Every finding here is acknowledged. */
  acknowledged: boolean;
  keys: string[];
}

export interface FindingIndex {
  cells: Map<CellKey, Badge>;
  rows: Map<string, Badge>;
  capacity: Map<string, Badge>;
  byKey: Map<string, Finding>;
}

function add(map: Map<string, Badge>, key: string, f: Finding): void {
  const b = map.get(key) ?? { violations: 0, advisories: 0, acknowledged: true, keys: [] };
  if (f.verdict === 'violation') b.violations++;
  else b.advisories++;
  if (!f.acknowledged) b.acknowledged = false;
  b.keys.push(f.key);
  map.set(key, b);
}

/**
 * Where each finding shows: on the cell of its person and block; an ACGME finding on every block its
 * averaging period overlaps; a person-wide one (curriculum) on the row; a rotation-wide one
 * (capacity, supervision) on the capacity row.
 */
export function indexFindings(findings: readonly Finding[], blocks: readonly Block[]): FindingIndex {
  const idx: FindingIndex = { cells: new Map(), rows: new Map(), capacity: new Map(), byKey: new Map() };
  for (const f of findings) {
    idx.byKey.set(f.key, f);
    if (f.personId && f.blockId) add(idx.cells, cellKey(f.personId, f.blockId), f);
    else if (f.personId && f.period) {
      const [from, to] = f.period;
      let placed = false;
      for (const b of blocks) {
        if (b.startDate <= to && from <= b.endDate) {
          add(idx.cells, cellKey(f.personId, b.id), f);
          placed = true;
        }
      }
      if (!placed) add(idx.rows, f.personId, f);
    } else if (f.personId) add(idx.rows, f.personId, f);
    else if (f.rotationId && f.blockId) add(idx.capacity, capKey(f.rotationId, f.blockId), f);
  }
  return idx;
}

export interface FindingFilter {
  verdict: 'all' | 'violation' | 'advisory';
  source: 'all' | 'acgme' | 'program';
  status: 'open' | 'acknowledged' | 'all';
  personId: string | null;
  ruleId: string | null;
}
export const ALL_FINDINGS: FindingFilter = { verdict: 'all', source: 'all', status: 'open', personId: null, ruleId: null };

export function filterFindings(findings: readonly Finding[], f: FindingFilter): Finding[] {
  return findings.filter(
    (x) =>
      (f.verdict === 'all' || x.verdict === f.verdict) &&
      (f.source === 'all' || x.source === f.source) &&
      (f.status === 'all' || (f.status === 'open' ? !x.acknowledged : !!x.acknowledged)) &&
      (f.personId === null || x.personId === f.personId) &&
      (f.ruleId === null || x.ruleId === f.ruleId),
  );
}

/** Violations first, then by period start, for a stable list. */
export function sortFindings(list: Finding[]): Finding[] {
  return list.sort((a, b) => (a.verdict === b.verdict ? 0 : a.verdict === 'violation' ? -1 : 1) || (a.period?.[0] ?? '').localeCompare(b.period?.[0] ?? '') || a.key.localeCompare(b.key));
}
