import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../../shared/merkle/bytes';
import { MerkleHasher } from '../../shared/merkle/hasher';
import { verifyConsistency, verifyInclusion } from '../../shared/merkle/verify';

/**
 * Every transparency-dev/merkle vector: happy paths must verify, every other case must be refused.
 * Integers are read as BigInt so a uint64 index (2^64 - 1) arrives as itself, not as a rounded float.
 */
const ROOT = '/work/shared/reference/merkle-testdata';
const hasher = new MerkleHasher((d) => createHash('sha256').update(d).digest());

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.json') ? [p] : [];
  });
}

function parseVector(path: string): Record<string, unknown> {
  // Quote long integers before JSON.parse so they survive exactly.
  const text = readFileSync(path, 'utf8').replace(/:\s*(\d{16,})/g, ': "$1"');
  return JSON.parse(text) as Record<string, unknown>;
}

const int = (v: unknown): bigint => BigInt(v as string | number);
const b64 = (v: unknown): Uint8Array => fromBase64(typeof v === 'string' ? v : '');
const b64list = (v: unknown): Uint8Array[] => (Array.isArray(v) ? v.map(b64) : []);

const inclusion = walk(join(ROOT, 'inclusion')).sort();
const consistency = walk(join(ROOT, 'consistency')).sort();

describe('merkle test vectors (transparency-dev format)', () => {
  it('finds the vector files', () => {
    expect(inclusion.length).toBeGreaterThan(90);
    expect(consistency.length).toBeGreaterThan(90);
    expect(inclusion.filter((p) => p.endsWith('happy-path.json')).length).toBeGreaterThanOrEqual(5);
  });

  for (const path of inclusion) {
    const v = parseVector(path);
    it(`inclusion ${relative(ROOT, path)} ${v.wantErr ? 'is rejected' : 'verifies'}`, () => {
      const run = (): void =>
        verifyInclusion(hasher, int(v.leafIdx), int(v.treeSize), b64(v.leafHash), b64list(v.proof), b64(v.root));
      if (v.wantErr) expect(run).toThrow();
      else expect(run).not.toThrow();
    });
  }

  for (const path of consistency) {
    const v = parseVector(path);
    it(`consistency ${relative(ROOT, path)} ${v.wantErr ? 'is rejected' : 'verifies'}`, () => {
      const run = (): void =>
        verifyConsistency(hasher, int(v.size1), int(v.size2), b64list(v.proof), b64(v.root1), b64(v.root2));
      if (v.wantErr) expect(run).toThrow();
      else expect(run).not.toThrow();
    });
  }
});
