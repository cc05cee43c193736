import type { exchangeCalls } from '../../../shared/contract/exchange';
import { AppError } from '../../../shared/errors';
import { roleHas } from '../../../shared/rbac';
import type { CallContext, Handlers } from '../dispatcher';
import { actorOf } from '../schedule/handlers';
import type { Session } from '../session';
import type { Workspace } from '../workspace';
import { exportSchedule, type Renderer } from './export/service';
import type { FilePlanner } from './import/run';
import { checkImportRole, confirmImport, previewImport } from './import-service';
import type { ComplianceRunner } from '../schedule/compliance-runner';
import { SwapService } from './swaps';
import { previewPublish, publish, rollback, VersionStore } from './versions';

export interface ExchangeDeps {
  /** The open vault's workspace (audit log, unit of work, scheduling store and services). */
  workspace(): Workspace;
  /** Tests may render in-process; production renders in a worker thread. */
  render?: Renderer;
  /** Tests may read import files in-process; production reads them in a worker thread. */
  planFile?: FilePlanner;
  /** Full-year compliance checks of swap trials in a worker thread (the core's runner). */
  runner?: ComplianceRunner;
}

function sessionOf(ctx: CallContext): Session {
  if (!ctx.session) throw new AppError('UNAUTHENTICATED');
  return ctx.session;
}

function userActor(ctx: CallContext) {
  const a = actorOf(ctx);
  if (a.type !== 'user') throw new AppError('UNAUTHENTICATED');
  return a;
}

export function exchangeHandlers(deps: ExchangeDeps): Handlers<typeof exchangeCalls> {
  const ws = () => deps.workspace();
  const swaps = (ctx: CallContext) => new SwapService(ws(), { ...ctx.services, runner: deps.runner, workspace: ws });
  return {
    'import.preview': async (input, ctx) => {
      const s = sessionOf(ctx);
      checkImportRole(s.role, input.kind);
      const opened = ws();
      const preview = await previewImport(opened, ctx.services, s.userId, input, deps.planFile);
      // The vault may have been locked (and another opened) while the worker read the file.
      if (ws().db !== opened.db) throw new AppError('VAULT_LOCKED');
      return preview;
    },
    'import.confirm': (input, ctx) => confirmImport(ws(), ctx.services.clock, userActor(ctx), input.previewId),

    'export.schedule': (input, ctx) => exportSchedule(ws(), sessionOf(ctx), actorOf(ctx), input, ctx.services.clock.nowMs(), deps.render),

    'versions.list': (input) => {
      ws().store.years.require(input.yearId, 'yearId');
      return new VersionStore(ws().db).list(input.yearId);
    },
    'versions.get': (input) => new VersionStore(ws().db).get(input.yearId, input.number),
    'versions.diff': (input) => previewPublish(ws(), input.yearId),
    'versions.publish': (input, ctx) => publish(ws(), ctx.services, userActor(ctx), input),
    'versions.rollback': (input, ctx) => rollback(ws(), ctx.services, userActor(ctx), input),

    'published.list': () => {
      const { store, db } = ws();
      return new VersionStore(db).latestPerYear().map((v) => ({ ...v, yearLabel: store.years.get(v.yearId)?.label ?? '' }));
    },
    'published.get': (input) => {
      const latest = new VersionStore(ws().db).latest(input.yearId);
      if (!latest) throw new AppError('NOT_FOUND', 'This year has no published schedule yet.');
      return { number: latest.info.number, publishedAt: latest.info.publishedAt, snapshot: latest.snapshot };
    },

    'swaps.request': (input, ctx) => {
      const personId = sessionOf(ctx).personId;
      if (!personId) throw new AppError('FORBIDDEN', 'Your account is not linked to a person record, so it cannot request a swap.');
      return swaps(ctx).request(userActor(ctx), personId, input);
    },
    'swaps.respond': (input, ctx) => swaps(ctx).respond(userActor(ctx), sessionOf(ctx).personId, input.id, input.accept),
    'swaps.cancel': (input, ctx) => swaps(ctx).cancel(userActor(ctx), sessionOf(ctx).personId, input.id),
    'swaps.decide': (input, ctx) => swaps(ctx).decide(userActor(ctx), input.id, input.decision, input.reason),
    'swaps.list': (input, ctx) => {
      const s = sessionOf(ctx);
      return swaps(ctx).list(s.personId, roleHas(s.role, 'absence.approve'), input.open);
    },
  };
}
