import { headerScore, type ImportKind } from '../../../shared/exchange/import-fields';
import { parseCsv } from '../../../shared/exchange/csv';
import { IMPORT_LIMITS } from './limits';
import { refuseFile, utf8Text } from './sniff';
import { splitHeader, type Table } from './table';

export function readCsv(bytes: Buffer, kind: ImportKind): Table {
  const parsed = parseCsv(utf8Text(bytes), IMPORT_LIMITS);
  if (!parsed.ok) throw refuseFile(`The CSV file is refused: ${parsed.message}.`);
  const lines = parsed.rows.map((cells, i) => ({ line: i + 1, cells }));
  const { headers, headerLine, rows } = splitHeader(lines, (cells) => headerScore(kind, cells));
  if (headers.length === 0) throw refuseFile('The CSV file has no rows.');
  return { format: 'csv', sheet: null, headers, headerLine, rows };
}
