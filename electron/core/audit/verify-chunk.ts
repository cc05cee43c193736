import { hash } from 'node:crypto';
import type { AuditProblem } from '../../../shared/audit/verify';
import { CompactRange } from '../../../shared/merkle/tree';
import { nodeHasher } from './hash';

/**
 * One chunk of verification: a run of consecutive entries starting at a multiple of the chunk size
 * (a power of two), so a full chunk is one perfect subtree of the log. Pure (no database): the main
 * thread reads rows and this runs in place or in a worker thread.
 *
 * Speed (a million entries must verify in seconds): the main thread reads a chunk as ONE buffer in
 * which every entry is preceded by a 0x00 byte (SQL group_concat with char(0)); canonical JSON
 * never contains a raw NUL, so the buffer splits unambiguously, and 0x00 || entry is exactly the
 * leaf-hash input: each leaf is one zero-copy one-shot SHA-256 over a slice. The fast path reads
 * `seq` and `prev` without a full JSON parse: with sorted keys (RFC 8785) the top-level "prev" and
 * "seq" members come after every nested record (after/before/details sort before them), and quotes
 * inside strings are escaped, so their last occurrence is the top-level one. The leaf hash binds
 * the whole text regardless; `deep` parses and schema-checks every entry as well.
 */
export interface ChunkInput {
  id: number;
  start: number;
  length: number;
  /** Buffer: every entry preceded by 0x00 ('' = payload destroyed). Array: one per position, null = row missing. */
  texts: Uint8Array | Array<string | null>;
  /** Stored leaf hashes (audit_node level 0): 32 bytes per position, or one per position (null = missing). */
  leaves: Uint8Array | Array<Uint8Array | null>;
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
  /** prev field (base64) of the first entry, to check the chain across chunks; null if unreadable. */
  firstPrev: string | null;
  lastLeaf: Uint8Array | null;
  /** Hash of the whole chunk (a perfect subtree) when complete and computable. */
  root: Uint8Array | null;
  /** Compact range of [start, size) for each requested size. */
  partials: Array<{ size: number; hashes: Uint8Array[] }>;
  /** The tree could not be computed from this seq on (a leaf hash is missing). */
  brokenAt: number | null;
  /** Runs [from, to) of entries whose payload is gone. */
  redacted: Array<[number, number]>;
  /** Largest beforeSeq announced by an audit.retention_redact entry in this chunk. */
  retentionBefore: number;
}

const SEQ_KEY = Buffer.from('"seq":', 'latin1');
const PREV_KEY = Buffer.from('"prev":"', 'latin1');
const RETENTION = Buffer.from('{"action":"audit.retention_redact"', 'latin1');

/** Splits the 0x00-prefixed buffer into [start, end) of each entry (after its 0x00). */
function splitEntries(buf: Buffer, length: number): Array<[number, number]> | null {
  if (length === 0) return buf.length === 0 ? [] : null;
  if (buf[0] !== 0) return null;
  const out: Array<[number, number]> = [];
  let at = 1;
  for (;;) {
    const next = buf.indexOf(0, at);
    out.push([at, next === -1 ? buf.length : next]);
    if (next === -1) break;
    at = next + 1;
  }
  return out.length === length ? out : null;
}

/**
 * Last occurrence of `needle` starting in [s, t). A plain backward byte loop: the keys we look for
 * sit in the last hundred or so bytes of an entry, and Buffer#lastIndexOf would keep scanning the
 * whole chunk buffer behind the entry whenever a key is absent.
 */
