import type { AuditActor } from '../../../shared/audit/entry';
import type { syncCalls } from '../../../shared/contract/sync';
import { AppError } from '../../../shared/errors';
import { roleHas } from '../../../shared/rbac';
import { parseJsonText } from '../../../shared/sync/parse';
import { recordOutcome } from '../db/unit-of-work';
import type { DeniedCall, Handlers } from '../dispatcher';
import { actorOf } from '../schedule/handlers';
import { exportFiles, isAlertReceipt } from '../sync/files';
import type { SyncLifecycle } from './lifecycle';
import type { SyncRuntime } from './runtime';
import { readIntervalMinutes, writeIntervalMinutes } from './settings';
import { statusView } from './status';

export interface SyncCallDeps {
  sync: SyncLifecycle;
  /** Records a refusal the handler itself decides (sync.status accepts either of two permissions). */
  onDenied?: (denied: DeniedCall) => void;
}

/** Error text for the audit entry of a failed attempt: codes and sizes only, bounded. */
function failureText(err: unknown): string {
  const msg = err instanceof AppError ? `${err.code}: ${err.message}` : 'INTERNAL';
  return msg.slice(0, 300);
}

/**
 * The sync contract calls. Every change runs through the vault's unit of work (the change and its
 * audit entry commit together); refused or failed attempts are recorded afterwards with
 * recordOutcome, outside the rolled-back transaction. Entries use the existing sync actions with a
 * `step` detail: sync.enroll (request | accept), sync.push (acknowledged | export | receipts |
 * push), and settings.update for the interval and for resuming after a halt.
 */
