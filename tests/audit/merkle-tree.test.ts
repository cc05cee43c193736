import { createHash, hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../shared/merkle/bytes';
import { MerkleHasher } from '../../shared/merkle/hasher';
import { CompactRange, MemoryTree, consistencyProof, inclusionProof, rootAt } from '../../shared/merkle/tree';
import { verifyConsistency, verifyInclusion } from '../../shared/merkle/verify';

const hasher = new MerkleHasher((d) => createHash('sha256').update(d).digest());
const ROOT = '/work/shared/reference/merkle-testdata';

// The leaves behind the transparency-dev vectors (RFC 6962 test data).
const RFC_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (h) => new Uint8Array(Buffer.from(h, 'hex')),
);

function treeOf(n: number): MemoryTree {
  const t = new MemoryTree(hasher);
  for (let i = 0; i < n; i++) t.append(hasher.leafHash(new TextEncoder().encode(`leaf ${i}`)));
  return t;
}

/** Reference MTH straight from RFC 9162 2.1.1, recursive over leaf hashes. */
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return hasher.emptyRoot();
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hasher.nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

describe('merkle tree building', () => {
  it('reproduces the RFC 6962 roots and the vectors\' happy-path proofs', () => {
    const t = new MemoryTree(hasher);
    for (const l of RFC_LEAVES) t.append(hasher.leafHash(l));
    expect(Buffer.from(t.root()).toString('hex')).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
    for (const dir of ['1', '2', '3', '4']) {
      const v = JSON.parse(readFileSync(`${ROOT}/inclusion/${dir}/happy-path.json`, 'utf8')) as { leafIdx: number; treeSize: number; proof: string[] };
      expect(inclusionProof(hasher, t, v.leafIdx, v.treeSize).map(toBase64)).toEqual(v.proof);
    }
    for (const dir of ['1', '2', '3', '4']) {
      const v = JSON.parse(readFileSync(`${ROOT}/consistency/${dir}/happy-path.json`, 'utf8')) as { size1: number; size2: number; proof: string[]; root1: string; root2: string };
      expect(consistencyProof(hasher, t, v.size1, v.size2).map(toBase64)).toEqual(v.proof);
      expect(toBase64(rootAt(hasher, t, v.size1))).toBe(v.root1);
      expect(toBase64(rootAt(hasher, t, v.size2))).toBe(v.root2);
    }
  });

  it('roots from stored nodes equal the recursive definition for every size up to 70', () => {
    const t = treeOf(70);
    const leaves = Array.from({ length: 70 }, (_, i) => t.node(0, i));
    for (let n = 0; n <= 70; n++) expect(Buffer.from(rootAt(hasher, t, n))).toEqual(Buffer.from(mth(leaves.slice(0, n))));
  });

  it('every inclusion and consistency proof up to size 40 verifies, and a flipped bit does not', () => {
    const t = treeOf(40);
    for (let n = 1; n <= 40; n++) {
      const root = rootAt(hasher, t, n);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(hasher, t, i, n);
        verifyInclusion(hasher, i, n, t.node(0, i), proof, root);
        if (proof.length > 0) {
          const bad = proof.map((p) => new Uint8Array(p));
          const first = bad[0] as Uint8Array;
          first[5] = (first[5] ?? 0) ^ 1;
          expect(() => verifyInclusion(hasher, i, n, t.node(0, i), bad, root)).toThrow();
        }
        if (n > 1) expect(() => verifyInclusion(hasher, (i + 1) % n, n, t.node(0, i), proof, root)).toThrow();
      }
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(hasher, t, m, n);
        verifyConsistency(hasher, m, n, proof, rootAt(hasher, t, m), root);
        if (m < n) expect(() => verifyConsistency(hasher, m, n, proof, rootAt(hasher, t, m === 1 ? 2 : m - 1), root)).toThrow();
      }
    }
  });

  it('a compact range reloaded from stored nodes continues the same tree', () => {
    const t = treeOf(37);
    const range = CompactRange.fromNodes(hasher, t, 21);
    for (let i = 21; i < 37; i++) range.append(t.node(0, i));
    expect(Buffer.from(range.root())).toEqual(Buffer.from(t.root()));
  });

  it('hashing with Node one-shot crypto.hash gives the same leaf hash as the shared hasher', () => {
    const text = '{"a":"é ✓"}';
    const fast = hash('sha256', '\u0000' + text, 'buffer');
    expect(Buffer.from(hasher.leafHash(new TextEncoder().encode(text)))).toEqual(fast);
    expect(fromBase64(toBase64(fast))).toEqual(new Uint8Array(fast));
  });
});
