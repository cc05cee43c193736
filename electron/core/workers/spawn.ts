import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module given as a URL to its TypeScript source. Under tsx (development,
 * tests, the CLI) it goes through the bootstrap that registers tsx inside the worker; in a built app
 * the sibling `.js` file is started directly.
 */
export function spawnWorker(entry: URL, workerData: Record<string, unknown> = {}): Worker {
  if (entry.pathname.endsWith('.ts')) {
    return new Worker(new URL('./tsx-worker.mjs', import.meta.url), { workerData: { ...workerData, entry: entry.href } });
  }
  return new Worker(entry, { workerData });
}
