import { formatCsv } from '../../../../shared/exchange/csv';
import { lookups } from './lookup';
import type { ExportModel } from './model';

/**
 * One long table, the layout the importer reads back: a row per block assignment (Record =
 * rotation) and, with calls, a row per shift (Record = call; no block or rotation, so an
 * assignments import skips them). Absences follow for the draft (reason only if allowed).
 */
export function renderCsv(m: ExportModel): Uint8Array {
  const L = lookups(m);
  const rows: Array<Array<string | number | null>> = [['Record', 'Name', 'Email', 'Type', 'PGY', 'Block', 'Block start', 'Block end', 'Rotation', 'Rotation name', 'Date', 'Shift', 'Starts (UTC)', 'Ends (UTC)', 'Absence', 'Reason']];
  const who = (id: string): string[] => {
    const p = L.person.get(id);
    return [p?.email ?? '', p?.kind ?? '', p?.pgy ? String(p.pgy) : ''];
  };
  const order = new Map(m.people.map((p, i) => [p.id, i]));
  const blocksOrder = new Map(m.blocks.map((b, i) => [b.id, i]));
  const assignments = [...m.assignments].sort((a, b) => (order.get(a.personId) ?? 0) - (order.get(b.personId) ?? 0) || (blocksOrder.get(a.blockId) ?? 0) - (blocksOrder.get(b.blockId) ?? 0));
  for (const a of assignments) {
    const b = m.blocks[blocksOrder.get(a.blockId) ?? -1];
    const r = L.rotation.get(a.rotationId);
    rows.push(['rotation', L.nameOf(a.personId), ...who(a.personId), b?.label ?? '', b?.startDate ?? '', b?.endDate ?? '', r?.shortName ?? '', r?.name ?? '', '', '', '', '', '', '']);
  }
  for (const s of m.shifts) {
    const t = L.shiftType.get(s.shiftTypeId);
    rows.push(['call', L.nameOf(s.personId), ...who(s.personId), '', '', '', '', '', s.date, t?.name ?? '', s.startsAt, s.endsAt, '', '']);
  }
  for (const a of m.absences) {
    rows.push(['absence', L.nameOf(a.personId), ...who(a.personId), '', a.startDate, a.endDate, '', '', '', '', '', '', a.type, a.reason ?? '']);
  }
  return new TextEncoder().encode(formatCsv(rows));
}
