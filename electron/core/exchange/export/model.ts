import type { Absence } from '../../../../shared/domain/schedule';
import type { ScheduleSnapshot } from '../../../../shared/exchange/versions';
import { AppError } from '../../../../shared/errors';
import { FIELD_POLICIES, sessionHas } from '../../../../shared/rbac';
import type { Session } from '../../session';
import type { ScheduleStore } from '../../schedule/store';
import { snapshotDraft, VersionStore } from '../versions';

/**
 * Everything a renderer (XLSX, CSV, iCalendar, PDF) needs, as plain data: built on the main thread
 * from the vault (synchronous SQLite reads), then handed to a worker that renders the bytes. The
 * role filter is applied HERE, before any renderer sees the data: absence reasons, notes and
 * locations are null unless the exporter's role may read them (FIELD_POLICIES['absence-detail'],
 * the same rule the dispatcher's field filter applies) or the absence is the exporter's own.
 */
export type ExportFormat = 'xlsx' | 'csv' | 'ics' | 'pdf';
export type ExportContent = 'blocks' | 'calls' | 'all';

export interface ExportAbsence {
  id: string;
  personId: string;
  type: Absence['type'];
  startDate: string;
  endDate: string;
  status: Absence['status'];
  /** Null when the exporter may not see it (or it is empty). */
  reason: string | null;
}

export interface ExportModel {
  programName: string;
  timeZone: string;
  yearLabel: string;
  yearStart: string;
  yearEnd: string;
  generatedAt: string;
  /** 'draft' or 'version N'. */
  source: string;
  content: ExportContent;
  paper: 'a4' | 'letter';
  scope: { kind: 'program' } | { kind: 'person'; personId: string; name: string } | { kind: 'rotation'; rotationId: string; name: string };
  blocks: ScheduleSnapshot['blocks'];
  rotations: Array<ScheduleSnapshot['rotations'][number] & { site: string }>;
  people: Array<ScheduleSnapshot['people'][number] & { email: string | null }>;
  shiftTypes: Array<ScheduleSnapshot['shiftTypes'][number] & { rotationId: string | null }>;
  assignments: ScheduleSnapshot['assignments'];
  shifts: ScheduleSnapshot['shifts'];
  absences: ExportAbsence[];
  /** Whether any absence detail is included (for the audit entry). */
  withAbsenceDetails: boolean;
}

export interface ExportRequest {
  yearId: string;
  content: ExportContent;
  paper: 'a4' | 'letter';
  personId?: string | undefined;
  rotationId?: string | undefined;
  version?: number | undefined;
}

export function mayReadAbsenceDetail(session: Session, personId: string, nowMs: number): boolean {
  const policy = FIELD_POLICIES['absence-detail'];
  const breakGlass = session.breakGlassUntilMs !== null && session.breakGlassUntilMs > nowMs;
  if (sessionHas(session.role, policy.permission, breakGlass)) return true;
  return policy.subjectSees && session.personId !== null && session.personId === personId;
}

