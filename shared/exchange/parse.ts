import { LocalDate } from '../domain/common';
import type { z } from 'zod';
import { RotationSetting, type PersonKind as PersonKindSchema } from '../domain/schedule';

type PersonKind = z.infer<typeof PersonKindSchema>;
type Setting = z.infer<typeof RotationSetting>;
import { normalize } from './text';

/**
 * Cell parsers for imports: each returns the value or null, and the planner names the column when
 * a non-empty cell does not parse.
 */

/** YYYY-MM-DD, M/D/YYYY (US spreadsheets), D.M.YYYY, or an Excel serial day number. */
export function parseDate(text: string): string | null {
  const t = text.trim();
  let y: number;
  let m: number;
  let d: number;
  let match: RegExpMatchArray | null;
  if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(t))) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t))) [m, d, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(t))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if (/^\d{5}$/.test(t)) {
    // Excel's day count from 1899-12-30 (the 1900 leap-year bug folded in).
    const ms = Date.UTC(1899, 11, 30) + Number(t) * 86_400_000;
    return new Date(ms).toISOString().slice(0, 10);
  } else return null;
  const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return LocalDate.safeParse(iso).success ? iso : null;
}

/** "PGY-2", "pgy 2", "2", "PG2" -> 2. */
export function parsePgy(text: string): number | null {
  const m = /^(?:p\s*g\s*y?\s*-?\s*)?(\d{1,2})$/.exec(normalize(text).replace(/ /g, ''));
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 && n <= 10 ? n : null;
}

/** "1,2,3", "1-3", "PGY1/PGY2" -> [1, 2, 3]. */
export function parsePgyList(text: string): number[] | null {
  const t = normalize(text).replace(/pgy/g, '');
  const range = /^(\d{1,2}) (?:to )?(\d{1,2})$/.exec(t);
  if (range && /-|to/.test(text)) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (a < 1 || b > 10 || a > b) return null;
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  const parts = t.split(' ').filter(Boolean).map(Number);
  if (parts.length === 0 || parts.some((n) => !Number.isInteger(n) || n < 1 || n > 10)) return null;
  return [...new Set(parts)].sort((a, b) => a - b);
}

export function parseCount(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,3}$/.test(t)) return null;
  return Number(t);
}

export function parseKind(text: string): PersonKind | null {
  const n = normalize(text);
  if (['resident', 'res', 'intern', 'trainee', 'house officer'].includes(n)) return 'resident';
  if (['fellow'].includes(n)) return 'fellow';
  if (['faculty', 'attending', 'staff physician', 'preceptor', 'consultant'].includes(n)) return 'faculty';
  if (['other', 'student', 'medical student', 'rotating intern'].includes(n)) return 'other';
  return null;
}

export function parseSetting(text: string): Setting | null {
  const n = normalize(text);
  const direct = RotationSetting.options.find((o) => o === n);
  if (direct) return direct;
  const synonyms: Record<string, Setting> = { ward: 'inpatient', wards: 'inpatient', clinic: 'outpatient', ambulatory: 'outpatient', 'intensive care': 'icu', ed: 'emergency', er: 'emergency', vacation: 'leave' };
  return synonyms[n] ?? null;
}

export function parseStatus(text: string): 'requested' | 'approved' | 'denied' | 'cancelled' | null {
  const n = normalize(text);
  if (['approved', 'approve', 'yes', 'ok', 'confirmed'].includes(n)) return 'approved';
  if (['requested', 'pending', 'request', 'submitted'].includes(n)) return 'requested';
  if (['denied', 'rejected', 'no'].includes(n)) return 'denied';
  if (['cancelled', 'canceled', 'withdrawn'].includes(n)) return 'cancelled';
  return null;
}
