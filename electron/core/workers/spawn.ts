import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a sibling module of the caller, e.g. `spawnWorker(import.meta.url,
 * './worker', data)`. Built code (the caller is .js) starts `worker.js` directly. Under tsx (development,
 * tests, the CLI) the caller is .ts, and Node 20 does not apply the parent's `--import tsx` hooks to
 * worker threads, so a bootstrap registers tsx inside the worker and then imports `worker.ts`.
 */
export function spawnWorker(callerUrl: string, name: string, workerData: Record<string, unknown> = {}): Worker {
  const typescript = callerUrl.endsWith('.ts');
  const entry = new URL(`${name}.${typescript ? 'ts' : 'js'}`, callerUrl);
  if (typescript) return new Worker(new URL('./tsx-worker.mjs', import.meta.url), { workerData: { ...workerData, entry: entry.href } });
  return new Worker(entry, { workerData });
}