function lastIndexIn(buf: Buffer, needle: Buffer, s: number, t: number): number {
  const first = needle[0] as number;
  outer: for (let i = t - needle.length; i >= s; i--) {
    if (buf[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (buf[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function readSeq(buf: Buffer, s: number, t: number): number | null {
  const p = lastIndexIn(buf, SEQ_KEY, s, t);
  if (p < 0) return null;
  let v = 0;
  let i = p + SEQ_KEY.length;
  const first = i;
  for (; i < t; i++) {
    const c = buf[i] as number;
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  return i === first ? null : v;
}

function readPrev(buf: Buffer, s: number, t: number): string | null {
  const q = lastIndexIn(buf, PREV_KEY, s, t);
  if (q < 0 || q + PREV_KEY.length + 45 > t || buf[q + PREV_KEY.length + 44] !== 0x22) return null;
  return buf.toString('latin1', q + PREV_KEY.length, q + PREV_KEY.length + 44);
}

/** Schema/canonical-form check for deep mode (verify-deep.ts), passed in so workers load zod only then. */
export type DeepCheck = (parsed: unknown, text: string) => string | null;

export function processChunk(input: ChunkInput, deepCheck: DeepCheck | null = null): ChunkResult {
  if (input.deep && !deepCheck) throw new Error('deep verification needs the deep check');
  const { start, length } = input;
  let buf: Buffer;
  let spans: Array<[number, number] | null>;
  if (Array.isArray(input.texts)) {
    // Slow path (a damaged chunk): one buffer per present entry, same layout.
    const parts: Buffer[] = [];
    spans = [];
    let off = 0;
    for (const t of input.texts) {
      if (t === null) {
        spans.push(null);
        continue;
      }
      const b = Buffer.from('\u0000' + t, 'utf8');
      parts.push(b);
      spans.push([off + 1, off + b.length]);
      off += b.length;
    }
    buf = Buffer.concat(parts);
  } else {
    buf = Buffer.from(input.texts.buffer, input.texts.byteOffset, input.texts.byteLength);
    const split = splitEntries(buf, length);
    if (!split) throw new Error(`chunk ${input.id}: entry buffer does not split into ${length} entries`);
    spans = split;
  }
  if (spans.length !== length) throw new Error(`chunk ${input.id}: ${spans.length} entries for ${length} positions`);
  const leavesBuf = Array.isArray(input.leaves) ? null : Buffer.from(input.leaves.buffer, input.leaves.byteOffset, input.leaves.byteLength);
  /** The stored leaf hash at position i as a Buffer (allocates: only used when no text to hash). */
  const leafAt = (i: number): Buffer | null => {
    if (leavesBuf) return leavesBuf.subarray(i * 32, i * 32 + 32);
    const l = (input.leaves as Array<Uint8Array | null>)[i];
    return l && l.length === 32 ? Buffer.from(l.buffer, l.byteOffset, l.byteLength) : null;
  };
  /** Compares a computed leaf with the stored one without allocating (the hot path). */
  const storedState = (i: number, leaf: Buffer): 'missing' | 'equal' | 'different' => {
    if (leavesBuf) return leaf.compare(leavesBuf, i * 32, i * 32 + 32) === 0 ? 'equal' : 'different';
    const l = (input.leaves as Array<Uint8Array | null>)[i];
    if (!l || l.length !== 32) return 'missing';
    return leaf.equals(l) ? 'equal' : 'different';
  };

  const sizes = new Set(input.sizes);
  const problems: AuditProblem[] = [];
  const problem = (kind: AuditProblem['kind'], seq: number, message: string): void => {
    if (problems.length < input.maxProblems) problems.push({ kind, seq, message });
  };
  const range = new CompactRange(nodeHasher);
  const partials: ChunkResult['partials'] = [];
  const redacted: Array<[number, number]> = [];
  let firstPrev: string | null = null;
  let prevLeaf: Buffer | null = null;
  let brokenAt: number | null = null;
  let retentionBefore = -1;

  for (let i = 0; i < length; i++) {
    const seq = start + i;
    const span = spans[i];
    let leaf: Buffer | null;
    if (!span) {
      problem('entry-missing', seq, `entry ${seq} is missing (deleted row)`);
      leaf = leafAt(i);
    } else if (span[0] === span[1]) {
      const stored = leafAt(i);
      const last = redacted[redacted.length - 1];
      if (last && last[1] === seq) last[1] = seq + 1;
      else redacted.push([seq, seq + 1]);
      leaf = stored;
      if (!stored) problem('node-mismatch', seq, `entry ${seq} has neither payload nor leaf hash`);
    } else {
      const [s, t] = span;
      // 0x00 || entry, straight from the buffer: the RFC 9162 leaf hash input.
      leaf = hash('sha256', buf.subarray(s - 1, t), 'buffer');
      const state = storedState(i, leaf);
      if (state === 'missing') problem('node-mismatch', seq, `the stored leaf hash of entry ${seq} is missing`);
      else if (state === 'different') problem('entry-modified', seq, `entry ${seq} does not match its stored leaf hash (modified)`);
      let entrySeq = readSeq(buf, s, t);
      let prev = readPrev(buf, s, t);
      if (input.deep || (t - s >= RETENTION.length && buf.compare(RETENTION, 0, RETENTION.length, s, s + RETENTION.length) === 0)) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(buf.toString('utf8', s, t));
        } catch {
          parsed = null;
        }
        const head = parsed !== null && typeof parsed === 'object' ? (parsed as { seq?: unknown; prev?: unknown; action?: unknown; details?: { beforeSeq?: unknown } }) : null;
        if (input.deep) {
          entrySeq = typeof head?.seq === 'number' ? head.seq : null;
          prev = typeof head?.prev === 'string' ? head.prev : null;
          const why = head && deepCheck ? deepCheck(parsed, buf.toString('utf8', s, t)) : 'is not a JSON object';
          if (why) problem('entry-unreadable', seq, `entry ${seq} ${why}`);
        }
        if (head?.action === 'audit.retention_redact' && typeof head.details?.beforeSeq === 'number') {
          retentionBefore = Math.max(retentionBefore, head.details.beforeSeq);
        }
      }
      if (entrySeq === null || prev === null) {
        problem('entry-unreadable', seq, `entry ${seq} has no readable seq or prev`);
      } else {
        if (entrySeq !== seq) problem('entry-out-of-order', seq, `row ${seq} holds entry ${entrySeq} (reordered)`);
        if (i === 0) firstPrev = prev;
        else if (prevLeaf && prev !== prevLeaf.toString('base64')) {
          // The break shows between seq-1 and seq. If entry seq is itself wrong (moved, modified),
          // that explains it; otherwise entry seq-1 was replaced along with its leaf hash.
          const selfBad = problems.some((p) => p.seq === seq);
          problem('chain-broken', selfBad ? seq : seq - 1, `entry ${seq} does not chain to entry ${seq - 1}`);
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
