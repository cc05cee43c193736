// Bootstrap for running a TypeScript worker in development (tsx, vitest): Node 20 does not apply
// the parent's `--import tsx` hooks to worker threads, so the worker registers tsx itself and then
// loads the real entry. Built code starts worker.js directly and never uses this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
