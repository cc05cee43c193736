import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { ChunkInput } from './verify-chunk';

/** Which entries one chunk covers and what the stitching step needs back from it. */
export interface ChunkRequest {
  id: number;
  start: number;
  length: number;
  sizes: number[];
  deep: boolean;
  maxProblems: number;
}

/**
 * Reads one chunk; one aggregated buffer per column when the chunk is intact (see verify-chunk).
 * Runs on the main thread's connection or on a verify worker's own read-only connection.
 */
export function readChunk(db: Database, req: ChunkRequest): ChunkInput {
  const { start, length } = req;
  const end = start + length;
  // group_concat without ORDER BY follows the rowid range scan, i.e. seq order; each entry's own
  // seq field is checked against its position anyway, so a different order could not pass.
  const agg = db
    .prepare(
      "SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi, CAST(char(0) || group_concat(coalesce(entry, ''), char(0)) AS BLOB) AS texts FROM audit_entry WHERE seq >= ? AND seq < ?",
    )
    .get(start, end) as { n: number; lo: number | null; hi: number | null; texts: Buffer | null };
  const leafAgg = db
    .prepare("SELECT count(*) AS n, CAST(group_concat(hash, '') AS BLOB) AS leaves FROM audit_node WHERE level = 0 AND idx >= ? AND idx < ?")
    .get(start, end) as { n: number; leaves: Buffer | null };
  let texts: ChunkInput['texts'] | null = null;
  if (agg.n === length && agg.lo === start && agg.hi === end - 1 && agg.texts) {
    let zeros = 0;
    for (let at = agg.texts.indexOf(0); at !== -1; at = agg.texts.indexOf(0, at + 1)) zeros++;
    if (zeros === length) texts = agg.texts;
  }
  if (!texts) {
    // Something is off in this chunk (a missing row, a NUL inside an entry): read row by row.
    const arr: Array<string | null> = new Array<string | null>(length).fill(null);
    for (const r of db.prepare('SELECT seq, entry FROM audit_entry WHERE seq >= ? AND seq < ? ORDER BY seq').iterate(start, end) as Iterable<{ seq: number; entry: unknown }>) {
      arr[r.seq - start] = typeof r.entry === 'string' ? r.entry : r.entry === null ? '' : String(r.entry);
    }
    texts = arr;
  }
  let leaves: ChunkInput['leaves'];
  if (leafAgg.n === length && leafAgg.leaves && leafAgg.leaves.length === length * 32) {
    leaves = leafAgg.leaves;
  } else {
    const arr = new Array<Uint8Array | null>(length).fill(null);
    for (const r of db.prepare('SELECT idx, hash FROM audit_node WHERE level = 0 AND idx >= ? AND idx < ?').iterate(start, end) as Iterable<{ idx: number; hash: Buffer }>) {
      if (r.hash.length === 32) arr[r.idx - start] = r.hash;
    }
    leaves = arr;
  }
  return { ...req, texts, leaves };
}
