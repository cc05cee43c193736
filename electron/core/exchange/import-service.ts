import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { z } from 'zod';
import type { AuditActor } from '../../../shared/audit/entry';
import type { ImportPreview } from '../../../shared/contract/exchange';
import type { ColumnMapping, ImportKind, PreviewRow } from '../../../shared/exchange/import-fields';
import { AppError } from '../../../shared/errors';
import { roleHas, type Permission, type Role } from '../../../shared/rbac';
import type { Clock } from '../clock';
import type { IdGenerator } from '../ids';
import type { Workspace } from '../workspace';
import { IMPORT_LIMITS } from './limits';
import { verdictsOf } from './import/plan-file';
import { planInWorker, type FilePlanner } from './import/run';
import { planImport, type ImportOp, type PlanContext } from './plan/index';
import type { Table } from './table';

/** Who may import what: the permission the matching single-record call needs. */
export const IMPORT_PERMISSION: Record<ImportKind, Permission> = {
  people: 'people.edit',
  rotations: 'schedule.edit',
  absences: 'absence.approve',
  assignments: 'schedule.edit',
};

interface StoredPreview {
  id: string;
  userId: string;
  kind: ImportKind;
  yearId: string | null;
  /** The file's table as JSON: parsed only if the preview is confirmed. */
  tableJson: string;
  overrides: ColumnMapping;
  /** Row verdicts shown to the user; confirm refuses if the program changed them meanwhile. */
  verdicts: string;
  expiresAtMs: number;
}

type PreviewOut = z.input<typeof ImportPreview>;

/** Previews live in memory per open vault connection: a lock drops them with the connection. */
const previewsByDb = new WeakMap<Database, Map<string, StoredPreview>>();

function previewsOf(db: Database): Map<string, StoredPreview> {
  let m = previewsByDb.get(db);
  if (!m) previewsByDb.set(db, (m = new Map()));
  return m;
}

function countsOf(rows: readonly PreviewRow[]): PreviewOut['counts'] {
  const c = { new: 0, update: 0, unchanged: 0, unmatched: 0, invalid: 0 };
  for (const r of rows) c[r.status]++;
  return c;
}

export function checkImportRole(role: Role, kind: ImportKind): void {
  if (!roleHas(role, IMPORT_PERMISSION[kind])) throw new AppError('FORBIDDEN', `Your role may not import ${kind}.`);
}

function contextOf(ws: Workspace, kind: ImportKind, yearId: string | null): PlanContext {
  const { store } = ws;
  if (kind === 'assignments') {
    if (!yearId) throw new AppError('BAD_INPUT', 'Choose the academic year the assignments belong to.', { issues: [{ path: 'yearId', message: 'is required for block assignments' }] });
    store.years.require(yearId, 'yearId');
  }
  const blocks = yearId ? store.blocks.where('academic_year_id = ?', yearId) : [];
  const blockIds = new Set(blocks.map((b) => b.id));
  return {
    people: store.people.all(),
    rotations: store.rotations.all(),
    absences: kind === 'absences' ? store.absences.all() : [],
    blocks,
    assignments: kind === 'assignments' ? store.blockAssignments.all().filter((a) => blockIds.has(a.blockId)) : [],
  };
}

/**
 * Previews a file: the main thread snapshots the program (fast, synchronous SQLite reads) and a
 * worker thread reads and classifies the rows, so the IPC loop stays free however large the file.
 */
