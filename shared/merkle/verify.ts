import { bytesEqual } from './bytes';
import type { MerkleHasher } from './hasher';

/**
 * Proof verification, RFC 9162 section 2.1.3.2 and 2.1.4.2, in the shape of transparency-dev/merkle
 * (proof/verify.go), whose test vectors it passes. The checks are exact: the proof length must be
 * what the sizes imply, so preceding or trailing garbage, and missing components, are refused
 * before any hashing. Sizes and indexes are taken as numbers or bigints; the arithmetic is done in
 * BigInt so a forged uint64 index (2^64 - 1) cannot wrap around.
 */
export class ProofError extends Error {
  override name = 'ProofError';
}

type Int = number | bigint;

function toBig(name: string, v: Int): bigint {
  if (typeof v === 'number' && (!Number.isSafeInteger(v) || v < 0)) throw new ProofError(`${name} is not a valid tree integer`);
  const b = BigInt(v);
  if (b < 0n || b >= 1n << 64n) throw new ProofError(`${name} is out of range`);
  return b;
}

function bitLen(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function onesCount(x: bigint): number {
  let c = 0;
  for (const ch of x.toString(2)) if (ch === '1') c++;
  return c;
}

function trailingZeros(x: bigint): number {
  let c = 0;
  let v = x;
  while (v > 0n && (v & 1n) === 0n) {
    c++;
    v >>= 1n;
  }
  return c;
}

/** Splits an inclusion proof into the part below the fork (inner) and the right border. */
function decompInclProof(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLen(index ^ (size - 1n));
  const border = onesCount(index >> BigInt(inner));
  return { inner, border };
}

function checkHashes(hasher: MerkleHasher, what: string, hashes: readonly Uint8Array[]): void {
  for (const h of hashes) if (h.length !== hasher.size) throw new ProofError(`${what} has a component of the wrong size`);
}

function chainInner(hasher: MerkleHasher, seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  let acc = seed;
  proof.forEach((h, i) => {
    acc = ((index >> BigInt(i)) & 1n) === 0n ? hasher.nodeHash(acc, h) : hasher.nodeHash(h, acc);
  });
  return acc;
}

function chainInnerRight(hasher: MerkleHasher, seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  let acc = seed;
  proof.forEach((h, i) => {
    if (((index >> BigInt(i)) & 1n) === 1n) acc = hasher.nodeHash(h, acc);
  });
  return acc;
}

function chainBorderRight(hasher: MerkleHasher, seed: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  let acc = seed;
  for (const h of proof) acc = hasher.nodeHash(h, acc);
  return acc;
}

/** The root implied by an inclusion proof. Throws ProofError when the proof cannot be right. */
export function rootFromInclusionProof(
  hasher: MerkleHasher,
  index: Int,
  size: Int,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  const i = toBig('index', index);
  const n = toBig('size', size);
  if (i >= n) throw new ProofError('index is beyond the tree size');
  if (leafHash.length !== hasher.size) throw new ProofError('leaf hash has the wrong size');
  const { inner, border } = decompInclProof(i, n);
  if (proof.length !== inner + border) throw new ProofError(`wrong proof size ${proof.length}, want ${inner + border}`);
  checkHashes(hasher, 'inclusion proof', proof);
  const res = chainInner(hasher, leafHash, proof.slice(0, inner), i);
  return chainBorderRight(hasher, res, proof.slice(inner));
}

export function verifyInclusion(
  hasher: MerkleHasher,
  index: Int,
  size: Int,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const calc = rootFromInclusionProof(hasher, index, size, leafHash, proof);
  if (!bytesEqual(calc, root)) throw new ProofError('inclusion proof does not lead to the given root');
}

/**
 * Checks that the tree of size1 (root1) is a prefix of the tree of size2 (root2).
 *
 * Deliberate difference from RFC 9162's text: size1 = 0 is refused. Every tree "extends" the empty
 * tree, so such a proof proves nothing, and a caller that got here with size1 = 0 has a bug (it
 * should have handled "no earlier checkpoint" itself). The vectors in merkle-testdata/additional
 * expect exactly this.
 */
export function verifyConsistency(
  hasher: MerkleHasher,
  size1: Int,
  size2: Int,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  const m = toBig('size1', size1);
  const n = toBig('size2', size2);
  if (n < m) throw new ProofError('size2 is smaller than size1');
  if (m === 0n) throw new ProofError('consistency with an empty tree proves nothing');
  if (m === n) {
    if (proof.length > 0) throw new ProofError('size1 = size2 but the proof is not empty');
    if (!bytesEqual(root1, root2)) throw new ProofError('size1 = size2 but the roots differ');
    return;
  }
  if (proof.length === 0) throw new ProofError('empty consistency proof');
  checkHashes(hasher, 'consistency proof', proof);
  if (root1.length !== hasher.size || root2.length !== hasher.size) throw new ProofError('root has the wrong size');

  let { inner } = decompInclProof(m - 1n, n);
  const { border } = decompInclProof(m - 1n, n);
  const shift = trailingZeros(m);
  inner -= shift;
  // The proof starts with the hash of the largest perfect subtree ending at size1, unless that
  // subtree is the whole old tree (size1 a power of two), whose hash the verifier already has.
  let seed = proof[0] as Uint8Array;
  let start = 1;
  if (m === 1n << BigInt(shift)) {
    seed = root1;
    start = 0;
  }
  if (proof.length !== start + inner + border) throw new ProofError(`wrong proof size ${proof.length}, want ${start + inner + border}`);
  const rest = proof.slice(start);
  const mask = (m - 1n) >> BigInt(shift);
  let hash1 = chainInnerRight(hasher, seed, rest.slice(0, inner), mask);
  hash1 = chainBorderRight(hasher, hash1, rest.slice(inner));
  if (!bytesEqual(hash1, root1)) throw new ProofError('consistency proof does not match the first root');
  let hash2 = chainInner(hasher, seed, rest.slice(0, inner), mask);
  hash2 = chainBorderRight(hasher, hash2, rest.slice(inner));
  if (!bytesEqual(hash2, root2)) throw new ProofError('consistency proof does not match the second root');
}
