import type { ChangeSet, Constraint, CostDelta, Model } from './model';

/**
 * The incremental evaluation state of an assignment: pricing a move costs only the constraints
 * whose scope it touches (found through a variable -> constraints index), never a full evaluation.
 */
export class SearchState {
  readonly values: Int32Array;
  hard = 0;
  soft = 0;
  private readonly constraints: readonly Constraint[];
  private readonly starts: Int32Array;
  private readonly list: Int32Array;
  private readonly stamp: Int32Array;
  private epoch = 1;
  private readonly touched: Int32Array;
  private touchedCount = 0;

  constructor(
    readonly model: Model,
    initial: Int32Array,
  ) {
    this.values = Int32Array.from(initial);
    this.constraints = model.constraints;
    const counts = new Int32Array(model.numVars + 1);
    for (const c of this.constraints) for (let i = 0; i < c.scope.length; i++) counts[(c.scope[i] ?? 0) + 1]!++;
    for (let v = 0; v < model.numVars; v++) counts[v + 1]! += counts[v]!;
    this.starts = counts.slice();
    const fill = counts.slice(0, model.numVars);
    this.list = new Int32Array(this.starts[model.numVars] ?? 0);
    this.constraints.forEach((c, ci) => {
      for (let i = 0; i < c.scope.length; i++) this.list[fill[c.scope[i] ?? 0]!++] = ci;
    });
    this.stamp = new Int32Array(this.constraints.length);
    this.touched = new Int32Array(this.constraints.length);
    this.reset(initial);
  }

  /** Loads a full assignment and rebuilds every constraint's caches. */
  reset(values: Int32Array): void {
    this.values.set(values);
    this.hard = 0;
    this.soft = 0;
    for (const c of this.constraints) {
      c.reset(this.values);
      this.hard += c.hard;
      this.soft += c.soft;
    }
  }

  private collect(changes: ChangeSet): void {
    this.epoch++;
    if (this.epoch > 2_000_000_000) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    this.touchedCount = 0;
    for (let i = 0; i < changes.size; i++) {
      const v = changes.vars[i]!;
      for (let k = this.starts[v]!; k < this.starts[v + 1]!; k++) {
        const ci = this.list[k]!;
        if (this.stamp[ci] !== this.epoch) {
          this.stamp[ci] = this.epoch;
          this.touched[this.touchedCount++] = ci;
        }
      }
    }
  }

  /** Cost change of a move; the state is unchanged. */
  delta(changes: ChangeSet, out: CostDelta): void {
    out.hard = 0;
    out.soft = 0;
    this.collect(changes);
    for (let i = 0; i < this.touchedCount; i++) this.constraints[this.touched[i]!]!.delta(this.values, changes, out);
  }

  apply(changes: ChangeSet): void {
    this.collect(changes);
    for (let i = 0; i < this.touchedCount; i++) {
      const c = this.constraints[this.touched[i]!]!;
      this.hard -= c.hard;
      this.soft -= c.soft;
      c.commit(this.values, changes);
      this.hard += c.hard;
      this.soft += c.soft;
    }
    for (let i = 0; i < changes.size; i++) this.values[changes.vars[i]!] = changes.values[i]!;
  }
}
