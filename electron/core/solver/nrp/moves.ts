import type { Neighbourhood } from '../engine/anneal';
import type { ChangeSet } from '../engine/model';
import type { Rng } from '../engine/rng';
import type { NrpInstance } from './instance';

/** Precomputed facts the NRP moves need: who may work what, and which cells are fixed days off. */
export class NrpMoveContext {
  readonly H: number;
  readonly E: number;
  /** Per staff: values they may take (0 = off, then allowed shift + 1). */
  readonly allowed: Int32Array[];
  readonly dayOff: Uint8Array;
  /** When >= 0, row moves only touch this staff member (used to build one row at a time). */
  focus = -1;

  constructor(readonly instance: NrpInstance) {
    this.H = instance.horizon;
    this.E = instance.staff.length;
    this.allowed = instance.staff.map((st) =>
      Int32Array.from([0, ...instance.shifts.map((_, s) => s + 1).filter((v) => (st.maxShifts[v - 1] ?? 0) > 0)]),
    );
    this.dayOff = new Uint8Array(this.H * this.E);
    instance.daysOff.forEach((days, e) => days.forEach((d) => (this.dayOff[e * this.H + d] = 1)));
  }

  pickStaff(rng: Rng): number {
    return this.focus >= 0 ? this.focus : rng.int(this.E);
  }

  /** Whether staff e may hold value v on day d (days off and never-allowed shifts excluded). */
  canTake(e: number, d: number, v: number): boolean {
    if (v === 0) return true;
    if (this.dayOff[e * this.H + d]) return false;
    const a = this.allowed[e]!;
    for (let i = 1; i < a.length; i++) if (a[i] === v) return true;
    return false;
  }
}

/** Set one cell to another allowed value. */
export function changeMove(ctx: NrpMoveContext): Neighbourhood {
  return {
    name: 'change',
    propose(values: Int32Array, rng: Rng, out: ChangeSet): boolean {
      const e = ctx.pickStaff(rng);
      const d = rng.int(ctx.H);
      const cell = e * ctx.H + d;
      const a = ctx.allowed[e]!;
      const v = ctx.dayOff[cell] ? 0 : a[rng.int(a.length)]!;
      if (v === values[cell]) return false;
      out.push(cell, v);
      return true;
    },
  };
}

/** Swap two staff members' assignments on one day: cover-neutral, so it only trades row costs. */
export function swapDayMove(ctx: NrpMoveContext): Neighbourhood {
  return {
    name: 'swap-day',
    propose(values: Int32Array, rng: Rng, out: ChangeSet): boolean {
      const d = rng.int(ctx.H);
      const a = rng.int(ctx.E);
      const b = rng.int(ctx.E);
      const ca = a * ctx.H + d;
      const cb = b * ctx.H + d;
      const va = values[ca]!;
      const vb = values[cb]!;
      if (va === vb || !ctx.canTake(a, d, vb) || !ctx.canTake(b, d, va)) return false;
      out.push(ca, vb);
      out.push(cb, va);
      return true;
    },
  };
}

/** Swap a window of 2..maxLen days between two staff members (cover-neutral, moves whole runs). */
export function blockSwapMove(ctx: NrpMoveContext, maxLen: number): Neighbourhood {
  return {
    name: 'block-swap',
    propose(values: Int32Array, rng: Rng, out: ChangeSet): boolean {
      const len = 2 + rng.int(Math.max(1, Math.min(maxLen, ctx.H) - 1));
      const from = rng.int(ctx.H - len + 1);
      const a = rng.int(ctx.E);
      const b = rng.int(ctx.E);
      if (a === b) return false;
      let differs = false;
      for (let d = from; d < from + len; d++) {
        const va = values[a * ctx.H + d]!;
        const vb = values[b * ctx.H + d]!;
        if (va === vb) continue;
        if (!ctx.canTake(a, d, vb) || !ctx.canTake(b, d, va)) return false;
        differs = true;
      }
      if (!differs) return false;
      for (let d = from; d < from + len; d++) {
        const va = values[a * ctx.H + d]!;
        const vb = values[b * ctx.H + d]!;
        if (va === vb) continue;
        out.push(a * ctx.H + d, vb);
        out.push(b * ctx.H + d, va);
      }
      return true;
    },
  };
}

/** Set a window of 1..maxLen days of one member to a single value (build or remove a run). */
export function blockSetMove(ctx: NrpMoveContext, maxLen: number): Neighbourhood {
  return {
    name: 'block-set',
    propose(values: Int32Array, rng: Rng, out: ChangeSet): boolean {
      const e = ctx.pickStaff(rng);
      const len = 1 + rng.int(Math.min(maxLen, ctx.H));
      const from = rng.int(ctx.H - len + 1);
      const a = ctx.allowed[e]!;
      const v = a[rng.int(a.length)]!;
      for (let d = from; d < from + len; d++) {
        const c = e * ctx.H + d;
        if (values[c] !== v && ctx.canTake(e, d, v)) out.push(c, v);
      }
      return out.size > 0;
    },
  };
}

/** Exchange one member's assignments on two nearby days (moves a shift or a day off in time). */
export function shiftInTimeMove(ctx: NrpMoveContext): Neighbourhood {
  return {
    name: 'shift-in-time',
    propose(values: Int32Array, rng: Rng, out: ChangeSet): boolean {
      const e = ctx.pickStaff(rng);
      const d1 = rng.int(ctx.H);
      const d2 = d1 + 1 + rng.int(6);
      if (d2 >= ctx.H) return false;
      const c1 = e * ctx.H + d1;
      const c2 = e * ctx.H + d2;
      const v1 = values[c1]!;
      const v2 = values[c2]!;
      if (v1 === v2 || !ctx.canTake(e, d1, v2) || !ctx.canTake(e, d2, v1)) return false;
      out.push(c1, v2);
      out.push(c2, v1);
      return true;
    },
  };
}
