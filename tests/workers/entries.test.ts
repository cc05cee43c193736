import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WORKER_ENTRIES } from '../../electron/core/workers/spawn';
import viteConfig from '../../electron.vite.config';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SPAWN = 'electron/core/workers/spawn.ts';

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

describe('worker entries', () => {
  const ids = Object.keys(WORKER_ENTRIES);

  it('name a source module that exists', () => {
    for (const source of Object.values(WORKER_ENTRIES)) expect(existsSync(join(ROOT, source)), source).toBe(true);
  });

  it('are the only way the app starts a worker thread, and every entry is started somewhere', () => {
    const used = new Set<string>();
    for (const file of [...sources('electron'), ...sources('server')]) {
      if (file === SPAWN) continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text.includes('new Worker('), `${file} starts a worker without spawnWorker`).toBe(false);
      for (const call of text.matchAll(/(?:spawnWorker|runWorkerOnce(?:<[^>(]*>)?)\(\s*([^,)]*)/g)) {
        const id = /^'([^']+)'$/.exec(call[1]!.trim())?.[1];
        expect(ids, `${file}: spawnWorker(${call[1]})`).toContain(id);
        used.add(id!);
      }
    }
    expect([...used].sort()).toEqual([...ids].sort());
  });

  it('are each a main-process input of the desktop build, named workers/<id>', () => {
    const config = viteConfig as { main?: { build?: { rollupOptions?: { input?: Record<string, string> } } } };
    const input = config.main?.build?.rollupOptions?.input ?? {};
    for (const [id, source] of Object.entries(WORKER_ENTRIES)) expect(input[`workers/${id}`]).toBe(join(ROOT, source));
  });
});
