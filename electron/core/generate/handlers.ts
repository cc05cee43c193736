import { setImmediate as nextTurn } from 'node:timers/promises';
import type { generateCalls } from '../../../shared/contract/generate';
import { addDays } from '../../../shared/domain/common';
import { AppError } from '../../../shared/errors';
import type { CallContext, Handlers } from '../dispatcher';
import { actorOf } from '../schedule/handlers';
import type { ResidencyProgress } from '../solver/residency/search';
import { runResidencyJob } from '../solver/residency/run';
import type { BlockSolveResult } from '../solver/residency/blocks/solve';
import type { CallSolveResult } from '../solver/residency/call/solve';
import type { ResidencyJob, ResidencyResult } from '../solver/residency/worker';
import type { ChangeTx } from '../db/unit-of-work';
import { assertSameVault, type Workspace } from '../workspace';
import { buildBlockInput, buildCallInput } from './build';
import { blockFingerprint, callFingerprint, diffSlots, keepPreview, previewsOf, type ApplyPlan, type Preview, type StoredPreview } from './preview';

export interface GenerateDeps {
  /** The open vault's workspace; throws VAULT_LOCKED when none is open. */
  workspace(): Workspace;
}

interface RunningJob {
  controller: AbortController;
  progress: ResidencyProgress | null;
  startedAt: number;
}

/** Times accept checks a month of call in steps (each undone by a write meanwhile) before it checks and writes in one turn. */
const ACCEPT_STEPPED_ATTEMPTS = 3;

/** The fingerprint of what a stored preview depends on, as the vault holds it now. */
function fingerprintNow(ws: Workspace, stored: StoredPreview): string {
  if (stored.plan.kind === 'blocks') return blockFingerprint(ws.store, stored.plan.yearId);
  const [lo, hi] = stored.fingerprint.split('|') as [string, string];
  return `${lo}|${hi}|${callFingerprint(ws.store, lo, hi)}`;
}

/** Context days around a call range whose shifts feed the ACGME check (and so the fingerprint). */
const CALL_MARGIN_DAYS = 40;

/**
 * The auto-scheduler's handlers. A generate call reads the vault (milliseconds), hands the solve to a
 * worker thread and awaits it, so the main thread stays free; the result becomes an in-memory
 * preview of the open vault. Accept writes a preview through the scheduling services inside one
 * transaction, with one schedule.generate entry naming the preview beside the per-record entries.
 */
