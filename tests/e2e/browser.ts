import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createCore, type Core, type CoreOptions } from '../../electron/core/app';
import { createLogger } from '../../electron/core/logger';
import { startPreview, type PreviewServer } from '../../electron/preview/server';

/** Debian's Chromium with the flags this environment needs; see README "Tests". */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

export interface RunningApp {
  core: Core;
  preview: PreviewServer;
  dataDir: string;
  stop(): Promise<void>;
}

/** The real core and the real preview bridge on loopback, over a fresh vault folder. */
export async function startApp(overrides: Partial<CoreOptions> = {}): Promise<RunningApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rsched-e2e-'));
  const logger = createLogger({ level: 'warn' });
  const core = createCore({ dataDir, transport: 'preview', logger, ...overrides });
  const preview = await startPreview({
    dispatcher: core.dispatcher,
    rendererDir: fileURLToPath(new URL('../../out/renderer', import.meta.url)),
    logger,
  });
  return {
    core,
    preview,
    dataDir,
    stop: async () => {
      core.shutdown();
      await preview.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Where tests write screenshots (never committed). */
export const SCREENSHOT_DIR = process.env.RSCHED_SCREENSHOTS ?? join(tmpdir(), 'rsched-screenshots');
