export { MerkleHasher, type HashFn } from './hasher';
export { CompactRange, MemoryTree, consistencyProof, inclusionProof, rootAt, rootFromLeafHashes, subtreeHash, type NodeReader } from './tree';
export { ProofError, rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify';
export { bytesEqual, fromBase64, toBase64, toHex, utf8 } from './bytes';
export { compactRangeNodes } from './math';
