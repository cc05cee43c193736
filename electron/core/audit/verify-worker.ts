import type { Database } from 'better-sqlite3-multiple-ciphers';
import { parentPort } from 'node:worker_threads';
import { harden, tryOpen } from '../vault/connection';
import { processChunk, type ChunkInput, type DeepCheck } from './verify-chunk';
import { readChunk, type ChunkRequest } from './verify-read';

/**
 * Worker side of verifyAudit. With a reader key it opens its own read-only connection and reads
 * the chunks it verifies, so page decryption runs on every core instead of only the main thread;
 * without one it processes chunks the main thread read.
 */
export type VerifyWorkerMessage =
  | { kind: 'open'; path: string; dek: Uint8Array }
  | { kind: 'read'; req: ChunkRequest }
  | { kind: 'process'; input: ChunkInput };

export type VerifyWorkerReply =
  | { kind: 'opened'; ok: boolean }
  | { kind: 'result'; ok: true; result: ReturnType<typeof processChunk> }
  | { kind: 'result'; ok: false; id: number; message: string };

if (!parentPort) throw new Error('verify-worker must run in a worker thread');
const port = parentPort;
let deep: DeepCheck | null = null;
let db: Database | null = null;

function open(path: string, dekCopy: Uint8Array): boolean {
  const dek = Buffer.from(dekCopy.buffer, dekCopy.byteOffset, dekCopy.byteLength);
  try {
    db = tryOpen(path, dek, { readonly: true });
    if (db) harden(db, { readonly: true });
    return db !== null;
  } catch {
    db?.close();
    db = null;
    return false;
  } finally {
    dek.fill(0);
  }
}

port.on('message', (msg: VerifyWorkerMessage) => {
  if (msg.kind === 'open') {
    port.postMessage({ kind: 'opened', ok: open(msg.path, msg.dek) } satisfies VerifyWorkerReply);
    return;
  }
  const id = msg.kind === 'read' ? msg.req.id : msg.input.id;
  void (async () => {
    try {
      const input = msg.kind === 'read' ? readWith(msg.req) : msg.input;
      // zod is loaded only for --deep: start-up time counts in a verification.
      if (input.deep && !deep) deep = (await import('./verify-deep')).deepProblem;
      port.postMessage({ kind: 'result', ok: true, result: processChunk(input, deep) } satisfies VerifyWorkerReply);
    } catch (err) {
      port.postMessage({ kind: 'result', ok: false, id, message: err instanceof Error ? err.message : String(err) } satisfies VerifyWorkerReply);
    }
  })();
});

function readWith(req: ChunkRequest): ChunkInput {
  if (!db) throw new Error('verify worker has no connection');
  return readChunk(db, req);
}

// The connection goes with the thread; closing it explicitly lets SQLite release its locks at once.
port.on('close', () => db?.close());
