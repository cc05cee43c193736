import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Clock } from '../../electron/core/clock';
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

export interface OpenApp {
  app: RunningApp;
  browser: Browser;
  page: Page;
}

/** The app over a fresh vault folder (no session sweeper), Chromium, and a page at first-run setup. */
export async function openFirstRun(opts: { clock: Clock; viewport: { width: number; height: number }; acceptDownloads?: boolean }): Promise<OpenApp> {
  if (!existsSync(new URL('../../out/renderer/index.html', import.meta.url))) throw new Error('renderer not built: run "npm run build:renderer"');
  const app = await startApp({ clock: opts.clock, sweepEveryMs: 0 });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: opts.viewport, ...(opts.acceptDownloads ? { acceptDownloads: true } : {}) });
  await page.goto(app.preview.url);
  await page.getByRole('heading', { name: 'Set up Residency Scheduler' }).waitFor();
  return { app, browser, page };
}

/** Where tests write screenshots (never committed). */
export const SCREENSHOT_DIR = process.env.RSCHED_SCREENSHOTS ?? join(tmpdir(), 'rsched-screenshots');
