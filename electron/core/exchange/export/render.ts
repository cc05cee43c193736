import { renderCsv } from './csv';
import { renderIcs } from './ics';
import { baseFileName } from './lookup';
import type { ExportFormat, ExportModel } from './model';
import { renderPdf } from './pdf';
import { renderXlsx } from './xlsx';

export interface RenderedExport {
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}

const TYPES: Record<ExportFormat, { ext: string; mime: string }> = {
  xlsx: { ext: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  csv: { ext: 'csv', mime: 'text/csv; charset=utf-8' },
  ics: { ext: 'ics', mime: 'text/calendar; charset=utf-8' },
  pdf: { ext: 'pdf', mime: 'application/pdf' },
};

/** Pure: an export model in, file bytes out (runs in the export worker). */
export async function renderExport(format: ExportFormat, model: ExportModel): Promise<RenderedExport> {
  const bytes = format === 'xlsx' ? await renderXlsx(model) : format === 'pdf' ? await renderPdf(model) : format === 'csv' ? renderCsv(model) : renderIcs(model);
  return { fileName: `${baseFileName(model)}.${TYPES[format].ext}`, mimeType: TYPES[format].mime, bytes };
}
