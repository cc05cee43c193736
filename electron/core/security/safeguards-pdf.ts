import { PDFDocument, PageSizes, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { SafeguardsReport } from '../../../shared/security/report';
import { safeguardsSections } from './safeguards';

/**
 * The safeguards report as a PDF for the auditor's file: the same sections as the printable HTML,
 * A4, standard Helvetica (nothing embedded), label/value rows that wrap, continuing on new pages.
 * Characters Helvetica cannot encode (outside Windows-1252) lose their accents or become "?".
 */
const MARGIN = 48;
const LABEL_WIDTH = 190;
const SIZE = 9;
const LINE = 12;

function cleaner(font: PDFFont): (text: string) => string {
  return (text) =>
    [...text.replace(/[\r\n\t]+/g, ' ')]
      .map((ch) => {
        try {
          font.encodeText(ch);
          return ch;
        } catch {
          const plain = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
          return plain || '?';
        }
      })
      .join('');
}

/** Greedy word wrap to a width; a word longer than the width is cut. */
function wrap(font: PDFFont, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, SIZE) <= width) {
      line = next;
      continue;
    }
    if (line) lines.push(line);
    let w = word;
    while (font.widthOfTextAtSize(w, SIZE) > width && w.length > 1) {
      let cut = w.length - 1;
      while (cut > 1 && font.widthOfTextAtSize(w.slice(0, cut), SIZE) > width) cut--;
      lines.push(w.slice(0, cut));
      w = w.slice(cut);
    }
    line = w;
  }
  lines.push(line);
  return lines;
}

export async function renderSafeguardsPdf(r: SafeguardsReport): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const generated = new Date(r.generatedAt);
  doc.setTitle(`Safeguards report ${r.generatedAt}`);
  doc.setCreator('Residency Scheduler');
  doc.setProducer('Residency Scheduler');
  doc.setCreationDate(generated);
  doc.setModificationDate(generated);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const clean = cleaner(regular);
  const [pageWidth, pageHeight] = PageSizes.A4;
  const valueWidth = pageWidth - 2 * MARGIN - LABEL_WIDTH;

  let page: PDFPage = doc.addPage(PageSizes.A4);
  let y = pageHeight - MARGIN;
  const room = (needed: number): void => {
    if (y - needed >= MARGIN) return;
    page = doc.addPage(PageSizes.A4);
    y = pageHeight - MARGIN;
  };
  page.drawText('Safeguards report', { x: MARGIN, y: y - 16, size: 16, font: bold });
  y -= 24;
  page.drawText(clean(`${r.program.name} - generated ${r.generatedAt}`), { x: MARGIN, y: y - 10, size: 10, font: regular, color: rgb(0.3, 0.3, 0.3) });
  y -= 22;

  for (const section of safeguardsSections(r)) {
    room(LINE * 3);
    y -= 6;
    page.drawText(clean(section.heading), { x: MARGIN, y: y - 11, size: 11, font: bold });
    y -= 18;
    if (section.rows.length === 0) {
      page.drawText(clean(section.empty ?? ''), { x: MARGIN, y: y - SIZE, size: SIZE, font: regular });
      y -= LINE;
      continue;
    }
    for (const [label, value] of section.rows) {
      const labels = wrap(bold, clean(label), LABEL_WIDTH - 8);
      const values = wrap(regular, clean(String(value ?? '')), valueWidth);
      const lines = Math.max(labels.length, values.length);
      room(lines * LINE);
      labels.forEach((t, i) => page.drawText(t, { x: MARGIN, y: y - SIZE - i * LINE, size: SIZE, font: bold }));
      values.forEach((t, i) => page.drawText(t, { x: MARGIN + LABEL_WIDTH, y: y - SIZE - i * LINE, size: SIZE, font: regular }));
      y -= lines * LINE;
    }
  }
  return doc.save();
}
