import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadNotice } from '../../electron/core/accounts/notice';
import { appRoot, findAppRoot, resourcePath, resourcesDir, useResourcesDir } from '../../electron/core/resources';
import { APP_VERSION } from '../../electron/core/version';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

describe('app resources', () => {
  afterEach(() => useResourcesDir(null));

  it('are found above any module of the app, however deep the bundle put it', () => {
    expect(appRoot()).toBe(ROOT);
    expect(resourcesDir()).toBe(join(ROOT, 'resources'));
    expect(findAppRoot(join(ROOT, 'out/main/chunks'))).toBe(ROOT);
    expect(findAppRoot(join(ROOT, 'tmp/desktop-build-x/main'))).toBe(ROOT);
  });

  it('are refused where no folder above holds the app, rather than guessed', () => {
    const alone = mkdtempSync(join(tmpdir(), 'rsched-no-app-'));
    try {
      // A package.json of another name beside a resources folder is not the app.
      mkdirSync(join(alone, 'resources'));
      writeFileSync(join(alone, 'package.json'), '{"name": "someone-else"}');
      expect(() => findAppRoot(join(alone, 'main'))).toThrow(/no residency-scheduler package\.json/);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it('come from the folder the Electron glue names in the packaged app', () => {
    const packaged = mkdtempSync(join(tmpdir(), 'rsched-packaged-'));
    try {
      writeFileSync(join(packaged, 'notice.md'), '<!-- notice-version: packaged-1 -->\nPackaged notice.\n');
      useResourcesDir(packaged);
      expect(resourcePath('incident-templates')).toBe(join(packaged, 'incident-templates'));
      expect(loadNotice()).toEqual({ version: 'packaged-1', text: 'Packaged notice.' });
    } finally {
      rmSync(packaged, { recursive: true, force: true });
    }
  });

  it('include the version of the package.json beside them when running from the sources', () => {
    expect(APP_VERSION).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
