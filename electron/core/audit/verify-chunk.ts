import { AuditEntry } from '../../../shared/audit/entry';
import type { AuditProblem } from '../../../shared/audit/verify';
import { canonicalJson } from '../../../shared/canonical-json';
import { CompactRange } from '../../../shared/merkle/tree';
import { leafHashOfText, nodeHasher } from './hash';

/**
 * One chunk of verification: a run of consecutive entries starting at a multiple of the chunk size
 * (a power of two), so the chunk is one perfect subtree of the log. Pure (no database): the main
 * thread reads rows and this runs either in place or in a worker thread.
 */
export interface ChunkInput {
  id: number;
  start: number;
  length: number;
  /**
   * Entry texts: either all of them joined by "\n" (canonical JSON never contains a raw newline)
   * or one per position. '' = payload destroyed (NULL), null = row missing.
   */
  texts: string | Array<string | null>;
  /** Stored leaf hashes (audit_node level 0): one hex string for all, or one per position ('' = missing). */
  leaves: string | string[];
  /** Tree sizes in (start, start + length] whose compact range the main thread needs. */
  sizes: number[];
  deep: boolean;
  maxProblems: number;
}

export interface ChunkResult {
  id: number;
  start: number;
  length: number;
  problems: AuditProblem[];
  /** prev field of the first entry (to check the chain across chunks), null if unreadable. */
  firstPrev: string | null;
  lastLeaf: Uint8Array | null;
  /** Hash of the whole chunk (a perfect subtree) when complete and computable. */
  root: Uint8Array | null;
  /** Compact range of [start, size) for each requested size. */
  partials: Array<{ size: number; hashes: Uint8Array[] }>;
  /** The tree could not be computed past this seq (a leaf hash is missing). */
  brokenAt: number | null;
  /** Runs [from, to) of entries whose payload is gone. */
  redacted: Array<[number, number]>;
  /** Largest beforeSeq announced by an audit.retention_redact entry in this chunk. */
  retentionBefore: number;
}

interface ParsedHead {
  seq?: unknown;
  prev?: unknown;
  action?: unknown;
  details?: { beforeSeq?: unknown };
}

export function processChunk(input: ChunkInput): ChunkResult {
  const { start, length } = input;
  const texts = typeof input.texts === 'string' ? input.texts.split('\n') : input.texts;
  const leafBytes = typeof input.leaves === 'string' ? Buffer.from(input.leaves, 'hex') : null;
  const sizes = new Set(input.sizes);
  const problems: AuditProblem[] = [];
  const problem = (kind: AuditProblem['kind'], seq: number, message: string): void => {
    if (problems.length < input.maxProblems) problems.push({ kind, seq, message });
  };
  if (texts.length !== length) throw new Error(`chunk ${input.id}: ${texts.length} texts for ${length} positions`);

  const range = new CompactRange(nodeHasher);
  const partials: ChunkResult['partials'] = [];
  const redacted: Array<[number, number]> = [];
  let firstPrev: string | null = null;
  let prevLeaf: Buffer | null = null;
  let brokenAt: number | null = null;
  let retentionBefore = -1;

  for (let i = 0; i < length; i++) {
    const seq = start + i;
    const text = texts[i];
    let stored: Buffer | null;
    if (leafBytes) stored = leafBytes.subarray(i * 32, i * 32 + 32);
    else {
      const hex = (input.leaves as string[])[i] ?? '';
      stored = hex.length === 64 ? Buffer.from(hex, 'hex') : null;
    }
    let leaf: Buffer | null;
    if (text === null || text === undefined) {
      problem('entry-missing', seq, `entry ${seq} is missing (deleted row)`);
      leaf = stored;
    } else if (text === '') {
      const last = redacted[redacted.length - 1];
      if (last && last[1] === seq) last[1] = seq + 1;
      else redacted.push([seq, seq + 1]);
      leaf = stored;
      if (!stored) problem('node-mismatch', seq, `entry ${seq} has neither payload nor leaf hash`);
    } else {
      leaf = leafHashOfText(text);
      if (!stored) problem('node-mismatch', seq, `the stored leaf hash of entry ${seq} is missing`);
      else if (!leaf.equals(stored)) problem('entry-modified', seq, `entry ${seq} does not match its stored leaf hash (modified)`);
      let head: ParsedHead | null;
      try {
        const parsed: unknown = JSON.parse(text);
        head = parsed !== null && typeof parsed === 'object' ? (parsed as ParsedHead) : null;
        if (input.deep && head) {
          if (!AuditEntry.safeParse(parsed).success) problem('entry-unreadable', seq, `entry ${seq} does not match the entry schema`);
          else if (canonicalJson(parsed) !== text) problem('entry-unreadable', seq, `entry ${seq} is not in canonical form`);
        }
      } catch {
        head = null;
      }
      if (!head) {
        problem('entry-unreadable', seq, `entry ${seq} is not a JSON object`);
      } else {
        if (head.seq !== seq) problem('entry-out-of-order', seq, `row ${seq} holds entry ${String(head.seq)} (reordered)`);
        const prev = typeof head.prev === 'string' ? head.prev : null;
        if (i === 0) firstPrev = prev;
        else if (prevLeaf && prev !== prevLeaf.toString('base64')) {
          // The break shows between seq-1 and seq. If entry seq is itself wrong (moved, modified),
          // that explains it; otherwise entry seq-1 was replaced along with its leaf hash.
          const selfBad = problems.some((p) => p.seq === seq);
          problem('chain-broken', selfBad ? seq : seq - 1, `entry ${seq} does not chain to entry ${seq - 1}`);
        }
        if (head.action === 'audit.retention_redact' && typeof head.details?.beforeSeq === 'number') {
          retentionBefore = Math.max(retentionBefore, head.details.beforeSeq);
        }
      }
    }
    if (leaf === null) {
      if (brokenAt === null) brokenAt = seq;
    } else if (brokenAt === null) {
      range.append(leaf);
    }
    prevLeaf = leaf;
    if (sizes.has(seq + 1) && brokenAt === null) partials.push({ size: seq + 1, hashes: range.nodes().map((n) => n.hash) });
  }
  const complete = brokenAt === null && range.size === length && (length & (length - 1)) === 0;
  return {
    id: input.id,
    start,
    length,
    problems,
    firstPrev,
    lastLeaf: prevLeaf,
    root: complete ? range.root() : null,
    partials,
    brokenAt,
    redacted,
    retentionBefore,
  };
}
