import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { z } from 'zod';
import type { AuditActor } from '../../../shared/audit/entry';
import type { VersionInfo } from '../../../shared/contract/exchange';
import { CHURN_LIMITS, diffSnapshots, exceedsChurn, ScheduleSnapshot, type VersionDiff } from '../../../shared/exchange/versions';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../clock';
import type { IdGenerator } from '../ids';
import type { ScheduleStore } from '../schedule/store';
import type { Workspace } from '../workspace';

export type VersionInfoT = z.output<typeof VersionInfo>;

/**
 * Drafts and published versions. The scheduling tables ARE the draft: every edit (grid, import,
 * solver, swap) changes them. Publishing freezes the draft of one academic year into an immutable
 * schedule_version row with the next number and its diff against the previous version. A rollback
 * restores an earlier version into the draft (audited assignment and shift changes) and publishes
 * the result as a new version that records which one it restored: history only ever grows.
 */
export function snapshotDraft(store: ScheduleStore, yearId: string): ScheduleSnapshot {
  const year = store.years.require(yearId, 'yearId');
  const blocks = store.blocks.where('academic_year_id = ?', yearId).sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
  const blockIds = new Set(blocks.map((b) => b.id));
  const assignments = store.blockAssignments.all().filter((a) => blockIds.has(a.blockId));
  const shifts = store.shiftAssignments.where('date >= ? AND date <= ?', year.startDate, year.endDate);
  const involved = new Set([...assignments.map((a) => a.personId), ...shifts.map((s) => s.personId)]);
  return ScheduleSnapshot.parse({
    yearId,
    yearLabel: year.label,
    blocks: blocks.map((b) => ({ id: b.id, number: b.number, label: b.label, startDate: b.startDate, endDate: b.endDate })),
    rotations: store.rotations.all().map((r) => ({ id: r.id, name: r.name, shortName: r.shortName, colour: r.colour })),
    people: store.people.all().filter((p) => p.active || involved.has(p.id)).map((p) => ({ id: p.id, displayName: p.displayName, kind: p.kind, pgy: p.pgy })),
    shiftTypes: store.shiftTypes.all().map((t) => ({ id: t.id, name: t.name, shortName: t.shortName })),
    assignments: assignments.map((a) => ({ personId: a.personId, blockId: a.blockId, rotationId: a.rotationId })),
    shifts: shifts
      .map((s) => ({ personId: s.personId, shiftTypeId: s.shiftTypeId, date: s.date, startsAt: s.startsAt, endsAt: s.endsAt }))
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.shiftTypeId < b.shiftTypeId ? -1 : 1)),
  });
}

export class VersionStore {
  constructor(private readonly db: Database) {}

  list(yearId: string): VersionInfoT[] {
    return (this.db.prepare('SELECT info FROM schedule_version WHERE year_id = ? ORDER BY number DESC').pluck().all(yearId) as string[]).map((t) => JSON.parse(t) as VersionInfoT);
  }

  latest(yearId: string): { info: VersionInfoT; snapshot: ScheduleSnapshot } | null {
    const row = this.db.prepare('SELECT info, data FROM schedule_version WHERE year_id = ? ORDER BY number DESC LIMIT 1').get(yearId) as { info: string; data: string } | undefined;
    return row ? this.parse(row) : null;
  }

  get(yearId: string, number: number): { info: VersionInfoT; snapshot: ScheduleSnapshot } {
    const row = this.db.prepare('SELECT info, data FROM schedule_version WHERE year_id = ? AND number = ?').get(yearId, number) as { info: string; data: string } | undefined;
    if (!row) throw new AppError('NOT_FOUND', 'No published version with this number for this year.');
    return this.parse(row);
  }

  /** Years with at least one version, and their latest. */
  latestPerYear(): Array<{ yearId: string; number: number; publishedAt: string }> {
    return this.db
      .prepare('SELECT year_id AS yearId, MAX(number) AS number, MAX(published_at) AS publishedAt FROM schedule_version GROUP BY year_id ORDER BY publishedAt DESC')
      .all() as Array<{ yearId: string; number: number; publishedAt: string }>;
  }

