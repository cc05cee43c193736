/** A file's rows as text, whatever it came from: what the import planner works on. */
export interface TableRow {
  /** 1-based line (CSV), row (sheet) or array index + 1 (JSON) in the file, for messages. */
  line: number;
  cells: string[];
}

export interface Table {
  format: 'csv' | 'xlsx' | 'json';
  sheet: string | null;
  headers: string[];
  /** The row number of the header line (0 for JSON, which has keys instead). */
  headerLine: number;
  rows: TableRow[];
}

/** Picks the header row among the first lines: the one naming the most known columns. */
export function splitHeader(lines: TableRow[], score: (cells: string[]) => number): { headers: string[]; headerLine: number; rows: TableRow[] } {
  let bestIdx = 0;
  let best = -1;
  lines.slice(0, 10).forEach((l, i) => {
    const s = score(l.cells);
    if (s > best) {
      best = s;
      bestIdx = i;
    }
  });
  const header = lines[bestIdx];
  if (!header) return { headers: [], headerLine: 0, rows: [] };
  const headers = header.cells.map((c, i) => c.trim() || `Column ${i + 1}`);
  const rows = lines.slice(bestIdx + 1).filter((l) => l.cells.some((c) => c.trim() !== ''));
  return { headers, headerLine: header.line, rows };
}
