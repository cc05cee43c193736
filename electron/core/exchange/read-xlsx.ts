import ExcelJS from 'exceljs';
import { headerScore, type ImportKind } from '../../../shared/exchange/import-fields';
import { IMPORT_LIMITS } from './limits';
import { refuseFile } from './sniff';
import { splitHeader, type Table, type TableRow } from './table';
import { checkXlsxArchive } from './zip-guard';

/** A cell's value as import text: dates as YYYY-MM-DD, rich text and links as their text. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value) return '';
  }
  return '';
}

function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/**
 * Reads one sheet of a workbook after the archive passed the ZIP checks. Refuses formulas (a
 * computed value may not be what the coordinator sees, and formula text must never be stored to
 * come back out in an export), sheets past the row and column limits, and names the cell at fault.
 */
export async function readXlsx(bytes: Buffer, kind: ImportKind, sheetName?: string): Promise<Table> {
  checkXlsxArchive(bytes);
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs types want the older Buffer type; the bytes are an ordinary Buffer.
    await wb.xlsx.load(bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  } catch {
    throw refuseFile('The workbook could not be read (damaged or not a real .xlsx).');
  }
  if (wb.worksheets.length === 0) throw refuseFile('The workbook has no sheets.');
  const candidates = sheetName === undefined ? wb.worksheets : wb.worksheets.filter((w) => w.name === sheetName);
  if (candidates.length === 0) throw refuseFile('The workbook has no sheet with that name.');

  let chosen: { table: Table; score: number } | null = null;
  for (const ws of candidates) {
    if (ws.rowCount > IMPORT_LIMITS.maxRows) throw refuseFile(`Sheet "${ws.name.slice(0, 31)}" has ${ws.rowCount} rows (the limit is ${IMPORT_LIMITS.maxRows}).`);
    if (ws.columnCount > IMPORT_LIMITS.maxColumns) throw refuseFile(`Sheet "${ws.name.slice(0, 31)}" has ${ws.columnCount} columns (the limit is ${IMPORT_LIMITS.maxColumns}).`);
    const lines: TableRow[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, col) => {
        if (cell.type === ExcelJS.ValueType.Formula || cell.formula) {
          throw refuseFile(`Sheet "${ws.name.slice(0, 31)}" cell ${columnLetter(col)}${rowNumber} holds a formula; paste values only and import again.`);
        }
        const text = cellText(cell.value);
        if (text.length > IMPORT_LIMITS.maxCellChars) throw refuseFile(`Sheet "${ws.name.slice(0, 31)}" cell ${columnLetter(col)}${rowNumber} is longer than ${IMPORT_LIMITS.maxCellChars} characters.`);
        cells[col - 1] = text;
      });
      lines.push({ line: rowNumber, cells: Array.from(cells, (c) => c ?? '') });
    });
    const score = (cells: string[]): number => headerScore(kind, cells);
    const { headers, headerLine, rows } = splitHeader(lines, score);
    const s = score(headers);
    if (!chosen || s > chosen.score) chosen = { table: { format: 'xlsx', sheet: ws.name, headers, headerLine, rows }, score: s };
    // The first sheet with recognisable headers wins (coordinators put the data first).
    if (sheetName === undefined && s >= 2) break;
  }
  if (!chosen || chosen.table.headers.length === 0) throw refuseFile('The workbook has no rows.');
  return chosen.table;
}
