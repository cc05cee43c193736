import type { NrpInstance } from './instance';

/** Cover demand per (day, shift) cell, indexed `day * S + shift`, with its under and over weights. */
export interface CoverTargets {
  requirement: Float64Array;
  weightUnder: Float64Array;
  weightOver: Float64Array;
}

export function coverTargets(inst: NrpInstance): CoverTargets {
  const S = inst.shifts.length;
  const n = inst.horizon * S;
  const t: CoverTargets = { requirement: new Float64Array(n), weightUnder: new Float64Array(n), weightOver: new Float64Array(n) };
  for (const c of inst.cover) {
    t.requirement[c.day * S + c.shift] = c.requirement;
    t.weightUnder[c.day * S + c.shift] = c.weightUnder;
    t.weightOver[c.day * S + c.shift] = c.weightOver;
  }
  return t;
}

/** The identity of member e's row in a column pool (a pool holds each row once). */
export function columnKey(e: number, row: ArrayLike<number>): string {
  return `${e}:${Array.prototype.join.call(row, ',')}`;
}