  insert(id: string, info: VersionInfoT, snapshot: ScheduleSnapshot): void {
    this.db.prepare('INSERT INTO schedule_version (id, year_id, number, published_at, info, data) VALUES (?, ?, ?, ?, ?, ?)').run(id, info.yearId, info.number, info.publishedAt, JSON.stringify(info), JSON.stringify(snapshot));
  }

  private parse(row: { info: string; data: string }): { info: VersionInfoT; snapshot: ScheduleSnapshot } {
    const snapshot = ScheduleSnapshot.safeParse(JSON.parse(row.data));
    if (!snapshot.success) throw new AppError('DATABASE_DAMAGED', undefined, { details: { table: 'schedule_version' } });
    return { info: JSON.parse(row.info) as VersionInfoT, snapshot: snapshot.data };
  }
}

function churnError(diff: VersionDiff): AppError {
  const why: string[] = [];
  if (diff.assignmentsPercent > CHURN_LIMITS.overallPercent) why.push(`${diff.assignmentsPercent}% of block assignments`);
  if (diff.shiftsPercent > CHURN_LIMITS.overallPercent) why.push(`${diff.shiftsPercent}% of shifts`);
  if (diff.peopleOverLimit > 0) why.push(`more than ${CHURN_LIMITS.personPercent}% of the schedule of ${diff.peopleOverLimit} ${diff.peopleOverLimit === 1 ? 'person' : 'people'}`);
  return new AppError('CONFIRMATION_REQUIRED', `This version changes ${why.join(' and ')} (limits: ${CHURN_LIMITS.overallPercent}% overall, ${CHURN_LIMITS.personPercent}% per person). Confirm to publish anyway.`, {
    details: {
      assignmentsPercent: diff.assignmentsPercent,
      shiftsPercent: diff.shiftsPercent,
      changedPercent: diff.changedPercent,
      changed: diff.assignmentsChanged + diff.shiftsChanged,
      total: diff.totalUnits,
      peopleOverLimit: diff.peopleOverLimit,
      maxPersonPercent: diff.maxPersonPercent,
    },
  });
}

export interface VersionDeps {
  clock: Clock;
  ids: IdGenerator;
}

/** The draft against the latest version: what publishing now would change. */
export function previewPublish(ws: Workspace, yearId: string): { against: number | null; diff: VersionDiff; needsConfirmation: boolean } {
  const versions = new VersionStore(ws.db);
  const prev = versions.latest(yearId);
  const diff = diffSnapshots(prev?.snapshot ?? null, snapshotDraft(ws.store, yearId));
  return { against: prev?.info.number ?? null, diff, needsConfirmation: exceedsChurn(diff, prev !== null) };
}

function publishSnapshot(
  ws: Workspace,
  deps: VersionDeps,
  actor: AuditActor & { type: 'user' },
  yearId: string,
  snapshot: ScheduleSnapshot,
  opts: { note: string | null; restoredFrom: number | null },
): { info: VersionInfoT; id: string } {
  const versions = new VersionStore(ws.db);
  const prev = versions.latest(yearId);
  const diff = diffSnapshots(prev?.snapshot ?? null, snapshot);
  const info: VersionInfoT = {
    yearId,
    number: (prev?.info.number ?? 0) + 1,
    publishedAt: deps.clock.now().toISOString(),
    publishedBy: actor.userId,
    note: opts.note,
    restoredFrom: opts.restoredFrom,
    assignments: snapshot.assignments.length,
    shifts: snapshot.shifts.length,
    diff,
  };
  const id = deps.ids.id();
  versions.insert(id, info, snapshot);
  return { info, id };
}

