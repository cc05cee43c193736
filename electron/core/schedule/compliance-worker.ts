import { parentPort } from 'node:worker_threads';
import { findingsOf, type YearCheckInput } from './compliance';

/** The compliance worker: full-year checks off the main thread. One request at a time, by id. */
parentPort?.on('message', (msg: { id: number; input: YearCheckInput }) => {
  try {
    parentPort?.postMessage({ id: msg.id, ok: true, result: findingsOf(msg.input) });
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
