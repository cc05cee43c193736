// Bootstrap for a TypeScript worker in development (tsx, vitest): Node 20 does not apply the parent's
// `--import tsx` hooks to worker threads, so the worker registers tsx itself, then loads the entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
