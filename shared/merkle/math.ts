/**
 * Integer helpers for tree sizes and indexes held in JS numbers. JS bitwise operators work on 32
 * bits, so everything here uses arithmetic and stays exact up to Number.MAX_SAFE_INTEGER (2^53).
 */
export function assertTreeInt(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative safe integer`);
}

/** Largest power of two strictly less than n (n >= 2). RFC 9162's "k". */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** Number of set bits. */
export function popcount(n: number): number {
  let c = 0;
  let x = n;
  while (x > 0) {
    if (x % 2 === 1) c++;
    x = Math.floor(x / 2);
  }
  return c;
}

/** Number of trailing zero bits (n > 0). */
export function trailingZeros(n: number): number {
  let c = 0;
  let x = n;
  while (x > 0 && x % 2 === 0) {
    c++;
    x /= 2;
  }
  return c;
}

/**
 * The perfect subtrees that cover leaves [0, size), largest (leftmost) first: one per set bit of
 * size. This is the "compact range" from which the root, and every later node, can be computed.
 */
export function compactRangeNodes(size: number): Array<{ level: number; index: number }> {
  const out: Array<{ level: number; index: number }> = [];
  let start = 0;
  let level = 0;
  while (2 ** (level + 1) <= size) level++;
  for (; level >= 0; level--) {
    const width = 2 ** level;
    if (Math.floor(size / width) % 2 === 1) {
      out.push({ level, index: start / width });
      start += width;
    }
  }
  return out;
}
