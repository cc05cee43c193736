// Worker entry for verifyAudit. Workers do not inherit a TypeScript loader from vitest, so this
// plain-JS shim registers tsx and then loads the TypeScript worker (as bin/rsched.mjs does).
// A packaged build bundles verify-worker.ts and points the Worker at the bundle instead.
import { register } from 'tsx/esm/api';

register();
await import('./verify-worker.ts');
