import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from './resources';

// electron-vite embeds the version in the desktop build (electron.vite.config.ts, `define`): the
// bundle has no package.json beside it. Under tsx and vitest it is read from the app's package.json.
declare const __RSCHED_APP_VERSION__: string | undefined;

/** The product version. */
export const APP_VERSION: string =
  typeof __RSCHED_APP_VERSION__ === 'string' ? __RSCHED_APP_VERSION__ : (JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
