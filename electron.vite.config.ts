import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { WORKER_ENTRIES } from './electron/core/workers/spawn';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// The bundle has no package.json beside it: the version is embedded (electron/core/version.ts).
const appVersion = (JSON.parse(readFileSync(here('./package.json'), 'utf8')) as { version: string }).version;

// The desktop build: main process (ESM), sandboxed preload (CommonJS, as sandboxed preloads must be)
// and the renderer. Native modules stay external and load from node_modules at run time. Each worker
// thread is its own entry, out/main/workers/<id>.js, which spawnWorker starts in the desktop app.
const workerInputs = Object.fromEntries(Object.entries(WORKER_ENTRIES).map(([id, source]) => [`workers/${id}`, here(`./${source}`)]));

export default defineConfig({
  main: {
    define: { __RSCHED_APP_VERSION__: JSON.stringify(appVersion) },
    build: {
      outDir: here('./out/main'),
      rollupOptions: {
        input: { index: here('./electron/main/index.ts'), ...workerInputs },
        external: ['better-sqlite3-multiple-ciphers', 'better-sqlite3', 'highs'],
      },
    },
  },
  preload: {
    build: {
      outDir: here('./out/preload'),
      rollupOptions: {
        input: { index: here('./electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: here('./renderer'),
    plugins: [react()],
    build: {
      outDir: here('./out/renderer'),
      modulePreload: { polyfill: false },
      rollupOptions: { input: { index: here('./renderer/index.html') } },
    },
  },
});
