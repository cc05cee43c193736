/**
 * CSV both ways (RFC 4180: quoted fields, doubled quotes, CRLF or LF) with limits, and formula
 * neutralization for anything a spreadsheet will open.
 */

export interface CsvLimits {
  maxRows: number;
  maxColumns: number;
  maxCellChars: number;
}

export type CsvParseResult = { ok: true; rows: string[][]; delimiter: string } | { ok: false; message: string };

/** The delimiter of the header line: comma, semicolon (European Excel) or tab, whichever splits it most. */
export function sniffDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t']) {
    const count = firstLine.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** Parses CSV text, stopping as soon as a limit is passed (a huge file costs no more than the limit). */
export function parseCsv(text: string, limits: CsvLimits, delimiter = sniffDelimiter(text)): CsvParseResult {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  const endCell = (): string | null => {
    if (cell.length > limits.maxCellChars) return `a cell in row ${rows.length + 1} is longer than ${limits.maxCellChars} characters`;
    row.push(cell);
    cell = '';
    if (row.length > limits.maxColumns) return `row ${rows.length + 1} has more than ${limits.maxColumns} columns`;
    return null;
  };
  const endRow = (): string | null => {
    const err = endCell();
    if (err) return err;
    // Blank lines (a lone empty cell) carry nothing.
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
    if (rows.length > limits.maxRows) return `the file has more than ${limits.maxRows} rows`;
    return null;
  };
  while (i < n) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cell += ch;
      if (cell.length > limits.maxCellChars) return { ok: false, message: `a cell in row ${rows.length + 1} is longer than ${limits.maxCellChars} characters` };
      i++;
      continue;
    }
    if (ch === '"' && cell === '') {
      quoted = true;
      i++;
      continue;
    }
    if (ch === delimiter) {
      const err = endCell();
      if (err) return { ok: false, message: err };
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      const err = endRow();
      if (err) return { ok: false, message: err };
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    cell += ch;
    if (cell.length > limits.maxCellChars) return { ok: false, message: `a cell in row ${rows.length + 1} is longer than ${limits.maxCellChars} characters` };
    i++;
  }
  if (quoted) return { ok: false, message: `a quoted cell in row ${rows.length + 1} is never closed` };
  if (cell !== '' || row.length > 0) {
    const err = endRow();
    if (err) return { ok: false, message: err };
  }
  return { ok: true, rows, delimiter };
}

/**
 * Cells a spreadsheet would run as a formula (CWE-1236): = + - @, and tab / carriage return which
 * some programs strip before looking. A leading apostrophe makes them text.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Whether imported text looks like a formula (refused rather than stored and re-exported). */
export function looksLikeFormula(value: string): boolean {
  return /^[=+@\t\r]/.test(value) || /^-[^\d\s.]/.test(value);
}

function quote(value: string): string {
  return /[",\r\n;]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * CSV text: CRLF line ends, every cell neutralized and quoted when needed. The UTF-8 byte order mark
 * makes Excel read accents correctly; the importer strips it.
 */
export function formatCsv(rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  const body = rows.map((r) => r.map((v) => (v === null ? '' : typeof v === 'number' ? String(v) : quote(neutralizeFormula(v)))).join(',')).join('\r\n');
  return `\uFEFF${body}\r\n`;
}