export function syncHandlers(deps: SyncCallDeps): Handlers<typeof syncCalls> {
  const rt = (): SyncRuntime => deps.sync.runtime();

  const failed = (r: SyncRuntime, actor: AuditActor, action: 'sync.push' | 'sync.enroll', step: string, err: unknown): void => {
    recordOutcome(r.ws.db, r.ws.audit, actor, { action, resourceType: 'sync_server', resourceId: null, outcome: 'failed', details: { step, error: failureText(err) } });
  };

  return {
    'sync.status': (_input, ctx) => {
      const role = ctx.session?.role;
      if (!role || !(roleHas(role, 'sync.manage') || roleHas(role, 'incidents.read'))) {
        deps.onDenied?.({ callName: ctx.callName, caller: ctx.caller, session: ctx.session, code: 'FORBIDDEN', correlationId: ctx.correlationId });
        throw new AppError('FORBIDDEN');
      }
      return statusView(rt());
    },

    'sync.requestEnrollment': (_input, ctx) => {
      const r = rt();
      // The first request creates the device's sealing key: that write and its entry commit together.
      const req = r.ws.unit(actorOf(ctx), (tx) => {
        const out = r.device.enrollmentRequest();
        tx.record({ action: 'sync.enroll', resourceType: 'sync_device', resourceId: r.device.deviceId, details: { step: 'request', deviceFingerprint: out.fingerprint } });
        return out;
      });
      return {
        fileName: `${r.device.deviceId}.enroll.json`,
        content: JSON.stringify(req.file, null, 2) + '\n',
        deviceId: r.device.deviceId,
        deviceFingerprint: req.fingerprint,
      };
    },

    'sync.acceptEnrollment': (input, ctx) => {
      const r = rt();
      const actor = actorOf(ctx);
      let out: { serverFingerprint: string; serverId: string; url: string | null };
      try {
        const value = parseJsonText(input.content, 'enrollment response');
        out = r.ws.unit(actor, (tx) => {
          const accepted = r.device.acceptEnrollment(value);
          tx.record({
            action: 'sync.enroll',
            resourceType: 'sync_server',
            resourceId: accepted.serverId,
            details: { step: 'accept', serverFingerprint: accepted.serverFingerprint, transport: accepted.url ? 'https' : 'file', url: accepted.url },
          });
          return accepted;
        });
      } catch (err) {
        // A forged or foreign response is worth a trace for whoever investigates later.
        if (err instanceof AppError && (err.code === 'BAD_INPUT' || err.code === 'CONFLICT')) failed(r, actor, 'sync.enroll', 'accept', err);
        throw err;
      }
      r.start();
      return { serverId: out.serverId, serverUrl: out.url, serverFingerprint: out.serverFingerprint };
    },

    'sync.now': async (_input, ctx) => {
      const r = rt();
      const actor = actorOf(ctx);
      const release = r.device.requestedBy(actor);
      let result;
      try {
        result = await r.pushNow();
      } catch (err) {
        if (err instanceof AppError && err.code !== 'VAULT_LOCKED' && r.device.connectionOpen) failed(r, actor, 'sync.push', 'push', err);
        throw err;
      } finally {
        release();
      }
      if (result.halted) {
        const err = new AppError('AUDIT_TAMPERED', `Sync is halted: ${result.error ?? 'a tamper alert was raised'}. Investigate the alert, then resume sync.`);
        if (r.device.connectionOpen) failed(r, actor, 'sync.push', 'push', err);
        throw err;
      }
      // Accepted batches each wrote their own sync.push entry; a failure is recorded here.
      if (result.error !== null && r.device.connectionOpen) failed(r, actor, 'sync.push', 'push', new AppError('CONFLICT', result.error));
      return { pushed: result.pushed, ackedSize: result.ackedSize, upToDate: result.caughtUp, error: result.error };
    },

    'sync.setInterval': (input, ctx) => {
      const r = rt();
      const before = readIntervalMinutes(r.ws.db);
      r.ws.unit(actorOf(ctx), (tx) => {
        writeIntervalMinutes(tx.db, input.minutes);
        tx.record({ action: 'settings.update', resourceType: 'sync_settings', resourceId: 'sync', before: { intervalMinutes: before }, after: { intervalMinutes: input.minutes } });
      });
      // The agent's interval is fixed at construction: a running one is rebuilt.
      if (r.agentRunning) r.start();
      return { intervalMinutes: input.minutes };
    },

    'sync.exportBatches': (_input, ctx) => {
      const r = rt();
      const actor = actorOf(ctx);
      // As before every push: the log must still extend the receipts, else the export is refused.
      const problems = r.device.checkLogExtendsReceipts();
      if (problems.length > 0) {
        const err = new AppError('AUDIT_TAMPERED', `Export refused: ${problems[0] ?? 'the audit log no longer extends the server receipts'}.`);
        failed(r, actor, 'sync.push', 'export', err);
        throw err;
      }
      // The same files `rsched sync export` writes: the batches, then the queued security alerts.
      const exported = exportFiles(r.device);
      const batches = exported.filter((f) => f.fromSeq !== null);
      const alerts = exported.reduce((n, f) => n + f.alerts, 0);
      const files = exported.map((f) => ({ fileName: f.fileName, base64: f.bytes.toString('base64'), fromSeq: f.fromSeq, toSeq: f.toSeq }));
      const fromSeq = batches[0]?.fromSeq ?? null;
      const toSeq = batches.at(-1)?.toSeq ?? null;
      const entries = fromSeq !== null && toSeq !== null ? toSeq + 1 - fromSeq : 0;
      r.ws.unit(actor, (tx) =>
        tx.record({
          action: 'sync.push',
          resourceType: 'sync_server',
          resourceId: r.device.server().serverId,
          details: { step: 'export', transport: 'file', files: files.length, entries, fromSeq, toSeq, alerts },
        }),
      );
      return { files, entries, alerts };
    },

    'sync.importReceipts': (input, ctx) => {
      const r = rt();
      const actor = actorOf(ctx);
      const release = r.device.requestedBy(actor);
      const results: Array<{ fileName: string; ok: boolean; size: number | null; error: string | null }> = [];
      try {
        for (const f of input.files) {
          try {
            const value = parseJsonText(f.content, 'receipt file');
            // An alert receipt marks queued security alerts sent; it acknowledges no log size.
            if (isAlertReceipt(value)) {
              r.device.applyAlertReceipt(value);
              results.push({ fileName: f.fileName, ok: true, size: null, error: null });
              continue;
            }
            const { size } = r.device.applyReceipt(value);
            results.push({ fileName: f.fileName, ok: true, size, error: null });
          } catch (err) {
            if (!(err instanceof AppError) || err.code === 'VAULT_LOCKED') throw err;
            results.push({ fileName: f.fileName, ok: false, size: null, error: err.message });
          }
        }
      } finally {
        release();
      }
      const ackedSize = r.device.status().ackedSize;
      const accepted = results.filter((x) => x.ok).length;
      r.ws.unit(actor, (tx) =>
        tx.record({ action: 'sync.push', resourceType: 'sync_server', resourceId: null, details: { step: 'receipts', transport: 'file', files: results.length, accepted, refused: results.length - accepted, ackedSize } }),
      );
      return { results, ackedSize };
    },

    'sync.resume': (input, ctx) => {
      const r = rt();
      r.ws.unit(actorOf(ctx), (tx) => {
        const before = r.device.status();
        r.device.resume();
        tx.record({ action: 'settings.update', resourceType: 'sync_device', resourceId: r.device.deviceId, reason: input.reason, before: { halted: before.halted }, after: { halted: false }, details: { step: 'resume', alerts: before.alerts } });
      });
      // Starts over: the receipt check runs again, and a log that still fails it halts again.
      r.start();
      return statusView(r);
    },
  };
}
