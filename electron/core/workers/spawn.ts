import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Every worker thread the app starts, by id, with its source module (repo-relative). The desktop build
 * (`electron.vite.config.ts`) bundles each one to `out/main/workers/<id>.js`; several sources share the
 * file name `worker.ts`, so the id, not the file name, names the bundle.
 */
export const WORKER_ENTRIES = {
  'audit-verify': 'electron/core/audit/verify-worker.ts',
  'vault-heavy': 'electron/core/vault/heavy-worker.ts',
  'nrp-solve': 'electron/core/solver/nrp/worker.ts',
  'residency-solve': 'electron/core/solver/residency/worker.ts',
  'export-render': 'electron/core/exchange/export/worker.ts',
  'import-plan': 'electron/core/exchange/import/worker.ts',
  'compliance-check': 'electron/core/schedule/compliance-worker.ts',
  'password-hash': 'electron/core/accounts/password-worker.ts',
} as const;

export type WorkerId = keyof typeof WORKER_ENTRIES;

// spawn.ts sits at electron/core/workers/, three levels below the repository root.
const REPO_ROOT = new URL('../../../', import.meta.url);

let bundledDir: string | null = null;

/**
 * Switches to the bundled workers in `dir` (`<dir>/<id>.js`). Only the Electron glue calls this: the
 * desktop build has no source tree next to the main bundle. `null` goes back to source mode.
 */
export function useBundledWorkers(dir: string | null): void {
  bundledDir = dir === null ? null : resolve(dir);
}

export function bundledWorkersDir(): string | null {
  return bundledDir;
}

/**
 * Starts worker `id`. Bundled: `<dir>/<id>.js`. Source (tsx: development, tests, the CLI): Node 20 does
 * not apply the parent's `--import tsx` hooks to worker threads, so a bootstrap registers tsx inside the
 * worker and then imports the TypeScript entry.
 */
export function spawnWorker(id: WorkerId, workerData: Record<string, unknown> = {}): Worker {
  if (bundledDir !== null) return new Worker(pathToFileURL(resolve(bundledDir, `${id}.js`)), { workerData });
  if (!import.meta.url.endsWith('.ts')) {
    throw new Error(`worker ${id}: running from a bundle without useBundledWorkers(dir)`);
  }
  const entry = new URL(WORKER_ENTRIES[id], REPO_ROOT);
  return new Worker(new URL('./tsx-worker.mjs', import.meta.url), { workerData: { ...workerData, entry: entry.href } });
}

/**
 * A one-shot job: starts worker `id` and settles with its first message, then terminates it. An
 * error, an exit before answering, or (with `timeout`) running too long rejects. `started` runs
 * right after the worker was created (e.g. to zero keys copied into its workerData).
 */
export function runWorkerOnce<M>(
  id: WorkerId,
  workerData: Record<string, unknown>,
  opts: { timeout?: { ms: number; error: () => Error }; started?: () => void } = {},
): Promise<M> {
  return new Promise<M>((resolvePromise, reject) => {
    let worker: Worker;
    try {
      worker = spawnWorker(id, workerData);
    } finally {
      opts.started?.();
    }
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timeout = opts.timeout;
    const timer = timeout ? setTimeout(() => finish(() => reject(timeout.error())), timeout.ms) : null;
    worker.once('message', (m: M) => finish(() => resolvePromise(m)));
    worker.once('error', (err) => finish(() => reject(err)));
    worker.once('exit', (code) => finish(() => reject(new Error(`worker ${id} exited with code ${code}`))));
  });
}
