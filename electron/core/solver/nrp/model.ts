import type { Constraint, Model } from '../engine/model';
import { CoverDay, EmployeeRow } from './constraints';
import type { NrpInstance } from './instance';

/** The NRP as an engine model: one variable per (staff, day) cell, value 0 = off or shift + 1. */
export class NrpModel implements Model {
  readonly numVars: number;
  readonly rows: EmployeeRow[];
  readonly covers: CoverDay[];
  readonly constraints: readonly Constraint[];

  constructor(readonly instance: NrpInstance) {
    this.numVars = instance.horizon * instance.staff.length;
    this.rows = instance.staff.map((_, e) => new EmployeeRow(instance, e));
    this.covers = Array.from({ length: instance.horizon }, (_, d) => new CoverDay(instance, d));
    this.constraints = [...this.rows, ...this.covers];
  }

  domainSize(): number {
    return this.instance.shifts.length + 1;
  }
}
