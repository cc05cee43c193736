/**
 * Number formatting for values and explanations. Verdicts are always decided on integer minutes
 * elsewhere; these helpers only make sure what a coordinator reads agrees with the verdict.
 */

/** Hours for display: one decimal when exact (multiples of 6 minutes), else two. */
export function hoursText(minutes: number): string {
  return (minutes / 60).toFixed(minutes % 6 === 0 ? 1 : 2);
}

/** Hours as a metric value, rounded to 2 decimals. */
export function hoursValue(minutes: number): number {
  return Math.round((minutes / 60) * 100) / 100;
}

/**
 * Decimal places (2..6) at which the exact ratio num/den prints on the correct side of `limit`, so an
 * explanation never reads "80.00 > 80". Exact ratios equal to the limit print with 2 decimals.
 */
export function decimalsFor(num: number, den: number, limit: number): number {
  const exceeds = num > limit * den;
  const equal = num === limit * den;
  for (let d = 2; d <= 6; d++) {
    const shown = Number((num / den).toFixed(d));
    if (equal || (exceeds ? shown > limit : shown < limit)) return d;
  }
  return 6;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
