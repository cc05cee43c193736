import type { ImportKind } from '../../../shared/exchange/import-fields';
import { IMPORT_LIMITS } from './limits';
import { refuseFile, utf8Text } from './sniff';
import type { Table, TableRow } from './table';

type Scalar = string | number | boolean | null;

function cellText(value: unknown, key: string, index: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Lists of scalars (eligible PGY levels, faculty roles) become comma-separated text.
  if (Array.isArray(value) && value.every((v): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v))) return value.join(',');
  throw refuseFile(`Record ${index + 1} of the JSON file has a nested value in "${key.slice(0, 40)}"; import reads flat records.`);
}

/**
 * JSON: an array of flat records, or an object holding one under the kind's name ("people",
 * "rotations", "absences", "assignments") or "rows". Keys become the headers.
 */
export function readJson(bytes: Buffer, kind: ImportKind): Table {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8Text(bytes));
  } catch {
    throw refuseFile('The file starts like JSON but is not valid JSON.');
  }
  let list: unknown = parsed;
  if (!Array.isArray(parsed) && typeof parsed === 'object' && parsed !== null) {
    const obj = parsed as Record<string, unknown>;
    list = obj[kind] ?? obj.rows;
  }
  if (!Array.isArray(list)) throw refuseFile(`The JSON file holds no list of records (an array, or an object with a "${kind}" array).`);
  if (list.length > IMPORT_LIMITS.maxRows) throw refuseFile(`The file has more than ${IMPORT_LIMITS.maxRows} records.`);
  const headers: string[] = [];
  const seen = new Set<string>();
  const records = list.map((r, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw refuseFile(`Record ${i + 1} of the JSON file is not an object.`);
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        headers.push(k);
        if (headers.length > IMPORT_LIMITS.maxColumns) throw refuseFile(`The JSON records have more than ${IMPORT_LIMITS.maxColumns} different keys.`);
      }
    }
    return r as Record<string, unknown>;
  });
  const rows: TableRow[] = records.map((r, i) => ({
    line: i + 1,
    cells: headers.map((h) => {
      const text = cellText(r[h], h, i);
      if (text.length > IMPORT_LIMITS.maxCellChars) throw refuseFile(`A value in record ${i + 1} is longer than ${IMPORT_LIMITS.maxCellChars} characters.`);
      return text;
    }),
  }));
  return { format: 'json', sheet: null, headers, headerLine: 0, rows };
}
