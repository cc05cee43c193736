import type { Database } from 'better-sqlite3-multiple-ciphers';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { AuditProblem, AuditVerifyReport } from '../../../shared/audit/verify';
import { CompactRange } from '../../../shared/merkle/tree';
import { AUDIT_SCHEMA_V10 } from '../db/migrations/0010_audit_log';
import { AUDIT_SCHEMA } from '../db/migrations/0011_audit_leaf_guard';
import { readAnchor } from './anchor';
import { checkSignedCheckpoint, originFor, type SignedCheckpoint } from './checkpoint';
import { nodeHasher } from './hash';
import { normalizePem } from './signer';
import { readerFor, type VerifyReader } from '../vault/readers';
import { spawnWorker } from '../workers/spawn';
import { processChunk, type ChunkInput, type ChunkResult } from './verify-chunk';
import { deepProblem } from './verify-deep';
import { readChunk, type ChunkRequest } from './verify-read';
import type { VerifyWorkerMessage, VerifyWorkerReply } from './verify-worker';

export interface VerifyOptions {
  /** The local anchor file; null = not configured (reported as such). */
  anchorPath?: string | null;
  /** The device key the log must be signed with (pinned elsewhere); default: the anchor's, else the first checkpoint's. */
  trustedPublicKeyPem?: string;
  /** Worker threads; default 0 below 200,000 entries (start-up costs ~0.5 s), else min(2, cores). */
  workers?: number;
  /** Entries per chunk, a power of two (default 16384). */
  chunkSize?: number;
  /** Also validate every entry against the zod schema and its canonical form (slower). */
  deep?: boolean;
  maxProblems?: number;
  now?: () => number;
  /**
   * Lets the worker threads open their own read-only connections (file and data key), so reading
   * and decrypting pages spreads over the cores. Default: the key the vault registered for this
   * connection (vault/readers.ts); null: workers only hash what the main thread reads.
   */
  reader?: VerifyReader | null;
}

interface CheckpointRow {
  size: number;
  root: Buffer;
  time: string;
  origin: string;
  body: string;
  signature: Buffer;
  device_id: string;
  public_key_pem: string;
}

const normalizeSql = (sql: string): string => sql.replace(/\s+/g, ' ').trim();

function schemaProblems(rows: Array<{ type: string; name: string; sql: string | null }>, expected: typeof AUDIT_SCHEMA): AuditProblem[] {
  const problems: AuditProblem[] = [];
  const byName = new Map(rows.map((r) => [r.name, r]));
  for (const want of expected) {
    const got = byName.get(want.name);
    if (!got) problems.push({ kind: 'schema', seq: null, message: `${want.type} ${want.name} is missing (append-only protection removed?)` });
    else if (got.type !== want.type || normalizeSql(got.sql ?? '') !== normalizeSql(want.sql)) {
      problems.push({ kind: 'schema', seq: null, message: `${want.type} ${want.name} was altered` });
    }
  }
  const known = new Set(expected.map((s) => s.name));
  for (const r of rows) {
    if (!known.has(r.name) && r.sql !== null) problems.push({ kind: 'schema', seq: null, message: `unexpected ${r.type} ${r.name} on the audit tables` });
  }
  return problems;
}

/**
 * The audit tables, indexes and triggers must be exactly what the migrations created: the current
 * schema, or exactly version 10's for a database file not opened by this version yet (e.g.
 * `rsched audit verify --db` on a copy).
 */
function checkSchema(db: Database, problems: AuditProblem[]): void {
  const rows = db
    .prepare("SELECT type, name, tbl_name AS tbl, sql FROM sqlite_schema WHERE name LIKE 'audit%' OR tbl_name LIKE 'audit%'")
    .all() as Array<{ type: string; name: string; tbl: string; sql: string | null }>;
  const current = schemaProblems(rows, AUDIT_SCHEMA);
  if (current.length > 0 && schemaProblems(rows, AUDIT_SCHEMA_V10).length === 0) return;
  problems.push(...current);
}

/** Buffers that own their memory move to the worker instead of being copied. */
function transferables(input: ChunkInput): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of [input.texts, input.leaves]) {
    if (v instanceof Uint8Array && v.byteOffset === 0 && v.buffer instanceof ArrayBuffer && v.byteLength === v.buffer.byteLength) out.push(v.buffer);
  }
  return out;
}

/**
 * A small pool of verify workers. Each handles one chunk at a time. With a reader key every worker
 * reads its own chunks on its own connection (the main thread only hands out chunk numbers);
 * otherwise the main thread reads ahead while they work, holding at most `ahead` read chunks in
 * memory (each is about 8 MB).
 */
