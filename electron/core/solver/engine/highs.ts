import loadHighs from 'highs';
import type { Highs } from 'highs';
import type { LinearProgram } from './linear';

/**
 * Thin wrapper over the HiGHS WebAssembly MIP solver. The runtime is loaded once per thread (the
 * Wasm build is single-threaded; parallelism comes from running one per worker).
 */
let runtime: Promise<Highs> | null = null;

export function highsRuntime(): Promise<Highs> {
  runtime ??= loadHighs();
  return runtime;
}

export interface MipResult {
  /** 'optimal' proved; 'feasible' stopped by a limit with an incumbent; 'none' no usable solution. */
  status: 'optimal' | 'feasible' | 'infeasible' | 'none';
  objective: number;
  values: Float64Array | null;
}

export function solveMip(
  highs: Highs,
  lp: LinearProgram,
  opts: { timeLimit: number; start?: Float64Array; seed?: number; shouldStop?: () => boolean },
): MipResult {
  const model = highs.createModel({
    numCols: lp.numCols,
    numRows: lp.numRows,
    offset: lp.offset,
    colCost: lp.colCost,
    colLower: lp.colLower,
    colUpper: lp.colUpper,
    rowLower: lp.rowLower,
    rowUpper: lp.rowUpper,
    integrality: lp.integrality,
    matrix: { format: 'csr', numRows: lp.numRows, numCols: lp.numCols, starts: lp.starts, indices: lp.indices, values: lp.values },
  });
  try {
    model.options.set({
      output_flag: false,
      time_limit: Math.max(0.01, opts.timeLimit),
      random_seed: opts.seed ?? 0,
      mip_rel_gap: 0,
      mip_abs_gap: 0.5,
    });
    if (opts.start) model.setSolution({ colValue: opts.start });
    const stop = opts.shouldStop;
    model.run(
      stop
        ? {
            [highs.constants.callbackType.mipInterrupt](event) {
              if (stop()) event.interrupt();
            },
          }
        : undefined,
    );
    const status = model.getModelStatus();
    const ms = highs.constants.modelStatus;
    if (status === ms.infeasible) return { status: 'infeasible', objective: Infinity, values: null };
    const info = model.info.get('primal_solution_status');
    // primal_solution_status 2 = feasible point available.
    if (Number(info) !== 2) return { status: 'none', objective: Infinity, values: null };
    const sol = model.getSolution();
    return {
      status: status === ms.optimal ? 'optimal' : 'feasible',
      objective: model.getObjectiveValue(),
      values: Float64Array.from(sol.colValue),
    };
  } finally {
    model.dispose();
  }
}