export function buildExportModel(store: ScheduleStore, db: ScheduleStore['db'], session: Session, req: ExportRequest, ctx: { programName: string; timeZone: string; nowMs: number }): ExportModel {
  const year = store.years.require(req.yearId, 'yearId');
  if (req.personId && req.rotationId) throw new AppError('BAD_INPUT', 'Export one person or one rotation, not both.', { issues: [{ path: 'rotationId', message: 'cannot be combined with personId' }] });
  const snap = req.version !== undefined ? new VersionStore(db).get(req.yearId, req.version).snapshot : snapshotDraft(store, req.yearId);
  const liveRotations = new Map(store.rotations.all().map((r) => [r.id, r]));
  const liveTypes = new Map(store.shiftTypes.all().map((t) => [t.id, t]));
  const livePeople = new Map(store.people.all().map((p) => [p.id, p]));
  let people = snap.people.map((p) => ({ ...p, email: livePeople.get(p.id)?.email ?? null }));
  let assignments = snap.assignments;
  let shifts = snap.shifts;
  const shiftTypes = snap.shiftTypes.map((t) => ({ ...t, rotationId: liveTypes.get(t.id)?.rotationId ?? null }));
  // A published version carries no absences (see ScheduleSnapshot); the draft's are the live ones.
  let absences: Absence[] = req.version !== undefined ? [] : store.absences.where('start_date <= ? AND end_date >= ?', year.endDate, year.startDate).filter((a) => a.status === 'approved' || a.status === 'requested');
  let scope: ExportModel['scope'] = { kind: 'program' };
  if (req.personId) {
    const person = snap.people.find((p) => p.id === req.personId) ?? livePeople.get(req.personId);
    if (!person) throw new AppError('NOT_FOUND', 'No person with this id in this schedule.');
    scope = { kind: 'person', personId: person.id, name: person.displayName };
    people = people.filter((p) => p.id === person.id);
    assignments = assignments.filter((a) => a.personId === person.id);
    shifts = shifts.filter((s) => s.personId === person.id);
    absences = absences.filter((a) => a.personId === person.id);
  } else if (req.rotationId) {
    const rotation = snap.rotations.find((r) => r.id === req.rotationId);
    if (!rotation) throw new AppError('NOT_FOUND', 'No rotation with this id in this schedule.');
    scope = { kind: 'rotation', rotationId: rotation.id, name: rotation.name };
    assignments = assignments.filter((a) => a.rotationId === rotation.id);
    const onRotation = new Set(assignments.map((a) => a.personId));
    const typeIds = new Set(shiftTypes.filter((t) => t.rotationId === rotation.id).map((t) => t.id));
    shifts = shifts.filter((s) => typeIds.has(s.shiftTypeId));
    const blocks = new Map(snap.blocks.map((b) => [b.id, b]));
    absences = absences.filter((a) => assignments.some((x) => x.personId === a.personId && (blocks.get(x.blockId)?.startDate ?? '') <= a.endDate && a.startDate <= (blocks.get(x.blockId)?.endDate ?? '')));
    const involved = new Set([...onRotation, ...shifts.map((s) => s.personId)]);
    people = people.filter((p) => involved.has(p.id));
  }
  if (req.content === 'blocks') shifts = [];
  if (req.content === 'calls') assignments = [];
  let withAbsenceDetails = false;
  const exportAbsences: ExportAbsence[] = absences.map((a) => {
    const visible = mayReadAbsenceDetail(session, a.personId, ctx.nowMs);
    const reason = visible ? a.reason : null;
    if (reason) withAbsenceDetails = true;
    return { id: a.id, personId: a.personId, type: a.type, startDate: a.startDate, endDate: a.endDate, status: a.status, reason };
  });
  return {
    programName: ctx.programName,
    timeZone: ctx.timeZone,
    yearLabel: year.label,
    yearStart: year.startDate,
    yearEnd: year.endDate,
    generatedAt: new Date(ctx.nowMs).toISOString(),
    source: req.version !== undefined ? `version ${req.version}` : 'draft',
    content: req.content,
    paper: req.paper,
    scope,
    blocks: snap.blocks,
    rotations: snap.rotations.map((r) => ({ ...r, site: liveRotations.get(r.id)?.site ?? '' })),
    people: sortPeople(people),
    shiftTypes,
    assignments,
    shifts,
    absences: exportAbsences,
    withAbsenceDetails,
  };
}

const KIND_ORDER: Record<string, number> = { resident: 0, fellow: 1, faculty: 2, other: 3 };

/** Coordinators' order: residents by PGY, then fellows, faculty, others; by name within. */
export function sortPeople<T extends { kind: string; pgy: number | null; displayName: string }>(people: T[]): T[] {
  return [...people].sort((a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || (a.pgy ?? 0) - (b.pgy ?? 0) || a.displayName.localeCompare(b.displayName));
}
