import { z } from 'zod';
import { ABSENCE_TYPES } from '../domain/schedule';
import { jaroWinkler, normalize } from './text';

/**
 * What an import can bring in, and the columns each kind understands. Headers are matched by
 * normalized synonym first, then by Jaro-Winkler similarity (>= 0.9) so "Pgy Lvl" or "Résident"
 * still land; the user can override any mapping in the preview.
 */
export const IMPORT_KINDS = ['people', 'rotations', 'absences', 'assignments'] as const;
export const ImportKind = z.enum(IMPORT_KINDS);
export type ImportKind = z.infer<typeof ImportKind>;
type AbsenceType = (typeof ABSENCE_TYPES)[number];

export interface FieldSpec {
  field: string;
  synonyms: readonly string[];
  required: boolean;
}

export const IMPORT_FIELDS: Record<ImportKind, readonly FieldSpec[]> = {
  people: [
    { field: 'name', synonyms: ['name', 'full name', 'display name', 'person', 'resident', 'resident name', 'faculty', 'physician'], required: true },
    { field: 'email', synonyms: ['email', 'e mail', 'email address', 'mail'], required: false },
    { field: 'kind', synonyms: ['type', 'kind', 'role', 'person type', 'position'], required: false },
    { field: 'pgy', synonyms: ['pgy', 'pgy level', 'level', 'year', 'training year', 'pg year'], required: false },
    { field: 'specialty', synonyms: ['specialty', 'speciality', 'program', 'department'], required: false },
    { field: 'trainingStart', synonyms: ['training start', 'start date', 'start'], required: false },
    { field: 'trainingEnd', synonyms: ['training end', 'end date', 'end', 'graduation'], required: false },
  ],
  rotations: [
    { field: 'name', synonyms: ['name', 'rotation', 'rotation name', 'service'], required: true },
    { field: 'shortName', synonyms: ['short name', 'code', 'abbreviation', 'abbrev', 'short'], required: false },
    { field: 'setting', synonyms: ['setting', 'type', 'category'], required: false },
    { field: 'site', synonyms: ['site', 'location', 'hospital'], required: false },
    { field: 'capacityMin', synonyms: ['min', 'minimum', 'capacity min', 'min residents'], required: false },
    { field: 'capacityMax', synonyms: ['max', 'maximum', 'capacity max', 'capacity', 'max residents'], required: false },
    { field: 'eligiblePgy', synonyms: ['pgy', 'eligible pgy', 'levels', 'pgy levels'], required: false },
  ],
  absences: [
    { field: 'person', synonyms: ['name', 'person', 'resident', 'employee', 'full name'], required: true },
    { field: 'email', synonyms: ['email', 'e mail'], required: false },
    { field: 'type', synonyms: ['type', 'leave type', 'absence type', 'kind', 'category'], required: true },
    { field: 'startDate', synonyms: ['start', 'start date', 'from', 'first day', 'begin'], required: true },
    { field: 'endDate', synonyms: ['end', 'end date', 'to', 'last day', 'until'], required: true },
    { field: 'status', synonyms: ['status', 'state', 'approval'], required: false },
    { field: 'reason', synonyms: ['reason', 'purpose'], required: false },
    { field: 'notes', synonyms: ['notes', 'note', 'comments', 'comment'], required: false },
    { field: 'location', synonyms: ['location', 'destination', 'where'], required: false },
  ],
  assignments: [
    { field: 'person', synonyms: ['name', 'person', 'resident', 'resident name', 'full name'], required: true },
    { field: 'email', synonyms: ['email', 'e mail'], required: false },
    { field: 'block', synonyms: ['block', 'block number', 'block no', 'block label'], required: false },
    { field: 'rotation', synonyms: ['rotation', 'rotation code', 'service', 'assignment'], required: false },
  ],
};

export type ColumnMapping = Record<string, string>;

const HEADER_SIMILARITY = 0.9;

/**
 * Maps each field of `kind` to a header of the file: overrides first, then exact synonyms, then
 * the most similar header above the threshold. A header is used by at most one field.
 */
