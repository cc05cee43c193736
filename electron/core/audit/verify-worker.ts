import { parentPort } from 'node:worker_threads';
import { processChunk, type ChunkInput, type DeepCheck } from './verify-chunk';

/** Worker side of verifyAudit: processes chunks the main thread read from the database. */
if (!parentPort) throw new Error('verify-worker must run in a worker thread');
const port = parentPort;
let deep: DeepCheck | null = null;
port.on('message', (input: ChunkInput) => {
  void (async () => {
    try {
      // zod is loaded only for --deep: start-up time counts in a verification.
      if (input.deep && !deep) deep = (await import('./verify-deep')).deepProblem;
      port.postMessage({ ok: true, result: processChunk(input, deep) });
    } catch (err) {
      port.postMessage({ ok: false, id: input.id, message: err instanceof Error ? err.message : String(err) });
    }
  })();
});
