import {
  CompactRange,
  MerkleHasher,
  ProofError,
  bytesEqual,
  consistencyProof,
  rootFromLeafHashes,
  verifyConsistency,
  type NodeReader,
} from '../../../../shared/merkle/index';
import { leafHashOfText, sha256 } from '../../audit/hash';

/**
 * Adapter over the audit trail's RFC 9162 code (shared/merkle): the only place sync calls into it,
 * so a rename there is a one-line fix here. Sync never hashes tree nodes itself.
 */
export const hasher = new MerkleHasher(sha256);

export { CompactRange, ProofError, bytesEqual, type NodeReader };

/** SHA-256(0x00 || utf8(text)) via the audit trail's one-shot helper (equal to hasher.leafHash; tested). */
export function leafHashOf(canonical: string): Uint8Array {
  return leafHashOfText(canonical);
}

export function emptyRoot(): Uint8Array {
  return hasher.emptyRoot();
}

export function rootOfLeaves(leaves: readonly Uint8Array[]): Uint8Array {
  return rootFromLeafHashes(hasher, leaves);
}

export function compactRange(size: number, frontier: Uint8Array[]): CompactRange {
  return new CompactRange(hasher, size, frontier);
}

export function proveConsistency(nodes: NodeReader, size1: number, size2: number): Uint8Array[] {
  return consistencyProof(hasher, nodes, size1, size2);
}

/**
 * True when the tree (size1, root1) is a prefix of (size2, root2). RFC 9162 leaves size1 = 0 to
 * the caller (shared/merkle refuses it as meaningless): every tree extends the empty tree, so the
 * proof must simply be empty and root1 must be the empty root.
 */
export function isConsistent(size1: number, root1: Uint8Array, size2: number, root2: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (size1 === 0) return proof.length === 0 && bytesEqual(root1, hasher.emptyRoot());
  try {
    verifyConsistency(hasher, size1, size2, proof, root1, root2);
    return true;
  } catch (err) {
    if (err instanceof ProofError) return false;
    throw err;
  }
}
