/**
 * A minimal builder for mixed-integer linear programs in the compressed-row form HiGHS accepts
 * directly, so LNS sub-problems skip LP-text generation and parsing.
 */
export interface LinearProgram {
  numCols: number;
  numRows: number;
  offset: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  integrality: Int32Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

export class LinearBuilder {
  private cost: number[] = [];
  private lower: number[] = [];
  private upper: number[] = [];
  private integer: number[] = [];
  private rowLo: number[] = [];
  private rowHi: number[] = [];
  private starts: number[] = [0];
  private idx: number[] = [];
  private val: number[] = [];
  offset = 0;

  /** Adds a column and returns its index. */
  addVar(lower: number, upper: number, cost: number, integer: boolean): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    this.integer.push(integer ? 1 : 0);
    return this.cost.length - 1;
  }

  addCost(col: number, cost: number): void {
    this.cost[col] = (this.cost[col] ?? 0) + cost;
  }

  /** Adds `lower <= sum coef*x <= upper`; use +-Infinity for a missing side. Empty rows are dropped. */
  addRow(cols: readonly number[], coefs: readonly number[], lower: number, upper: number): void {
    if (cols.length === 0) return;
    for (let i = 0; i < cols.length; i++) {
      this.idx.push(cols[i] ?? 0);
      this.val.push(coefs[i] ?? 0);
    }
    this.starts.push(this.idx.length);
    this.rowLo.push(lower);
    this.rowHi.push(upper);
  }

  get numCols(): number {
    return this.cost.length;
  }

  build(): LinearProgram {
    return {
      numCols: this.cost.length,
      numRows: this.rowLo.length,
      offset: this.offset,
      colCost: Float64Array.from(this.cost),
      colLower: Float64Array.from(this.lower),
      colUpper: Float64Array.from(this.upper),
      integrality: Int32Array.from(this.integer),
      rowLower: Float64Array.from(this.rowLo),
      rowUpper: Float64Array.from(this.rowHi),
      starts: Int32Array.from(this.starts),
      indices: Int32Array.from(this.idx),
      values: Float64Array.from(this.val),
    };
  }
}
