/**
 * The generic core of the search engine. A model is a set of integer variables (each with a finite
 * domain 0..size-1) and constraint objects. Each constraint caches what it needs about its scope so
 * it can price a change set (delta) without re-evaluating anything else; the engine only ever calls
 * the constraints whose scope a move touches. NRP is the first model; residency rotation and call
 * models plug in the same way.
 */

/** A candidate move: new values for a few variables. Reused between moves to avoid allocation. */
export class ChangeSet {
  vars: Int32Array;
  values: Int32Array;
  size = 0;

  constructor(capacity = 64) {
    this.vars = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  push(variable: number, value: number): void {
    if (this.size === this.vars.length) {
      const v = new Int32Array(this.size * 2);
      v.set(this.vars);
      this.vars = v;
      const w = new Int32Array(this.size * 2);
      w.set(this.values);
      this.values = w;
    }
    this.vars[this.size] = variable;
    this.values[this.size] = value;
    this.size++;
  }
}

/** Hard is a graded violation measure (0 = feasible); soft is the objective. */
export interface CostDelta {
  hard: number;
  soft: number;
}

export interface Constraint {
  readonly name: string;
  /** Variables this constraint reads; the engine calls it only for moves touching them. */
  readonly scope: ArrayLike<number>;
  /** Current graded hard violation and soft cost, as cached. */
  readonly hard: number;
  readonly soft: number;
  /** Rebuilds all caches from a full assignment. */
  reset(values: Int32Array): void;
  /**
   * Adds to `out` the cost change if `changes` were applied to `values` (the current assignment).
   * Must leave the constraint's observable state unchanged. Changes outside the scope are ignored.
   */
  delta(values: Int32Array, changes: ChangeSet, out: CostDelta): void;
  /** Applies `changes` to the caches; called before `values` itself is updated. */
  commit(values: Int32Array, changes: ChangeSet): void;
}

export interface Model {
  readonly numVars: number;
  domainSize(variable: number): number;
  readonly constraints: readonly Constraint[];
}
