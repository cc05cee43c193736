import * as electron from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDesktopApp } from './bootstrap';

// electron-vite builds this file to out/main/index.js, the worker threads to out/main/workers/<id>.js,
// the preload to out/preload/index.cjs and the renderer to out/renderer/. A packaged app ships
// resources/ as extra resources, beside app.asar.
startDesktopApp(electron, {
  preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
  rendererDir: fileURLToPath(new URL('../renderer', import.meta.url)),
  workersDir: fileURLToPath(new URL('./workers', import.meta.url)),
  resourcesDir: electron.app.isPackaged ? join(process.resourcesPath, 'resources') : null,
});
