import type { AuditAction } from '../../../../shared/audit/actions';
import type { AuditActor } from '../../../../shared/audit/entry';
import type { Session } from '../../session';
import type { Workspace } from '../../workspace';
import { buildExportModel, type ExportFormat, type ExportRequest } from './model';
import type { RenderedExport } from './render';
import { renderInWorker } from './run';

const ACTION: Record<ExportFormat, AuditAction> = {
  xlsx: 'export.schedule_xlsx',
  csv: 'export.schedule_csv',
  ics: 'export.schedule_ical',
  pdf: 'export.schedule_pdf',
};

export type Renderer = (format: ExportFormat, model: ReturnType<typeof buildExportModel>) => Promise<RenderedExport>;

/**
 * One export: the role-filtered model from the vault, the file rendered off the main thread, then
 * an audited read saying what left the vault (format, scope, date range, counts; ids, never names
 * or reasons).
 */
export async function exportSchedule(
  ws: Workspace,
  session: Session,
  actor: AuditActor,
  req: ExportRequest & { format: ExportFormat },
  nowMs: number,
  render: Renderer = renderInWorker,
): Promise<{ fileName: string; mimeType: string; dataBase64: string }> {
  const settings = ws.service.settings();
  const model = buildExportModel(ws.store, ws.db, session, req, { programName: settings.name, timeZone: settings.timeZone, nowMs });
  const out = await render(req.format, model);
  ws.read(actor, {
    action: ACTION[req.format],
    resourceType: 'schedule',
    resourceId: req.yearId,
    ...(model.scope.kind === 'person' ? { subject: model.scope.personId } : {}),
    details: {
      format: req.format,
      content: req.content,
      scope: model.scope.kind,
      ...(model.scope.kind === 'rotation' ? { rotationId: model.scope.rotationId } : {}),
      source: model.source,
      from: model.yearStart,
      to: model.yearEnd,
      people: model.people.length,
      blocks: model.blocks.length,
      assignments: model.assignments.length,
      shifts: model.shifts.length,
      absences: model.absences.length,
      withAbsenceDetails: model.withAbsenceDetails,
      bytes: out.bytes.length,
    },
  });
  return { fileName: out.fileName, mimeType: out.mimeType, dataBase64: Buffer.from(out.bytes).toString('base64') };
}