class Pool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: VerifyWorkerMessage[] = [];
  private readonly pending = new Map<number, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();
  private readonly busy = new Map<Worker, number>();
  private readonly settled: Array<Promise<ChunkResult>> = [];
  private wakers: Array<() => void> = [];
  private failure: Error | null = null;
  private readonly opened: Array<Promise<boolean>> = [];

  private ahead = 2;

  private constructor(size: number, reader: VerifyReader | null) {
    for (let i = 0; i < size; i++) {
      const w = spawnWorker('audit-verify');
      let ack: ((ok: boolean) => void) | null = null;
      if (reader) this.opened.push(new Promise<boolean>((resolve) => (ack = resolve)));
      w.on('message', (msg: VerifyWorkerReply) => {
        if (msg.kind === 'opened') {
          ack?.(msg.ok);
          return;
        }
        const id = this.busy.get(w);
        this.busy.delete(w);
        this.idle.push(w);
        const p = id === undefined ? undefined : this.pending.get(id);
        if (id !== undefined) this.pending.delete(id);
        if (msg.ok) p?.resolve(msg.result);
        else p?.reject(new Error(msg.message));
        this.pump();
      });
      w.on('error', (err) => {
        // A dead worker fails the whole verification rather than hanging it.
        this.failure = err;
        ack?.(false);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        for (const wake of this.wakers.splice(0)) wake();
      });
      // Each worker gets its own copy of the key, which it zeroes once its connection is keyed.
      if (reader) {
        // Transferred, not cloned: no second copy of the key stays behind on this thread's heap.
        const dek = new Uint8Array(reader.dek);
        w.postMessage({ kind: 'open', path: reader.path, dek } satisfies VerifyWorkerMessage, [dek.buffer]);
      }
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  /** Starts the workers; `readsInWorkers` is false when no reader was given or a worker could not open the file. */
  static async start(size: number, reader: VerifyReader | null): Promise<{ pool: Pool; readsInWorkers: boolean }> {
    const pool = new Pool(size, reader);
    const readsInWorkers = reader !== null && (await Promise.all(pool.opened)).every(Boolean);
    // Requests are a few bytes: queue them all. Chunks read here hold ~8 MB each: two at most.
    if (readsInWorkers) pool.ahead = Number.POSITIVE_INFINITY;
    return { pool, readsInWorkers };
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop() as Worker;
      const msg = this.queue.shift() as VerifyWorkerMessage;
      if (msg.kind === 'open') continue;
      const input = msg.kind === 'read' ? msg.req : msg.input;
      this.busy.set(w, input.id);
      w.postMessage(msg, msg.kind === 'process' ? transferables(msg.input) : []);
    }
    if (this.queue.length < this.ahead) for (const wake of this.wakers.splice(0)) wake();
  }

  /** Queues a chunk; waits while `ahead` chunks are already waiting for a worker. */
  async submit(msg: Extract<VerifyWorkerMessage, { kind: 'read' | 'process' }>): Promise<void> {
    while (this.queue.length >= this.ahead && !this.failure) await new Promise<void>((r) => this.wakers.push(r));
    if (this.failure) throw this.failure;
    const id = msg.kind === 'read' ? msg.req.id : msg.input.id;
    const settled = new Promise<ChunkResult>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // results() reports a failure; until it is awaited, a rejection must not count as unhandled.
    settled.catch(() => undefined);
    this.settled.push(settled);
    this.queue.push(msg);
    this.pump();
  }

  results(): Promise<ChunkResult[]> {
    return Promise.all(this.settled);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Verifies the whole audit trail: schema and triggers; every entry against its stored leaf hash,
 * its position (seq) and the hash chain; the Merkle roots recomputed from the entries against every
 * signed checkpoint and the local anchor; checkpoint signatures and key; truncation. Reports the
 * first sequence number that cannot be trusted.
 */
export async function verifyAudit(db: Database, opts: VerifyOptions = {}): Promise<AuditVerifyReport> {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  const maxProblems = opts.maxProblems ?? 50;
  const chunkSize = opts.chunkSize ?? 16384;
  if (chunkSize < 2 || (chunkSize & (chunkSize - 1)) !== 0) throw new RangeError('chunkSize must be a power of two');
  const chunkLevel = Math.log2(chunkSize);
  const problems: AuditProblem[] = [];

  checkSchema(db, problems);

  // Read everything in one snapshot: a writer may keep appending meanwhile.
  const snapshot = db.transaction(() => {
    const max = db.prepare('SELECT max(seq) FROM audit_entry').pluck().get() as number | null;
    const cps = db.prepare('SELECT * FROM audit_checkpoint ORDER BY size').all() as CheckpointRow[];
    return { size: max === null ? 0 : max + 1, cps };
  });
  const { size, cps } = snapshot.deferred();

  // Anchor and checkpoints: signatures, key, format.
  let anchor: SignedCheckpoint | null = null;
  let anchorState: AuditVerifyReport['anchor'] = 'not-configured';
  if (opts.anchorPath) {
    try {
      anchor = readAnchor(opts.anchorPath);
      anchorState = anchor ? 'ok' : 'missing';
    } catch {
      anchorState = 'bad';
      problems.push({ kind: 'anchor', seq: null, message: 'the anchor file is unreadable' });
    }
    if (anchor && checkSignedCheckpoint(anchor).ok !== true) {
      anchorState = 'bad';
      problems.push({ kind: 'anchor', seq: null, message: 'the anchor signature is not valid' });
      anchor = null;
    }
    if (anchorState === 'missing' && cps.length > 0) {
      problems.push({ kind: 'anchor', seq: null, message: 'checkpoints exist but the anchor file is missing' });
    }
  }
  const trusted = normalizePem(opts.trustedPublicKeyPem ?? anchor?.publicKeyPem ?? cps[0]?.public_key_pem ?? '');
  const checkpoints: SignedCheckpoint[] = [];
  for (const r of cps) {
    const cp: SignedCheckpoint = { size: r.size, root: r.root, time: r.time, origin: r.origin, body: r.body, signature: r.signature, deviceId: r.device_id, publicKeyPem: r.public_key_pem };
    const check = checkSignedCheckpoint(cp);
    if (check.ok !== true) {
      problems.push({ kind: 'checkpoint-signature', seq: null, message: `checkpoint at size ${cp.size}: ${check.why === 'signature' ? 'signature not valid' : 'body does not match its columns'}` });
      continue;
    }
    if (normalizePem(cp.publicKeyPem) !== trusted || cp.origin !== originFor(cp.deviceId)) {
      problems.push({ kind: 'checkpoint-key', seq: null, message: `checkpoint at size ${cp.size} is signed by an unexpected key or origin` });
      continue;
    }
    checkpoints.push(cp);
  }
  if (anchor && normalizePem(anchor.publicKeyPem) !== trusted) {
    problems.push({ kind: 'anchor', seq: null, message: 'the anchor is signed by an unexpected key' });
    anchor = null;
  }

  // Truncation: a signed size beyond the rows present.
  const signedMax = Math.max(0, ...checkpoints.map((c) => c.size), anchor?.size ?? 0);
  if (signedMax > size) {
    problems.push({ kind: 'truncated', seq: size, message: `the log has ${size} entries but a signed checkpoint covers ${signedMax}: entries from ${size} on were removed` });
  }
  const rowCount = db.prepare('SELECT count(*) FROM audit_entry').pluck().get() as number;

  // Roots to recompute: every checkpoint and the anchor that fall within the log.
  const expected = new Map<number, Array<{ root: Buffer; what: string }>>();
  for (const c of checkpoints) if (c.size <= size) expected.set(c.size, [...(expected.get(c.size) ?? []), { root: c.root, what: `checkpoint at size ${c.size}` }]);
  if (anchor && anchor.size <= size && anchor.size > 0) expected.set(anchor.size, [...(expected.get(anchor.size) ?? []), { root: anchor.root, what: `anchor at size ${anchor.size}` }]);
  const wantSizes = [...expected.keys()].sort((a, b) => a - b);

  // Entries, chunk by chunk.
  const nChunks = Math.ceil(size / chunkSize);
  const workerCount = Math.min(opts.workers ?? (size >= 200_000 ? Math.min(2, availableParallelism()) : 0), nChunks);
  const request = (id: number): ChunkRequest => {
    const start = id * chunkSize;
    const length = Math.min(chunkSize, size - start);
    const sizes = wantSizes.filter((s) => s > start && s <= start + length);
    return { id, start, length, sizes, deep: opts.deep ?? false, maxProblems };
  };
  const reader = opts.reader === undefined ? readerFor(db) : opts.reader;
  let results: ChunkResult[];
  let parallelReads = false;
  if (workerCount > 0) {
    const { pool, readsInWorkers } = await Pool.start(workerCount, reader);
    parallelReads = readsInWorkers;
    try {
      for (let id = 0; id < nChunks; id++) {
        if (readsInWorkers) await pool.submit({ kind: 'read', req: request(id) });
        else await pool.submit({ kind: 'process', input: readChunk(db, request(id)) });
      }
      results = await pool.results();
    } finally {
      await pool.close();
    }
  } else {
    results = [];
    for (let id = 0; id < nChunks; id++) results.push(processChunk(readChunk(db, request(id)), deepProblem));
  }
  results.sort((a, b) => a.id - b.id);

  // Stitch chunks: chain across boundaries, roots at checkpoint sizes, stored upper nodes.
  const upper = new Map<string, Buffer>();
  for (const r of db.prepare('SELECT level, idx, hash FROM audit_node WHERE level >= ?').iterate(chunkLevel) as Iterable<{ level: number; idx: number; hash: Buffer }>) {
    upper.set(`${r.level}/${r.idx}`, r.hash);
  }
  const chunkRange = new CompactRange(nodeHasher);
  let broken = false;
  let lastGood = 0;
  const matched = new Set<number>();
  let redactedCount = 0;
  let retentionBefore = -1;
  const redactedRuns: Array<[number, number]> = [];
  let prevLast: Uint8Array | null = null;
  for (const r of results) {
    problems.push(...r.problems);
    retentionBefore = Math.max(retentionBefore, r.retentionBefore);
    for (const run of r.redacted) {
      redactedRuns.push(run);
      redactedCount += run[1] - run[0];
    }
    if (r.start > 0 && prevLast && r.firstPrev !== null && r.firstPrev !== Buffer.from(prevLast).toString('base64')) {
      const selfBad = r.problems.some((p) => p.seq === r.start);
      problems.push({ kind: 'chain-broken', seq: selfBad ? r.start : r.start - 1, message: `entry ${r.start} does not chain to entry ${r.start - 1}` });
    }
    prevLast = r.lastLeaf;
    if (!broken) {
      for (const p of r.partials) {
        const hashes = [...chunkRange.nodes().map((n) => n.hash), ...p.hashes];
        let acc = hashes[hashes.length - 1] as Uint8Array;
        for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHasher.nodeHash(hashes[i] as Uint8Array, acc);
        for (const want of expected.get(p.size) ?? []) {
          if (!Buffer.from(acc).equals(want.root)) {
            problems.push({ kind: 'checkpoint-root', seq: lastGood, message: `the entries do not produce the signed root of the ${want.what}: an entry from ${lastGood} to ${p.size - 1} was changed` });
          } else {
            lastGood = Math.max(lastGood, p.size);
            matched.add(p.size);
          }
        }
      }
      if (r.brokenAt !== null) broken = true;
      else if (r.length === chunkSize && r.root) {
        const stored = upper.get(`${chunkLevel}/${r.id}`);
        if (!stored || !stored.equals(r.root)) problems.push({ kind: 'node-mismatch', seq: r.start, message: `stored tree node for entries ${r.start}-${r.start + chunkSize - 1} does not match` });
        chunkRange.append(r.root, (level, index, hash) => {
          const s = upper.get(`${level + chunkLevel}/${index}`);
          const first = index * 2 ** (level + chunkLevel);
          if (!s || !s.equals(hash)) problems.push({ kind: 'node-mismatch', seq: first, message: `stored tree node at level ${level + chunkLevel} index ${index} does not match` });
        });
      }
    }
  }
  if (rowCount !== size && !problems.some((p) => p.kind === 'entry-missing')) {
    problems.push({ kind: 'entry-missing', seq: null, message: `${size - rowCount} entries are missing` });
  }
  for (const [from, to] of redactedRuns) {
    if (to > retentionBefore) {
      const seq = Math.max(from, retentionBefore);
      problems.push({ kind: 'redacted-without-retention', seq, message: `the payload of entry ${seq} is gone without a retention record covering it` });
      break;
    }
  }

  // Most useful first: problems that name an entry, earliest first.
  problems.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));
  // Entry-level findings name the exact entry; tree-level ones (a root or stored node that does not
  // match) only bound a range, so they decide firstBadSeq only when nothing more precise exists.
  const precise = problems.filter((p) => p.kind !== 'checkpoint-root' && p.kind !== 'node-mismatch');
  const seqs = (precise.some((p) => p.seq !== null) ? precise : problems).map((p) => p.seq).filter((s): s is number => s !== null);
  const last = checkpoints[checkpoints.length - 1];
  return {
    ok: problems.length === 0,
    size,
    firstBadSeq: seqs.length > 0 ? Math.min(...seqs) : null,
    checkpointsVerified: checkpoints.filter((c) => matched.has(c.size)).length,
    lastCheckpoint: last ? { size: last.size, root: last.root.toString('base64'), time: last.time } : null,
    anchor: anchorState,
    redacted: redactedCount,
    problems: problems.slice(0, maxProblems),
    workers: workerCount,
    parallelReads,
    durationMs: now() - t0,
  };
}
