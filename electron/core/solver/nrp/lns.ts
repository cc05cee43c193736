import type { Highs } from 'highs';
import { solveMip } from '../engine/highs';
import type { Rng } from '../engine/rng';
import type { NrpInstance } from './instance';
import { applyMipSolution, buildNrpMip } from './mip';

/**
 * Large-neighbourhood search with exact sub-problem solves: free part of a feasible roster (some
 * staff over the whole horizon, or every member over a window of days, or a block of both), fix the
 * rest, and let HiGHS re-optimise the freed part. The current roster is passed as a start, so the
 * sub-MIP always has an incumbent and a step can never make things worse.
 *
 * Each neighbourhood kind keeps its own size, grown after a sub-problem solved to optimality well
 * inside its time limit and shrunk after one that hit the limit, so the sub-problems settle where
 * HiGHS proves optimality in a fraction of a second. When a size covers the whole roster and
 * HiGHS proves optimality, the roster is optimal.
 */
export type LnsKind = 'staff' | 'window' | 'block';

export interface LnsStep {
  kind: LnsKind;
  objective: number;
  improved: boolean;
  /** The freed part was the whole roster and HiGHS proved it optimal. */
  provedOptimal: boolean;
  ms: number;
}

export class MipLns {
  private readonly H: number;
  private readonly E: number;
  private readonly free: Uint8Array;
  /** Neighbourhood size per kind: fraction of staff, days, or cells freed. */
  readonly size: Record<LnsKind, number>;

  constructor(
    private readonly instance: NrpInstance,
    private readonly highs: Highs,
    private readonly rng: Rng,
  ) {
    this.H = instance.horizon;
    this.E = instance.staff.length;
    this.free = new Uint8Array(this.H * this.E);
    // Start around 150 free cells, a size HiGHS typically closes in well under a second.
    const cells = this.H * this.E;
    const f = Math.min(1, 150 / cells);
    this.size = { staff: f, window: f, block: f };
  }

  private choose(kind: LnsKind): boolean {
    const { H, E, free, rng } = this;
    free.fill(0);
    const f = this.size[kind];
    if (kind === 'staff') {
      const k = Math.max(1, Math.min(E, Math.round(f * E)));
      const staff = rng.shuffle(Array.from({ length: E }, (_, e) => e)).slice(0, k);
      for (const e of staff) free.fill(1, e * H, e * H + H);
      return k === E;
    }
    if (kind === 'window') {
      const w = Math.max(2, Math.min(H, Math.round(f * H)));
      const from = rng.int(H - w + 1);
      for (let e = 0; e < E; e++) free.fill(1, e * H + from, e * H + from + w);
      return w === H;
    }
    // Block: about f * cells as k staff x w days with w around two weeks.
    const target = Math.max(2 * 7, f * H * E);
    const w = Math.min(H, Math.max(7, Math.min(28, Math.round(Math.sqrt(target)))));
    const k = Math.max(2, Math.min(E, Math.round(target / w)));
    const from = rng.int(H - w + 1);
    const staff = rng.shuffle(Array.from({ length: E }, (_, e) => e)).slice(0, k);
    for (const e of staff) free.fill(1, e * H + from, e * H + from + w);
    return k === E && w === H;
  }

  /** One LNS step on `cells` (must be feasible); updates it in place when the sub-MIP finds better. */
  step(kind: LnsKind, cells: Int32Array, objective: number, timeLimitSec: number, shouldStop: () => boolean): LnsStep {
    const t0 = Date.now();
    const whole = this.choose(kind);
    const mip = buildNrpMip(this.instance, cells, this.free);
    const res = solveMip(this.highs, mip.lp, { timeLimit: timeLimitSec, start: mip.start, seed: this.rng.int(1 << 30), shouldStop });
    const ms = Date.now() - t0;
    // Adapt the size: easy -> bigger, timed out -> smaller.
    if (res.status === 'optimal' && ms < timeLimitSec * 1000 * 0.3) this.size[kind] = Math.min(1, this.size[kind] * 1.25);
    else if (res.status !== 'optimal') this.size[kind] = Math.max(0.001, this.size[kind] * 0.6);
    let improved = false;
    let obj = objective;
    if (res.values && Math.round(res.objective) <= objective) {
      const next = Int32Array.from(cells);
      applyMipSolution(this.instance, mip, this.free, res.values, next);
      improved = Math.round(res.objective) < objective;
      obj = Math.round(res.objective);
      cells.set(next);
    }
    return { kind, objective: obj, improved, provedOptimal: whole && res.status === 'optimal', ms };
  }
}
