// Development bootstrap for the export worker (tsx, vitest): Node 20 does not pass the parent's
// `--import tsx` hooks to worker threads, so the worker registers tsx itself and loads worker.ts.
// A packaged build starts the bundled worker.js directly and never uses this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
