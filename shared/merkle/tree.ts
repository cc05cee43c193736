import type { MerkleHasher } from './hasher';
import { assertTreeInt, compactRangeNodes, isPowerOfTwo, splitPoint } from './math';

/**
 * Building RFC 9162 roots and proofs from stored subtree hashes.
 *
 * A node is (level, index): the perfect subtree of 2^level leaves starting at leaf index*2^level.
 * Level 0 nodes are leaf hashes. A log persists every perfect node once it is complete, so a proof
 * for any tree size needs O(log n) node reads plus the hashing of at most one "ephemeral" node
 * (the incomplete right edge), instead of rehashing the whole tree.
 */
export interface NodeReader {
  /** Hash of a complete perfect subtree. Must throw when the node does not exist. */
  node(level: number, index: number): Uint8Array;
}

/** MTH(D[start:end]) from stored perfect nodes (RFC 9162 2.1.1 recursion). */
export function subtreeHash(hasher: MerkleHasher, nodes: NodeReader, start: number, end: number): Uint8Array {
  const width = end - start;
  if (width <= 0) return hasher.emptyRoot();
  if (isPowerOfTwo(width) && start % width === 0) return nodes.node(Math.log2(width), start / width);
  const k = splitPoint(width);
  return hasher.nodeHash(subtreeHash(hasher, nodes, start, start + k), subtreeHash(hasher, nodes, start + k, end));
}

/** Root of the tree of the given size. */
export function rootAt(hasher: MerkleHasher, nodes: NodeReader, size: number): Uint8Array {
  assertTreeInt('size', size);
  return subtreeHash(hasher, nodes, 0, size);
}

/** PATH(m, D[n]) of RFC 9162 2.1.3.1: the audit path for leaf `index` in the tree of `size`. */
export function inclusionProof(hasher: MerkleHasher, nodes: NodeReader, index: number, size: number): Uint8Array[] {
  assertTreeInt('index', index);
  assertTreeInt('size', size);
  if (index >= size) throw new RangeError('inclusion proof: index is beyond the tree size');
  const path: Uint8Array[] = [];
  // Walk from the root down; siblings are collected top-down and returned bottom-up.
  let start = 0;
  let end = size;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      path.push(subtreeHash(hasher, nodes, start + k, end));
      end = start + k;
    } else {
      path.push(subtreeHash(hasher, nodes, start, start + k));
      start += k;
      m -= k;
    }
  }
  return path.reverse();
}

/** PROOF(m, D[n]) of RFC 9162 2.1.4.1: shows the tree of size1 is a prefix of the tree of size2. */
export function consistencyProof(hasher: MerkleHasher, nodes: NodeReader, size1: number, size2: number): Uint8Array[] {
  assertTreeInt('size1', size1);
  assertTreeInt('size2', size2);
  if (size1 > size2) throw new RangeError('consistency proof: size1 is greater than size2');
  if (size1 === 0 || size1 === size2) return [];
  const proof: Uint8Array[] = [];
  let start = 0;
  let end = size2;
  let m = size1;
  let complete = true; // RFC's "b": whether the subtree is the old tree's full root
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      proof.push(subtreeHash(hasher, nodes, start + k, end));
      end = start + k;
    } else {
      proof.push(subtreeHash(hasher, nodes, start, start + k));
      start += k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) proof.push(subtreeHash(hasher, nodes, start, end));
  return proof.reverse();
}

/**
 * The right edge of a growing tree: one hash per set bit of the size. Appending a leaf merges
 * equal-sized subtrees; every merge yields a newly completed perfect node, reported to `onNode`
 * so a log can persist it.
 */
export class CompactRange {
  private hashes: Uint8Array[];
  private levels: number[];
  private count: number;

  constructor(
    private readonly hasher: MerkleHasher,
    size = 0,
    hashes: Uint8Array[] = [],
  ) {
    assertTreeInt('size', size);
    const expected = compactRangeNodes(size);
    if (expected.length !== hashes.length) throw new RangeError('compact range: wrong number of hashes for size');
    this.count = size;
    this.hashes = [...hashes];
    this.levels = expected.map((n) => n.level);
  }

  /** Loads the compact range of `size` from stored nodes. */
  static fromNodes(hasher: MerkleHasher, nodes: NodeReader, size: number): CompactRange {
    return new CompactRange(hasher, size, compactRangeNodes(size).map((n) => nodes.node(n.level, n.index)));
  }

  get size(): number {
    return this.count;
  }

  /** Appends one leaf hash; calls onNode(level, index, hash) for each perfect node it completes (level >= 1). */
  append(leafHash: Uint8Array, onNode?: (level: number, index: number, hash: Uint8Array) => void): void {
    let hash = leafHash;
    let level = 0;
    let index = this.count;
    while (this.levels.length > 0 && this.levels[this.levels.length - 1] === level) {
      const left = this.hashes.pop() as Uint8Array;
      this.levels.pop();
      hash = this.hasher.nodeHash(left, hash);
      level++;
      index = (index - 1) / 2;
      onNode?.(level, index, hash);
    }
    this.hashes.push(hash);
    this.levels.push(level);
    this.count++;
  }

  /** MTH of everything appended so far. */
  root(): Uint8Array {
    if (this.hashes.length === 0) return this.hasher.emptyRoot();
    let acc = this.hashes[this.hashes.length - 1] as Uint8Array;
    for (let i = this.hashes.length - 2; i >= 0; i--) acc = this.hasher.nodeHash(this.hashes[i] as Uint8Array, acc);
    return acc;
  }

  /** The stored right-edge hashes, largest subtree first (a copy). */
  nodes(): Array<{ level: number; hash: Uint8Array }> {
    return this.hashes.map((hash, i) => ({ level: this.levels[i] as number, hash }));
  }

  clone(): CompactRange {
    return new CompactRange(this.hasher, this.count, this.hashes);
  }
}

/** Root of a list of leaf hashes, computed directly (for tests and small trees). */
export function rootFromLeafHashes(hasher: MerkleHasher, leafHashes: readonly Uint8Array[]): Uint8Array {
  const range = new CompactRange(hasher);
  for (const h of leafHashes) range.append(h);
  return range.root();
}

/** A NodeReader over leaf hashes held in memory: builds every perfect node once. */
export class MemoryTree implements NodeReader {
  private readonly levels: Uint8Array[][] = [[]];
  private readonly range: CompactRange;

  constructor(private readonly hasher: MerkleHasher) {
    this.range = new CompactRange(hasher);
  }

  append(leafHash: Uint8Array): void {
    (this.levels[0] as Uint8Array[]).push(leafHash);
    this.range.append(leafHash, (level, index, hash) => {
      while (this.levels.length <= level) this.levels.push([]);
      (this.levels[level] as Uint8Array[])[index] = hash;
    });
  }

  get size(): number {
    return this.range.size;
  }

  root(): Uint8Array {
    return this.range.root();
  }

  node(level: number, index: number): Uint8Array {
    const h = this.levels[level]?.[index];
    if (!h) throw new RangeError(`no node at level ${level} index ${index}`);
    return h;
  }
}
