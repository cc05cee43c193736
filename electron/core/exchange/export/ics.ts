import { buildCalendar, type IcsEvent } from '../../../../shared/exchange/ics';
import { lookups } from './lookup';
import type { ExportModel } from './model';

const DOMAIN = 'residency-scheduler.invalid';

/** A stable UID per event, from record ids: re-importing an export updates events instead of duplicating them. */
function uid(...parts: string[]): string {
  return `${parts.join('-').replace(/[^A-Za-z0-9_-]/g, '_')}@${DOMAIN}`;
}

/**
 * iCalendar per person or per rotation (or the whole program): rotations as all-day events over
 * their block, shifts as timed events in UTC, and for the draft the absences (reason only where
 * the exporter may read it).
 */
export function renderIcs(m: ExportModel): Uint8Array {
  const L = lookups(m);
  const personal = m.scope.kind === 'person';
  const events: IcsEvent[] = [];
  const blocks = new Map(m.blocks.map((b) => [b.id, b]));
  for (const a of m.assignments) {
    const b = blocks.get(a.blockId);
    const r = L.rotation.get(a.rotationId);
    if (!b || !r) continue;
    events.push({
      uid: uid('rotation', m.yearLabel, a.personId, a.blockId),
      summary: personal ? `${r.name} (${r.shortName})` : `${L.nameOf(a.personId)}: ${r.shortName}`,
      description: `${b.label}, ${b.startDate} to ${b.endDate}`,
      ...(r.site ? { location: r.site } : {}),
      categories: 'Rotation',
      allDay: true,
      startDate: b.startDate,
      endDateInclusive: b.endDate,
    });
  }
  for (const s of m.shifts) {
    const t = L.shiftType.get(s.shiftTypeId);
    events.push({
      uid: uid('shift', s.personId, s.shiftTypeId, s.date),
      summary: personal ? (t?.name ?? 'Shift') : `${L.nameOf(s.personId)}: ${t?.shortName ?? 'Shift'}`,
      categories: 'Call',
      allDay: false,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
    });
  }
  for (const a of m.absences) {
    events.push({
      uid: uid('absence', a.id),
      summary: `${personal ? '' : `${L.nameOf(a.personId)}: `}Leave (${a.type.replace(/_/g, ' ')})${a.status === 'requested' ? ' - requested' : ''}`,
      ...(a.reason ? { description: a.reason } : {}),
      categories: 'Leave',
      allDay: true,
      startDate: a.startDate,
      endDateInclusive: a.endDate,
    });
  }
  const title = m.scope.kind === 'program' ? `${m.programName} ${m.yearLabel}` : `${m.scope.name} ${m.yearLabel}`;
  return new TextEncoder().encode(buildCalendar({ name: title, stamp: m.generatedAt, events }));
}
