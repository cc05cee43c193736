import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core/app';
import { startPreview } from './server';

/**
 * Starts the browser preview: the real core on this machine, the renderer in any browser, bound to
 * 127.0.0.1 behind a random token. For development and end-to-end tests; never packaged.
 *   node --import tsx electron/preview/main.ts [--data DIR] [--port N]
 */
function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dataDir = resolve(argValue('--data') ?? process.env.RSCHED_DATA_DIR ?? join(homedir(), '.residency-scheduler', 'preview-vault'));
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const rendererDir = fileURLToPath(new URL('../../out/renderer', import.meta.url));
const core = createCore({ dataDir, transport: 'preview' });
const portArg = argValue('--port');
const preview = await startPreview({
  dispatcher: core.dispatcher,
  rendererDir,
  logger: core.services.logger,
  ...(portArg ? { port: Number(portArg) } : {}),
});
// The URL carries the token: it goes to stdout for the person who started it, never to a log file.
process.stdout.write(`Residency Scheduler browser preview: ${preview.url}\n`);
process.stdout.write(`Vault folder: ${dataDir}\nPress Ctrl+C to stop.\n`);

const stop = (): void => {
  core.shutdown();
  void preview.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
