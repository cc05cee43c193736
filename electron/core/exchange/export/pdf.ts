import { PDFDocument, PageSizes, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { lookups } from './lookup';
import type { ExportModel } from './model';

/**
 * The printable schedule: one page per block at A4 or Letter (portrait), a roster of who is on
 * which rotation with their call count and leave, or (calls only) the block's call calendar. Rows
 * shrink to fit the page (down to 6 pt); a program too big even then continues on a second page
 * for that block. Standard Helvetica is used so nothing is embedded; characters it cannot encode
 * (outside Windows-1252) are written without their accents, or as "?".
 */
const MARGIN = 36;

function encoder(font: PDFFont): (text: string) => string {
  const ok = new Map<string, boolean>();
  const can = (ch: string): boolean => {
    let v = ok.get(ch);
    if (v === undefined) {
      try {
        font.encodeText(ch);
        v = true;
      } catch {
        v = false;
      }
      ok.set(ch, v);
    }
    return v;
  };
  return (text) =>
    [...text.replace(/[\r\n\t]+/g, ' ')]
      .map((ch) => {
        if (can(ch)) return ch;
        const plain = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
        return plain && [...plain].every(can) ? plain : '?';
      })
      .join('');
}

/** Truncates text to a width with an ellipsis ("..."). */
function fit(font: PDFFont, text: string, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let t = text;
  while (t.length > 1 && font.widthOfTextAtSize(`${t}...`, size) > width) t = t.slice(0, -1);
  return `${t}...`;
}

interface Table {
  columns: Array<{ title: string; width: number }>;
  rows: string[][];
}

function drawTable(page: PDFPage, fonts: { regular: PDFFont; bold: PDFFont }, clean: (t: string) => string, table: Table, top: number, size: number, rowHeight: number): void {
  const totalWidth = page.getWidth() - 2 * MARGIN;
  const unit = totalWidth / table.columns.reduce((s, c) => s + c.width, 0);
  const xs: number[] = [];
  let x = MARGIN;
  for (const c of table.columns) {
    xs.push(x);
    x += c.width * unit;
  }
  let y = top;
  const header = (cells: string[], font: PDFFont): void => {
    cells.forEach((text, i) => {
      const w = (table.columns[i]?.width ?? 1) * unit - 4;
      page.drawText(fit(font, clean(text), size, w), { x: (xs[i] ?? MARGIN) + 2, y: y - rowHeight + (rowHeight - size) / 2 + 1, size, font });
    });
  };
  page.drawRectangle({ x: MARGIN, y: y - rowHeight, width: totalWidth, height: rowHeight, color: rgb(0.85, 0.88, 0.93) });
  header(table.columns.map((c) => c.title), fonts.bold);
  y -= rowHeight;
  table.rows.forEach((cells, i) => {
    if (i % 2 === 1) page.drawRectangle({ x: MARGIN, y: y - rowHeight, width: totalWidth, height: rowHeight, color: rgb(0.96, 0.96, 0.96) });
    header(cells, fonts.regular);
    y -= rowHeight;
  });
}

export async function renderPdf(m: ExportModel): Promise<Uint8Array> {
  const L = lookups(m);
  const doc = await PDFDocument.create();
  doc.setTitle(`${m.programName} ${m.yearLabel} schedule`);
  doc.setCreator('Residency Scheduler');
  doc.setProducer('Residency Scheduler');
  doc.setCreationDate(new Date(m.generatedAt));
  doc.setModificationDate(new Date(m.generatedAt));
  const fonts = { regular: await doc.embedFont(StandardFonts.Helvetica), bold: await doc.embedFont(StandardFonts.HelveticaBold) };
  const clean = encoder(fonts.regular);
  const size = m.paper === 'a4' ? PageSizes.A4 : PageSizes.Letter;
  const scope = m.scope.kind === 'program' ? '' : ` - ${m.scope.name}`;

  for (const b of m.blocks) {
    let table: Table;
    if (m.content === 'calls') {
      const types = m.shiftTypes.filter((t) => m.shifts.some((s) => s.shiftTypeId === t.id));
      const rows: string[][] = [];
      for (let d = new Date(`${b.startDate}T00:00:00Z`); d.toISOString().slice(0, 10) <= b.endDate; d.setUTCDate(d.getUTCDate() + 1)) {
        const date = d.toISOString().slice(0, 10);
        const day = d.toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' });
        rows.push([`${day} ${date}`, ...types.map((t) => m.shifts.filter((s) => s.date === date && s.shiftTypeId === t.id).map((s) => L.nameOf(s.personId)).join(', '))]);
      }
      table = { columns: [{ title: 'Date', width: 1.3 }, ...types.map((t) => ({ title: t.name, width: 2 }))], rows };
    } else {
      const rows = m.people
        .map((p) => {
          const r = L.rotation.get(L.cell.get(`${p.id}|${b.id}`) ?? '');
          const calls = L.shiftsIn(p.id, b.startDate, b.endDate).length;
          const leave = L.absencesIn(p.id, b.startDate, b.endDate).map(L.absenceText).join('; ');
          return r || calls > 0 || leave ? [p.displayName, p.pgy ? `PGY-${p.pgy}` : p.kind, r ? `${r.shortName} - ${r.name}` : '', m.content === 'blocks' ? '' : String(calls), leave] : null;
        })
        .filter((r): r is string[] => r !== null);
      table = { columns: [{ title: 'Name', width: 3 }, { title: 'PGY', width: 1 }, { title: 'Rotation', width: 3.2 }, { title: 'Calls', width: 0.8 }, { title: 'Leave', width: 3.5 }], rows };
    }
    // Fit the rows to the page: the header block takes 70 pt.
    const available = size[1] - 2 * MARGIN - 70;
    const perPageAtMin = Math.floor(available / 8) - 1;
    const rowHeight = Math.max(8, Math.min(16, available / (table.rows.length + 1)));
    const fontSize = Math.max(6, Math.min(10, rowHeight - 4));
    const chunks: string[][][] = [];
    for (let i = 0; i < Math.max(1, table.rows.length); i += perPageAtMin) chunks.push(table.rows.slice(i, i + perPageAtMin));
    chunks.forEach((rows, part) => {
      const page = doc.addPage(size);
      const top = size[1] - MARGIN;
      page.drawText(clean(`${m.programName} - ${m.yearLabel}${scope}`), { x: MARGIN, y: top - 14, size: 14, font: fonts.bold });
      page.drawText(clean(`${b.label}: ${b.startDate} to ${b.endDate}${chunks.length > 1 ? ` (part ${part + 1} of ${chunks.length})` : ''}`), { x: MARGIN, y: top - 34, size: 12, font: fonts.regular });
      page.drawText(clean(`${m.content === 'calls' ? 'Call schedule' : 'Rotations'} - ${m.source} - printed ${m.generatedAt.slice(0, 10)}`), { x: MARGIN, y: top - 50, size: 8, font: fonts.regular, color: rgb(0.4, 0.4, 0.4) });
      drawTable(page, fonts, clean, { columns: table.columns, rows }, top - 62, fontSize, rowHeight);
    });
  }
  return doc.save();
}
