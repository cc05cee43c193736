import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one way the core finds the files the app ships in `resources/` (the notice, the incident
 * templates) and its package.json. A URL relative to the calling module breaks once electron-vite
 * bundles the core into out/main (and its shared chunks), so by default this walks up from its own
 * module to the app's folder: the repository under tsx and vitest, and the project folder of a local
 * desktop build. The packaged app keeps them under `process.resourcesPath`, which only the Electron
 * glue knows: it calls useResourcesDir, as it calls useBundledWorkers.
 */
const APP_PACKAGE_NAME = 'residency-scheduler';

let configuredDir: string | null = null;
let foundRoot: string | null = null;

/** Points the core at `dir` for its resources (the packaged app). `null` goes back to the default. */
export function useResourcesDir(dir: string | null): void {
  configuredDir = dir === null ? null : resolve(dir);
}

export function resourcesDir(): string {
  return configuredDir ?? join(appRoot(), 'resources');
}

/** A file or folder inside the resources, e.g. `resourcePath('incident-templates', 'hhs-summary.txt')`. */
export function resourcePath(...segments: string[]): string {
  return join(resourcesDir(), ...segments);
}

/** The app's folder (package.json and resources/) above this module, found once. */
export function appRoot(): string {
  foundRoot ??= findAppRoot(dirname(fileURLToPath(import.meta.url)));
  return foundRoot;
}

/** The first folder at or above `from` holding the app's package.json and a resources folder. */
export function findAppRoot(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (isAppRoot(dir)) return dir;
    if (dirname(dir) === dir) throw new Error(`no ${APP_PACKAGE_NAME} package.json with a resources folder above ${from}`);
  }
}

function isAppRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg) || !existsSync(join(dir, 'resources'))) return false;
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === APP_PACKAGE_NAME;
}
