import type { ExportModel } from './model';

/** Indexes over an export model shared by the renderers. */
export function lookups(m: ExportModel) {
  const person = new Map(m.people.map((p) => [p.id, p]));
  const rotation = new Map(m.rotations.map((r) => [r.id, r]));
  const shiftType = new Map(m.shiftTypes.map((t) => [t.id, t]));
  const cell = new Map(m.assignments.map((a) => [`${a.personId}|${a.blockId}`, a.rotationId]));
  const blockOf = (date: string) => m.blocks.find((b) => b.startDate <= date && date <= b.endDate) ?? null;
  const nameOf = (personId: string): string => person.get(personId)?.displayName ?? 'Unknown person';
  const pgyText = (personId: string): string => {
    const p = person.get(personId);
    return p?.pgy ? `PGY-${p.pgy}` : (p?.kind ?? '');
  };
  const absenceText = (a: ExportModel['absences'][number]): string =>
    `${a.type.replace(/_/g, ' ')} ${a.startDate} to ${a.endDate}${a.status === 'requested' ? ' (requested)' : ''}${a.reason ? `: ${a.reason}` : ''}`;
  const absencesIn = (personId: string, from: string, to: string) => m.absences.filter((a) => a.personId === personId && a.startDate <= to && from <= a.endDate);
  const shiftsIn = (personId: string, from: string, to: string) => m.shifts.filter((s) => s.personId === personId && from <= s.date && s.date <= to);
  return { person, rotation, shiftType, cell, blockOf, nameOf, pgyText, absenceText, absencesIn, shiftsIn };
}

export function baseFileName(m: ExportModel): string {
  const scope = m.scope.kind === 'program' ? 'program' : m.scope.kind === 'person' ? `person-${m.scope.personId}` : `rotation-${m.scope.rotationId}`;
  const source = m.source === 'draft' ? 'draft' : m.source.replace(' ', '-');
  return `schedule-${m.yearLabel}-${scope}-${m.content}-${source}`.replace(/[^A-Za-z0-9._-]+/g, '-');
}