export async function previewImport(
  ws: Workspace,
  deps: { ids: IdGenerator; clock: Clock },
  userId: string,
  input: { kind: ImportKind; dataBase64: string; yearId?: string | undefined; mapping?: ColumnMapping | undefined; sheet?: string | undefined },
  planner: FilePlanner = planInWorker,
): Promise<PreviewOut> {
  const yearId = input.yearId ?? null;
  const overrides = input.mapping ?? {};
  const context = contextOf(ws, input.kind, yearId);
  const planned = await planner({ kind: input.kind, dataBase64: input.dataBase64, sheet: input.sheet, overrides }, context);
  const nowMs = deps.clock.nowMs();
  const previews = previewsOf(ws.db);
  for (const [id, p] of previews) if (p.expiresAtMs <= nowMs) previews.delete(id);
  while (previews.size >= IMPORT_LIMITS.maxPreviews) previews.delete(previews.keys().next().value as string);
  const id = deps.ids.id();
  const expiresAtMs = nowMs + IMPORT_LIMITS.previewTtlMs;
  previews.set(id, { id, userId, kind: input.kind, yearId, tableJson: planned.tableJson, overrides, verdicts: planned.verdicts, expiresAtMs });
  return {
    previewId: id,
    kind: input.kind,
    format: planned.format,
    sheet: planned.sheet,
    layout: planned.layout,
    headers: planned.headers,
    mapping: planned.mapping,
    rows: planned.rows,
    counts: countsOf(planned.rows),
    expiresAt: new Date(expiresAtMs).toISOString(),
  };
}

function apply(ws: Workspace, actor: AuditActor, ops: readonly ImportOp[]): { created: number; updated: number } {
  let created = 0;
  let updated = 0;
  const items: Array<{ personId: string; blockId: string; rotationId: string }> = [];
  for (const op of ops) {
    switch (op.type) {
      case 'person':
        ws.service.savePerson(actor, op.input);
        break;
      case 'rotation':
        ws.service.saveRotation(actor, op.input);
        break;
      case 'absence':
        ws.service.saveAbsence(actor, op.input);
        break;
      case 'assignment':
        items.push({ personId: op.personId, blockId: op.blockId, rotationId: op.rotationId });
        break;
    }
    if (op.type !== 'assignment') {
      if (op.input.id) updated++;
      else created++;
    }
  }
  if (items.length > 0) {
    const existing = new Set(ws.store.blockAssignments.all().map((a) => `${a.personId}|${a.blockId}`));
    for (const i of items) {
      if (existing.has(`${i.personId}|${i.blockId}`)) updated++;
      else created++;
    }
    ws.service.setBlockAssignments(actor, items);
  }
  return { created, updated };
}

/**
 * Applies a preview: re-plans the stored rows against the program as it is now and refuses if any
 * verdict changed (someone edited the program meanwhile), then writes every row through the
 * audited services in ONE unit of work, closed by an import.apply entry with the counts. Each
 * service call becomes a savepoint of that unit: the import lands whole or not at all.
 */
export function confirmImport(ws: Workspace, clock: Clock, actor: AuditActor & { type: 'user' }, previewId: string): { kind: ImportKind; created: number; updated: number; skipped: number } {
  const previews = previewsOf(ws.db);
  const p = previews.get(previewId);
  if (!p || p.userId !== actor.userId || p.expiresAtMs <= clock.nowMs()) {
    throw new AppError('NOT_FOUND', 'This import preview has expired or does not exist; preview the file again.');
  }
  checkImportRole(actor.role, p.kind);
  const table = JSON.parse(p.tableJson) as Table;
  const plan = planImport(p.kind, table, p.overrides, contextOf(ws, p.kind, p.yearId));
  if (verdictsOf(plan.rows) !== p.verdicts) {
    previews.delete(previewId);
    throw new AppError('CONFLICT', 'The program changed since the preview, so some rows would now be imported differently; preview the file again.');
  }
  const result = ws.unit(actor, (tx) => {
    const { created, updated } = apply(ws, actor, plan.ops);
    const c = countsOf(plan.rows);
    tx.record({
      action: 'import.apply',
      resourceType: 'import',
      resourceId: previewId,
      details: { kind: p.kind, format: table.format, rows: plan.rows.length, created, updated, unchanged: c.unchanged, unmatched: c.unmatched, invalid: c.invalid, ...(p.yearId ? { yearId: p.yearId } : {}) },
    });
    return { created, updated, skipped: c.unchanged + c.unmatched + c.invalid };
  });
  previews.delete(previewId);
  return { kind: p.kind, ...result };
}