export function mapColumns(kind: ImportKind, headers: readonly string[], overrides: ColumnMapping = {}): { mapping: ColumnMapping; missing: string[] } {
  const mapping: ColumnMapping = {};
  const used = new Set<string>();
  const norm = headers.map((h) => normalize(h));
  for (const spec of IMPORT_FIELDS[kind]) {
    const o = overrides[spec.field];
    if (o !== undefined && headers.includes(o)) {
      mapping[spec.field] = o;
      used.add(o);
    }
  }
  for (const spec of IMPORT_FIELDS[kind]) {
    if (mapping[spec.field] !== undefined) continue;
    const idx = norm.findIndex((h, i) => !used.has(headers[i] as string) && spec.synonyms.includes(h));
    if (idx >= 0) {
      mapping[spec.field] = headers[idx] as string;
      used.add(headers[idx] as string);
    }
  }
  for (const spec of IMPORT_FIELDS[kind]) {
    if (mapping[spec.field] !== undefined) continue;
    let best = -1;
    let bestScore = HEADER_SIMILARITY;
    norm.forEach((h, i) => {
      if (used.has(headers[i] as string) || !h) return;
      const score = Math.max(...spec.synonyms.map((s) => jaroWinkler(h, s)));
      if (score >= bestScore) {
        best = i;
        bestScore = score;
      }
    });
    if (best >= 0) {
      mapping[spec.field] = headers[best] as string;
      used.add(headers[best] as string);
    }
  }
  const missing = IMPORT_FIELDS[kind].filter((s) => s.required && mapping[s.field] === undefined).map((s) => s.field);
  return { mapping, missing };
}

/** How many known headers a row holds: used to find the header row below a sheet's title lines. */
export function headerScore(kind: ImportKind, cells: readonly string[]): number {
  const known = new Set(IMPORT_FIELDS[kind].flatMap((s) => s.synonyms));
  return cells.filter((c) => known.has(normalize(c)) || /^block \d+/.test(normalize(c))).length;
}

const ABSENCE_SYNONYMS: Record<string, AbsenceType> = {
  'annual leave': 'vacation', al: 'vacation', pto: 'vacation', holiday: 'vacation', leave: 'vacation', vac: 'vacation',
  'sick leave': 'sick', illness: 'sick',
  maternity: 'parental', paternity: 'parental', 'parental leave': 'parental', 'family leave': 'caregiver',
  'medical leave': 'medical', fmla: 'medical',
  bereavement: 'bereavement', funeral: 'bereavement',
  meeting: 'conference', cme: 'education', course: 'education',
  military: 'military_duty', 'military duty': 'military_duty', drill: 'military_duty', reserves: 'military_duty',
  'temporary duty': 'tdy', deployed: 'deployment',
  interviews: 'interview', 'wellness day': 'wellness',
};

/** An absence type from a coordinator's wording ("Annual leave", "TDY", "Military"). */
export function absenceTypeOf(text: string): AbsenceType | null {
  const n = normalize(text);
  const direct = ABSENCE_TYPES.find((t) => normalize(t) === n);
  if (direct) return direct;
  return ABSENCE_SYNONYMS[n] ?? null;
}

export const PREVIEW_STATUSES = ['new', 'update', 'unchanged', 'unmatched', 'invalid'] as const;
export const PreviewStatus = z.enum(PREVIEW_STATUSES);
export type PreviewStatus = z.infer<typeof PreviewStatus>;

export const PreviewRow = z
  .object({
    /** 1-based row of the file (the header row counts), and the column for grid layouts. */
    row: z.number().int().min(1),
    column: z.string().max(200).nullable(),
    status: PreviewStatus,
    /** What the row would do, in words (shown to the importing coordinator only). */
    summary: z.string().max(500),
    /** Why a row is invalid or unmatched, or how a name was matched. */
    reason: z.string().max(500).nullable(),
    /** Similarity of a fuzzy name match (1 = exact). */
    matchScore: z.number().min(0).max(1).nullable(),
  })
  .strict();
export type PreviewRow = z.infer<typeof PreviewRow>;