export function publish(ws: Workspace, deps: VersionDeps, actor: AuditActor & { type: 'user' }, input: { yearId: string; note?: string | undefined; confirmChurn: boolean }): VersionInfoT {
  const preview = previewPublish(ws, input.yearId);
  if (preview.needsConfirmation && !input.confirmChurn) throw churnError(preview.diff);
  return ws.unit(actor, (tx) => {
    // Snapshot inside the transaction, so the version is exactly what was committed alongside it.
    const { info, id } = publishSnapshot(ws, deps, actor, input.yearId, snapshotDraft(ws.store, input.yearId), { note: input.note ?? null, restoredFrom: null });
    tx.record({
      action: 'schedule.publish',
      resourceType: 'schedule_version',
      resourceId: id,
      details: versionDetails(info, preview.needsConfirmation),
    });
    return info;
  });
}

function versionDetails(info: VersionInfoT, confirmedChurn: boolean): Record<string, string | number | boolean> {
  return {
    yearId: info.yearId,
    number: info.number,
    assignments: info.assignments,
    shifts: info.shifts,
    assignmentsChanged: info.diff.assignmentsChanged,
    shiftsChanged: info.diff.shiftsChanged,
    peopleChanged: info.diff.peopleChanged,
    changedPercent: info.diff.changedPercent,
    confirmedChurn,
  };
}

/**
 * Restores version `toNumber`: the draft's block assignments and shifts of the year become that
 * version's (each change audited as usual), then the result is published as a new version.
 */
export function rollback(ws: Workspace, deps: VersionDeps, actor: AuditActor & { type: 'user' }, input: { yearId: string; toNumber: number; reason: string; confirmChurn: boolean }): VersionInfoT {
  const versions = new VersionStore(ws.db);
  const target = versions.get(input.yearId, input.toNumber);
  const latest = versions.latest(input.yearId);
  const diff = diffSnapshots(latest?.snapshot ?? null, target.snapshot);
  const needsConfirmation = exceedsChurn(diff, latest !== null);
  if (needsConfirmation && !input.confirmChurn) throw churnError(diff);
  return ws.unit(actor, (tx) => {
    restoreDraft(ws, actor, input.yearId, target.snapshot);
    const { info, id } = publishSnapshot(ws, deps, actor, input.yearId, snapshotDraft(ws.store, input.yearId), { note: `Rollback to version ${input.toNumber}`, restoredFrom: input.toNumber });
    tx.record({
      action: 'schedule.rollback',
      resourceType: 'schedule_version',
      resourceId: id,
      reason: input.reason,
      details: { ...versionDetails(info, needsConfirmation), fromNumber: latest?.info.number ?? 0, toNumber: input.toNumber },
    });
    return info;
  });
}

function restoreDraft(ws: Workspace, actor: AuditActor, yearId: string, target: ScheduleSnapshot): void {
  const { store, service } = ws;
  const draft = snapshotDraft(store, yearId);
  const want = new Map(target.assignments.map((a) => [`${a.personId}|${a.blockId}`, a.rotationId]));
  const have = new Map(draft.assignments.map((a) => [`${a.personId}|${a.blockId}`, a.rotationId]));
  const items: Array<{ personId: string; blockId: string; rotationId: string | null }> = [];
  for (const key of new Set([...want.keys(), ...have.keys()])) {
    if (want.get(key) === have.get(key)) continue;
    const [personId, blockId] = key.split('|') as [string, string];
    items.push({ personId, blockId, rotationId: want.get(key) ?? null });
  }
  if (items.length > 0) service.setBlockAssignments(actor, items);
  const shiftKey = (s: { personId: string; shiftTypeId: string; date: string }): string => `${s.personId}|${s.shiftTypeId}|${s.date}`;
  const wantShifts = new Set(target.shifts.map(shiftKey));
  const year = store.years.require(yearId, 'yearId');
  const current = store.shiftAssignments.where('date >= ? AND date <= ?', year.startDate, year.endDate);
  const haveShifts = new Set(current.map(shiftKey));
  for (const s of current) if (!wantShifts.has(shiftKey(s))) service.unassignShift(actor, s.id);
  for (const s of target.shifts) {
    if (haveShifts.has(shiftKey(s))) continue;
    service.assignShift(actor, { personId: s.personId, shiftTypeId: s.shiftTypeId, date: s.date, disambiguation: 'earlier' });
  }
}
