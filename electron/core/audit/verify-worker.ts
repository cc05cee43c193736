import { parentPort } from 'node:worker_threads';
import { processChunk, type ChunkInput } from './verify-chunk';

/** Worker side of verifyAudit: processes chunks the main thread read from the database. */
if (!parentPort) throw new Error('verify-worker must run in a worker thread');
const port = parentPort;
port.on('message', (input: ChunkInput) => {
  try {
    port.postMessage({ ok: true, result: processChunk(input) });
  } catch (err) {
    port.postMessage({ ok: false, id: input.id, message: err instanceof Error ? err.message : String(err) });
  }
});
