import type { ColumnMapping, ImportKind, PreviewRow } from '../../../../shared/exchange/import-fields';
import { planImport, type PlanContext } from '../plan/index';
import { readCsv } from '../read-csv';
import { readJson } from '../read-json';
import { readXlsx } from '../read-xlsx';
import { decodeBase64, sniffFormat, type SniffedFormat } from '../sniff';
import type { Table } from '../table';

export interface FileRequest {
  kind: ImportKind;
  dataBase64: string;
  sheet?: string | undefined;
  overrides: ColumnMapping;
}

/** What a preview needs from the file besides the rows' verdicts. */
export interface PlannedFile {
  format: SniffedFormat;
  sheet: string | null;
  headers: string[];
  layout: 'long' | 'grid';
  mapping: ColumnMapping;
  rows: PreviewRow[];
  /** The rows' verdicts in one line each; confirm refuses if re-planning gives other ones. */
  verdicts: string;
  /**
   * The table as JSON, kept for confirm (which re-plans it against the program as it is then). Text
   * crosses from the worker at copy speed; 20,000 rows as objects would cost the main thread ~100 ms.
   */
  tableJson: string;
}

export function verdictsOf(rows: readonly PreviewRow[]): string {
  return rows.map((r) => `${r.row}|${r.column ?? ''}|${r.status}`).join('\n');
}

/** Decodes, reads and classifies an uploaded file against a snapshot of the program. Pure (no vault). */
export async function planFile(req: FileRequest, ctx: PlanContext): Promise<PlannedFile> {
  const bytes = decodeBase64(req.dataBase64);
  const format = sniffFormat(bytes);
  const table: Table = format === 'xlsx' ? await readXlsx(bytes, req.kind, req.sheet) : format === 'json' ? readJson(bytes, req.kind) : readCsv(bytes, req.kind);
  const plan = planImport(req.kind, table, req.overrides, ctx);
  return { format, sheet: table.sheet, headers: table.headers, layout: plan.layout, mapping: plan.mapping, rows: plan.rows, verdicts: verdictsOf(plan.rows), tableJson: JSON.stringify(table) };
}
