import ExcelJS from 'exceljs';
import { neutralizeFormula } from '../../../../shared/exchange/csv';
import { lookups } from './lookup';
import type { ExportModel } from './model';

type Cell = string | number | null;

/** Every text cell neutralized: text starting with = + - @ tab or CR gets a leading apostrophe. */
function safe(values: readonly Cell[]): Cell[] {
  return values.map((v) => (typeof v === 'string' ? neutralizeFormula(v) : v));
}

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ], unique. */
function sheetName(wanted: string, used: Set<string>): string {
  const base = wanted.replace(/[:\\/?*[\]]/g, ' ').trim().slice(0, 31) || 'Sheet';
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, 28)} ${i}`;
  used.add(name.toLowerCase());
  return name;
}

function argb(hex: string): string {
  return `FF${hex.replace('#', '').toUpperCase()}`;
}

/** Black or white text, whichever reads better on the rotation's colour. */
function textOn(hex: string): string {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  const lum = 0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
  return lum > 150 ? 'FF000000' : 'FFFFFFFF';
}

const BOLD = { bold: true } as const;

/**
 * The coordinators' full-year workbook: "Year overview" (a person per row, a block per column,
 * rotation codes coloured like the rotations; the sheet the assignments import reads back), one
 * sheet per block (who is where, their calls and leave in that block), "Calls" (a day per row, a
 * shift type per column) and, for the draft, "Leave".
 */
export async function renderXlsx(m: ExportModel): Promise<Uint8Array> {
  const L = lookups(m);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Residency Scheduler';
  wb.created = new Date(m.generatedAt);
  const used = new Set<string>();
  const title = `${m.programName}: ${m.yearLabel} (${m.source})${m.scope.kind === 'program' ? '' : `, ${m.scope.name}`}`;

  if (m.content !== 'calls') {
    const ov = wb.addWorksheet(sheetName('Year overview', used), { views: [{ state: 'frozen', xSplit: 3, ySplit: 3 }] });
    ov.addRow(safe([title])).font = { bold: true, size: 14 };
    ov.addRow(safe(['', '', 'Dates', ...m.blocks.map((b) => `${b.startDate} to ${b.endDate}`)]));
    const header = ov.addRow(safe(['Name', 'Type', 'PGY', ...m.blocks.map((b) => b.label)]));
    header.font = BOLD;
    for (const p of m.people) {
      const row = ov.addRow(safe([p.displayName, p.kind, p.pgy, ...m.blocks.map((b) => L.rotation.get(L.cell.get(`${p.id}|${b.id}`) ?? '')?.shortName ?? '')]));
      m.blocks.forEach((b, i) => {
        const r = L.rotation.get(L.cell.get(`${p.id}|${b.id}`) ?? '');
        if (!r) return;
        const c = row.getCell(4 + i);
        c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: argb(r.colour) } };
        c.font = { color: { argb: textOn(r.colour) } };
        c.alignment = { horizontal: 'center' };
      });
    }
    ov.getColumn(1).width = 28;
    for (let i = 4; i < 4 + m.blocks.length; i++) ov.getColumn(i).width = 11;

    for (const b of m.blocks) {
      const ws = wb.addWorksheet(sheetName(b.label, used), { views: [{ state: 'frozen', ySplit: 3 }] });
      ws.addRow(safe([`${title}: ${b.label}`])).font = { bold: true, size: 13 };
      ws.addRow(safe([`${b.startDate} to ${b.endDate}`]));
      ws.addRow(safe(['Name', 'Type', 'PGY', 'Rotation', 'Rotation name', 'Site', 'Calls', 'Leave'])).font = BOLD;
      for (const p of m.people) {
        const r = L.rotation.get(L.cell.get(`${p.id}|${b.id}`) ?? '');
        const calls = L.shiftsIn(p.id, b.startDate, b.endDate).length;
        const leave = L.absencesIn(p.id, b.startDate, b.endDate).map(L.absenceText).join('; ');
        if (!r && calls === 0 && !leave) continue;
        ws.addRow(safe([p.displayName, p.kind, p.pgy, r?.shortName ?? '', r?.name ?? '', r?.site ?? '', calls, leave]));
      }
      ws.getColumn(1).width = 28;
      ws.getColumn(5).width = 24;
      ws.getColumn(8).width = 40;
    }
  }

  if (m.content !== 'blocks') {
    const calls = wb.addWorksheet(sheetName('Calls', used), { views: [{ state: 'frozen', ySplit: 2 }] });
    calls.addRow(safe([`${title}: calls (times in ${m.timeZone})`])).font = { bold: true, size: 13 };
    const types = m.shiftTypes.filter((t) => m.shifts.some((s) => s.shiftTypeId === t.id));
    calls.addRow(safe(['Date', 'Day', 'Block', ...types.map((t) => t.name)])).font = BOLD;
    const byDay = new Map<string, typeof m.shifts>();
    for (const s of m.shifts) byDay.set(s.date, [...(byDay.get(s.date) ?? []), s]);
    for (const date of [...byDay.keys()].sort()) {
      const day = new Date(`${date}T00:00:00Z`).toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' });
      const list = byDay.get(date) ?? [];
      calls.addRow(safe([date, day, L.blockOf(date)?.label ?? '', ...types.map((t) => list.filter((s) => s.shiftTypeId === t.id).map((s) => L.nameOf(s.personId)).join(', '))]));
    }
    calls.getColumn(1).width = 12;
    for (let i = 4; i < 4 + types.length; i++) calls.getColumn(i).width = 26;
  }

  if (m.absences.length > 0) {
    const lv = wb.addWorksheet(sheetName('Leave', used));
    lv.addRow(safe(['Name', 'Type', 'Start', 'End', 'Status', 'Reason'])).font = BOLD;
    for (const a of m.absences) lv.addRow(safe([L.nameOf(a.personId), a.type, a.startDate, a.endDate, a.status, a.reason ?? '']));
    lv.getColumn(1).width = 28;
    lv.getColumn(6).width = 40;
  }
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}
