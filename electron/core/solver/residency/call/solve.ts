import { Rng } from '../../engine/rng';
import type { SearchStats, SolveLimits } from '../blocks/solve';
import { runResidencySearch } from '../search';
import type { UnmetRule } from '../unmet';
import { CallModel } from './model';
import { callMoves, initialCall } from './moves';
import { CALL_WEIGHTS, compileCall, type CallSolveInput } from './problem';
import { explainCall, fairnessRows, proposedShifts, type FairnessRow, type ProposedShift } from './verify';

export interface CallSolveResult {
  shifts: ProposedShift[];
  unmet: UnmetRule[];
  fairness: FairnessRow[];
  stats: SearchStats;
}

/** Solves a call schedule over a date range, then checks it with the compliance engine. */
export async function solveCall(input: CallSolveInput, limits: SolveLimits): Promise<CallSolveResult> {
  const m = compileCall(input);
  const model = new CallModel(m);
  const initial = initialCall(model, new Rng(limits.seed ^ 0x2545f491));
  const r = await runResidencySearch(model, initial, callMoves(m), [5, 2, 3], {
    seed: limits.seed,
    maxIterations: limits.maxIterations,
    timeLimitMs: limits.timeLimitMs,
    ...(limits.stopFlag ? { stopFlag: limits.stopFlag } : {}),
    ...(limits.onProgress ? { onProgress: limits.onProgress } : {}),
    phaseIterations: 30_000,
    // Hard rules first: in repair mode a hard unit outweighs the churn of the changes that fix it.
    hardWeight: m.mode === 'repair' ? 20 * CALL_WEIGHTS.churn : 400,
    t0: 40,
    t1: 0.2,
    patience: 5,
  });
  // Fairness figures of the returned schedule (the constraint's caches hold the last state, not the best).
  model.fairness.reset(r.values);
  const shifts = proposedShifts(m, r.values);
  return {
    shifts,
    unmet: explainCall(input, m, r.values, shifts),
    fairness: fairnessRows(m, model.fairness.counts, model.fairness.target),
    stats: { iterations: r.iterations, elapsedMs: r.elapsedMs, firstFeasibleMs: r.firstFeasibleMs, modelHard: r.hard, objective: r.soft, stopped: r.stopped },
  };
}
