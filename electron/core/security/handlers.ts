import type { securityCalls } from '../../../shared/contract/security';
import { AppError } from '../../../shared/errors';
import { SecuritySettings } from '../../../shared/security/settings';
import { getPolicies } from '../accounts/user-store';
import { runChange } from '../db/unit-of-work';
import type { CallContext, CoreServices, Handlers } from '../dispatcher';
import { actorOf } from '../schedule/handlers';
import type { UnlockedVault } from '../vault/index';
import type { Workspace } from '../workspace';
import { dirname } from 'node:path';
import { deidExport } from './deid';
import { reconcileEvidence } from './evidence';
import { evaluateTail, SECURITY_ACTOR, verifyDue, verifyNow, type EngineDeps } from './engine';
import { assessIncident, computeAffected, drafts, exportRegister, getIncident, listIncidents, openIncident, setIncidentStatus } from './incidents';
import { purgeDue, runPurge } from './retention';
import { renderSafeguardsHtml, safeguardsReport } from './safeguards';
import { renderSafeguardsPdf } from './safeguards-pdf';
import { getAlert, getState, listAlerts, readSettings, updateAlert, writeSettings } from './store';

export interface SecurityCallDeps {
  workspace(): Workspace;
  /** The open vault (hardening and key slots for the safeguards report). */
  vault(): UnlockedVault;
  isUnlocked(): boolean;
  anchorPath: string;
  services: CoreServices;
  /** Periodic sweep (verification when due, tail evaluation, scheduled purge); 0 = off. */
  sweepEveryMs?: number;
}

/**
 * The security-operations calls. Entries are evaluated as they are written (live.ts); every call
 * also evaluates whatever is still behind and saves the cursor, and the sweep does the same on a
 * timer while the vault is open (time-based checks: the clock going back while nothing is written,
 * scheduled verification and purge).
 */
export function securityHandlers(deps: SecurityCallDeps): Handlers<typeof securityCalls> {
  const engine = (ctx: Pick<CallContext, 'services'>): EngineDeps => {
    const ws = deps.workspace();
    return { db: ws.db, audit: ws.audit, clock: ctx.services.clock, ids: ctx.services.ids };
  };
  const fresh = (ctx: Pick<CallContext, 'services'>): EngineDeps => {
    const e = engine(ctx);
    reconcileEvidence(deps.workspace(), { dataDir: dirname(deps.anchorPath), clock: e.clock, logger: ctx.services.logger });
    evaluateTail(e, { persist: true });
    return e;
  };

  if (deps.sweepEveryMs && deps.sweepEveryMs > 0) startSweep(deps, deps.sweepEveryMs);

  return {
    'alerts.list': (input, ctx) => {
      const e = fresh(ctx);
      return { alerts: listAlerts(e.db, { limit: input.limit, ...(input.status ? { status: input.status } : {}) }) };
    },
    'alerts.update': (input, ctx) => {
      const e = fresh(ctx);
      return runChange(e.db, e.audit, actorOf(ctx), (tx) => {
        const a = getAlert(tx.db, input.id);
        if (!a) throw new AppError('NOT_FOUND', undefined, { issues: [{ path: 'id', message: 'no alert with this id' }] });
        if (a.status === 'escalated') throw new AppError('CONFLICT', 'This alert belongs to an incident; work the incident instead.');
        const next = { ...a, status: input.status };
        updateAlert(tx.db, next);
        tx.record({ action: 'alert.update', resourceType: 'security_alert', resourceId: a.id, before: { status: a.status }, after: { status: input.status }, reason: input.reason, details: { rule: a.rule } });
        return next;
      });
    },
    'alerts.evaluate': async (input, ctx) => {
      const e = engine(ctx);
      let verified = false;
      if (input.verify) {
        await verifyNow({ ...e, anchorPath: deps.anchorPath });
        verified = true;
      }
      const r = evaluateTail(e, { persist: true });
      return { evaluated: r.evaluated, raised: r.raised.length, verified };
    },
    'incidents.list': (_input, ctx) => ({ incidents: listIncidents(fresh(ctx)) }),
    'incidents.get': (input, ctx) => getIncident(fresh(ctx), input.id),
    'incidents.open': (input, ctx) => openIncident(fresh(ctx), actorOf(ctx), input),
    'incidents.assess': (input, ctx) => assessIncident(fresh(ctx), actorOf(ctx), input.id, input.assessment),
    'incidents.setStatus': (input, ctx) => setIncidentStatus(fresh(ctx), actorOf(ctx), input.id, input.status, input.reason),
    'incidents.computeAffected': (input, ctx) => computeAffected(fresh(ctx), actorOf(ctx), input.id),
    'incidents.drafts': (input, ctx) => drafts(fresh(ctx), actorOf(ctx), input.id),
    'incidents.exportRegister': (_input, ctx) => exportRegister(fresh(ctx), actorOf(ctx)),
    'security.getSettings': (_input, ctx) => readSettings(fresh(ctx).db),
    'security.setSettings': (input, ctx) => {
      const e = fresh(ctx);
      const next = SecuritySettings.parse(input.settings);
      return runChange(e.db, e.audit, actorOf(ctx), (tx) => {
        const before = readSettings(tx.db);
        writeSettings(tx.db, next);
        tx.record({ action: 'settings.update', resourceType: 'security_settings', resourceId: 'security', before: { settings: before }, after: { settings: next } });
        return next;
      });
    },
    'retention.purge': (input, ctx) => runPurge(fresh(ctx), actorOf(ctx), { dryRun: input.dryRun }),
    'deid.export': (input, ctx) => {
      const e = fresh(ctx);
      return deidExport({ store: deps.workspace().store, audit: e.audit, clock: e.clock, ids: e.ids }, actorOf(ctx), input);
    },
    'safeguards.report': async (_input, ctx) => {
      const e = fresh(ctx);
      const v = deps.vault();
      const report = await safeguardsReport({ ...e, anchorPath: deps.anchorPath, hardening: v.hardening, slots: v.listSlots(), policies: getPolicies(e.db) }, actorOf(ctx));
      return { report, html: renderSafeguardsHtml(report), pdf: Buffer.from(await renderSafeguardsPdf(report)).toString('base64') };
    },
  };
}

/**
 * The periodic sweep. Unref'd so it never keeps the process alive; it does nothing while the
 * vault is locked (there is nothing readable to evaluate). Errors are logged without details that
 * could carry PHI (codes only) and the next tick tries again.
 */
function startSweep(deps: SecurityCallDeps, everyMs: number): void {
  let running = false;
  const tick = async (): Promise<void> => {
    if (running || !deps.isUnlocked()) return;
    running = true;
    try {
      const ws = deps.workspace();
      const e: EngineDeps = { db: ws.db, audit: ws.audit, clock: deps.services.clock, ids: deps.services.ids };
      if (verifyDue(ws.db, e.clock)) await verifyNow({ ...e, anchorPath: deps.anchorPath });
      evaluateTail(e, { persist: true });
      if (purgeDue(ws.db, e.clock, getState(ws.db, 'lastPurgeAt'))) runPurge(e, SECURITY_ACTOR, { dryRun: false });
    } catch (err) {
      deps.services.logger.error('security sweep failed', { errorCode: err instanceof AppError ? err.code : 'INTERNAL' });
    } finally {
      running = false;
    }
  };
  setInterval(() => void tick(), everyMs).unref();
}
