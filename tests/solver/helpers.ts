import { readFileSync } from 'node:fs';
import { ChangeSet } from '../../electron/core/solver/engine/model';
import { Rng } from '../../electron/core/solver/engine/rng';
import { SearchState } from '../../electron/core/solver/engine/state';
import { constructRows } from '../../electron/core/solver/nrp/construct';
import { NrpModel } from '../../electron/core/solver/nrp/model';
import { NrpMoveContext } from '../../electron/core/solver/nrp/moves';
import { parseNrp } from '../../electron/core/solver/nrp/parser';
import { RowReoptimizer } from '../../electron/core/solver/nrp/rowmove';
import type { NrpInstance } from '../../electron/core/solver/nrp/instance';

export const BENCH_DIR = '/work/shared/benchmarks/curtois-qu';

export function loadInstance(n: number): NrpInstance {
  return parseNrp(readFileSync(`${BENCH_DIR}/Instance${n}.txt`, 'utf8'), `Instance${n}`);
}

/** Builds an instance text in the benchmark format (CRLF, like the real files). */
export function instanceText(sections: Record<string, string[]>): string {
  const out: string[] = ['# hand-made test instance'];
  for (const [name, lines] of Object.entries(sections)) {
    out.push(`SECTION_${name}`, ...lines, '');
  }
  return out.join('\r\n');
}

/**
 * Instance n's model, a row optimiser and the roster the construction heuristic builds (seed 1).
 * `exactCaps` carries any binding per-type maximum in the row DP's state, as branch-and-price does.
 */
export function constructed(n: number, opts: { exactCaps?: boolean } = {}): { model: NrpModel; reopt: RowReoptimizer; cells: Int32Array } {
  const inst = loadInstance(n);
  const model = new NrpModel(inst);
  const reopt = new RowReoptimizer(model, new NrpMoveContext(inst));
  if (opts.exactCaps) reopt.exactCapLimit = inst.horizon;
  const state = new SearchState(model, new Int32Array(model.numVars));
  constructRows(state, model, reopt, new Rng(1), new ChangeSet(), { window: inst.horizon, shouldStop: () => false });
  return { model, reopt, cells: Int32Array.from(state.values) };
}