export function generateHandlers(deps: GenerateDeps): Handlers<typeof generateCalls> {
  const jobs = new Map<string, RunningJob>();

  async function solve(
    ctx: CallContext,
    requestId: string | undefined,
    job: ResidencyJob,
    limits: { seed: number; maxIterations: number; timeLimitMs: number },
  ): Promise<{ result: ResidencyResult; cancelled: boolean }> {
    const id = requestId ?? ctx.correlationId;
    if (jobs.has(id)) throw new AppError('CONFLICT', 'A generation with this request id is already running.');
    const running: RunningJob = { controller: new AbortController(), progress: null, startedAt: ctx.services.clock.nowMs() };
    jobs.set(id, running);
    try {
      const out = await runResidencyJob(job, { ...limits, signal: running.controller.signal, onProgress: (p) => (running.progress = p) });
      return { result: out, cancelled: running.controller.signal.aborted };
    } catch (err) {
      ctx.services.logger.error('generation failed', { call: ctx.callName, correlationId: ctx.correlationId, error: err });
      throw new AppError('INTERNAL');
    } finally {
      jobs.delete(id);
    }
  }

  /** The vault may have been locked (and another opened) while the worker ran. */
  const sameVault = (ws: Workspace): void => assertSameVault(deps.workspace, ws);

  return {
    'generate.blocks': async (input, ctx) => {
      const ws = deps.workspace();
      const solveInput = buildBlockInput(ws.store, input.yearId, input.mode, input.preferences);
      const fingerprint = blockFingerprint(ws.store, input.yearId);
      const { result, cancelled } = await solve(ctx, input.requestId, { kind: 'blocks', input: solveInput }, input);
      sameVault(ws);
      if (result.kind !== 'blocks') throw new AppError('INTERNAL');
      const r: BlockSolveResult = result.result;
      const scheduled = new Set(r.cells.map((c) => c.personId));
      const before = new Map<string, string[]>();
      for (const a of solveInput.snapshot.current) if (scheduled.has(a.personId)) before.set(`${a.personId}|${a.blockId}`, [a.rotationId]);
      const after = new Map<string, string[]>(r.cells.map((c) => [`${c.personId}|${c.blockId}`, c.rotationId ? [c.rotationId] : []]));
      const { diff, churn } = diffSlots(before, after);
      const blocks = [...solveInput.snapshot.blocks].sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
      const previewId = ctx.services.ids.id();
      const changedKeys = new Set([...diff.added, ...diff.removed, ...diff.changed].map((d) => `${d.personId}|${d.slot}`));
      const plan: ApplyPlan = { kind: 'blocks', yearId: input.yearId, items: r.cells.filter((c) => changedKeys.has(`${c.personId}|${c.blockId}`)) };
      const view: Preview = {
        previewId,
        kind: 'blocks',
        mode: input.mode,
        seed: input.seed,
        range: [blocks[0]?.startDate ?? '1970-01-01', blocks.at(-1)?.endDate ?? '1970-01-01'],
        blockAssignments: r.cells,
        shifts: [],
        diff,
        churn,
        feasible: r.unmet.length === 0,
        violations: r.unmet,
        fairness: [],
        stats: { iterations: r.stats.iterations, solveMs: r.stats.elapsedMs, firstFeasibleMs: r.stats.firstFeasibleMs, objective: r.stats.objective, cancelled },
      };
      keepPreview(ws.db, previewId, { view, plan, fingerprint });
      return view;
    },

    'generate.call': async (input, ctx) => {
      const ws = deps.workspace();
      const coverage = input.coverage.map((c) => ({
        shiftTypeId: c.shiftTypeId,
        minPerDay: c.minPerDay,
        maxPerDay: c.maxPerDay ?? c.minPerDay,
        rotationIds: c.rotationIds ?? null,
        personKinds: c.personKinds,
      }));
      const solveInput = buildCallInput(ws.store, ws.service.settings(), { from: input.from, to: input.to, coverage, holidays: input.holidays, requests: input.requests, mode: input.mode });
      const lo = addDays(input.from, -CALL_MARGIN_DAYS);
      const hi = addDays(input.to, CALL_MARGIN_DAYS);
      const fingerprint = callFingerprint(ws.store, lo, hi);
      const { result, cancelled } = await solve(ctx, input.requestId, { kind: 'call', input: solveInput }, input);
      sameVault(ws);
      if (result.kind !== 'call') throw new AppError('INTERNAL');
      const r: CallSolveResult = result.result;
      const scoped = new Set(coverage.map((c) => c.shiftTypeId));
      const current = solveInput.shifts.filter((s) => s.date >= input.from && s.date <= input.to && scoped.has(s.shiftTypeId));
      const before = new Map<string, string[]>();
      for (const s of current) before.set(`${s.personId}|${s.date}`, [...(before.get(`${s.personId}|${s.date}`) ?? []), s.shiftTypeId]);
      const after = new Map<string, string[]>();
      for (const s of r.shifts) after.set(`${s.personId}|${s.date}`, [s.shiftTypeId]);
      const { diff, churn } = diffSlots(before, after);
      const proposed = new Set(r.shifts.map((s) => `${s.personId}|${s.date}|${s.shiftTypeId}`));
      const existing = new Set(current.map((s) => `${s.personId}|${s.date}|${s.shiftTypeId}`));
      const plan: ApplyPlan = {
        kind: 'call',
        from: input.from,
        to: input.to,
        remove: current.filter((s) => !proposed.has(`${s.personId}|${s.date}|${s.shiftTypeId}`)).map((s) => s.id),
        add: r.shifts.filter((s) => !existing.has(`${s.personId}|${s.date}|${s.shiftTypeId}`)).map((s) => ({ personId: s.personId, shiftTypeId: s.shiftTypeId, date: s.date })),
      };
      const previewId = ctx.services.ids.id();
      const view: Preview = {
        previewId,
        kind: 'call',
        mode: input.mode,
        seed: input.seed,
        range: [input.from, input.to],
        blockAssignments: [],
        shifts: r.shifts.map((s) => ({ personId: s.personId, date: s.date, shiftTypeId: s.shiftTypeId })),
        diff,
        churn,
        feasible: r.unmet.length === 0,
        violations: r.unmet,
        fairness: r.fairness,
        stats: { iterations: r.stats.iterations, solveMs: r.stats.elapsedMs, firstFeasibleMs: r.stats.firstFeasibleMs, objective: r.stats.objective, cancelled },
      };
      keepPreview(ws.db, previewId, { view, plan, fingerprint: `${lo}|${hi}|${fingerprint}` });
      return view;
    },

    'generate.accept': async (input, ctx) => {
      const ws = deps.workspace();
      const actor = actorOf(ctx);
      /** The preview, if the schedule it was computed from has not moved since. */
      const current = (): StoredPreview => {
        const stored = previewsOf(ws.db).get(input.previewId);
        if (!stored) throw new AppError('NOT_FOUND', 'No such preview: it may have expired or the vault was locked since.');
        if (fingerprintNow(ws, stored) !== stored.fingerprint) throw new AppError('CONFLICT', 'The schedule changed since this preview was generated. Generate a new one.');
        return stored;
      };
      const generated = (view: Preview) => (tx: ChangeTx): void => {
        tx.record({
          action: 'schedule.generate',
          resourceType: 'schedule',
          resourceId: view.previewId,
          details: {
            kind: view.kind,
            mode: view.mode,
            seed: view.seed,
            from: view.range[0],
            to: view.range[1],
            changedCells: view.churn.changedCells,
            churnPercent: view.churn.percent,
            violations: view.violations.length,
          },
        });
      };
      // One unit of work: every record's entry (before/after) and the schedule.generate entry tying
      // them to the preview.
      let applied: number | null = null;
      let sizeBefore = 0;
      for (let attempt = 1; applied === null; attempt++) {
        const { plan, view } = current();
        sizeBefore = ws.audit.size;
        if (plan.kind === 'blocks') {
          applied = ws.unit(actor, (tx) => {
            const n = plan.items.length > 0 ? ws.service.setBlockAssignments(actor, plan.items) : 0;
            generated(view)(tx);
            return n;
          });
        } else {
          const changes = { remove: plan.remove, add: plan.add, disambiguation: 'earlier' as const };
          if (attempt > ACCEPT_STEPPED_ATTEMPTS) {
            // The vault kept being written meanwhile: check and write in one turn, as a small change does.
            applied = ws.service.applyShiftChanges(actor, changes, generated(view));
          } else {
            // A month of call: the checks run in steps with the event loop free between them, then
            // the write (one transaction) runs only if nothing was written to the vault since the
            // fingerprint above was compared; otherwise everything is checked again.
            const pause = async (): Promise<void> => {
              await nextTurn();
              sameVault(ws);
            };
            const checked = await ws.service.checkShiftChanges(changes, pause);
            // A check refused a change after a write meanwhile: the preview may be stale, look again.
            if (checked === null) continue;
            // The write gets a turn of its own, not the tail of the last step of checks.
            await pause();
            sizeBefore = ws.audit.size;
            applied = ws.service.writeCheckedShiftChanges(actor, checked, generated(view));
          }
        }
      }
      previewsOf(ws.db).delete(input.previewId);
      return { previewId: input.previewId, applied, auditEntries: ws.audit.size - sizeBefore };
    },

    'generate.cancel': (input) => {
      const job = jobs.get(input.requestId);
      if (!job) return { cancelled: false };
      job.controller.abort();
      return { cancelled: true };
    },

    'generate.progress': (input, ctx) => {
      const job = jobs.get(input.requestId);
      if (!job) return { running: false, iterations: 0, elapsedMs: 0, hard: 0, objective: 0 };
      const p = job.progress;
      return { running: true, iterations: p?.iterations ?? 0, elapsedMs: ctx.services.clock.nowMs() - job.startedAt, hard: p?.hard ?? 0, objective: p?.soft ?? 0 };
    },
  };
}
