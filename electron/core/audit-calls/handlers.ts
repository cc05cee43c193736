import type { auditCalls } from '../../../shared/contract/audit';
import { MAX_CONTRACT_EXPORT_ENTRIES } from '../../../shared/contract/audit';
import { AppError } from '../../../shared/errors';
import { exportAudit } from '../audit/export';
import { searchAuditAs } from '../audit/search';
import { verifyAudit } from '../audit/verify';
import { recordRead } from '../db/unit-of-work';
import type { Handlers } from '../dispatcher';
import { actorOf } from '../schedule/handlers';
import type { Workspace } from '../workspace';

export interface AuditCallDeps {
  workspace(): Workspace;
  anchorPath: string;
}

/** The audit trail's contract calls: search, signed export and verification, each itself audited. */
export function auditHandlers(deps: AuditCallDeps): Handlers<typeof auditCalls> {
  return {
    'audit.search': (input, ctx) => {
      const ws = deps.workspace();
      return searchAuditAs(ws.db, ws.audit, actorOf(ctx), input);
    },
    'audit.export': async (input, ctx) => {
      const ws = deps.workspace();
      const actor = actorOf(ctx);
      if (actor.type !== 'user') throw new AppError('FORBIDDEN');
      // The cap guards the app's IPC and main process; the command line runs the core in its own process.
      if (ctx.caller.transport !== 'in-process' && input.maxEntries > MAX_CONTRACT_EXPORT_ENTRIES) {
        throw new AppError('BAD_INPUT', undefined, { issues: [{ path: 'maxEntries', message: `at most ${MAX_CONTRACT_EXPORT_ENTRIES} in the app; use rsched audit export for more` }] });
      }
      const out = await exportAudit(ws.db, ws.audit, actor, input, ctx.services.clock);
      const stamp = out.manifest.exportedAt.replace(/[:.]/g, '-');
      return {
        fileName: `audit-${stamp}.${input.format}`,
        data: out.data.toString('utf8'),
        manifest: out.manifest,
        signature: out.signature.toString('base64'),
      };
    },
    'audit.verify': async (_input, ctx) => {
      const ws = deps.workspace();
      const report = await verifyAudit(ws.db, { anchorPath: deps.anchorPath });
      recordRead(ws.db, ws.audit, actorOf(ctx), { action: 'audit.verify', resourceType: 'audit_log', resourceId: null, details: { ok: report.ok, size: report.size } });
      return report;
    },
  };
}
