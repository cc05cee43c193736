import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOT_DIR, startApp, type RunningApp } from './browser';

describe('the app shell in the browser preview', () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(new URL('../../out/renderer/index.html', import.meta.url))) {
      throw new Error('renderer not built: run "npm run build:renderer" (npm test does it first)');
    }
    app = await startApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('loads, calls the core through the contract, and shows the answer', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(app.preview.url);
    // The one-time token link is traded for a cookie and leaves the address bar.
    expect(new URL(page.url()).search).toBe('');
    // No vault yet: the core says so through system.status and the app offers first-run setup.
    await page.getByRole('heading', { name: 'Set up Residency Scheduler' }).waitFor({ timeout: 30_000 });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'shell.png') });
    await page.close();
  });

  it('gives the page no Node: no require, no process, no Buffer', async () => {
    const page = await browser.newPage();
    await page.goto(app.preview.url);
    const globals = await page.evaluate(() => ({
      require: typeof (globalThis as Record<string, unknown>).require,
      process: typeof (globalThis as Record<string, unknown>).process,
      buffer: typeof (globalThis as Record<string, unknown>).Buffer,
    }));
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', buffer: 'undefined' });
    await page.close();
  });

  it('serves every page with the strict CSP', async () => {
    const page = await browser.newPage();
    const response = await page.goto(app.preview.url);
    const finalResponse = response?.request().redirectedFrom() ? response : response;
    expect(finalResponse?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.close();
  });

  it('refuses requests without the token', async () => {
    const res = await fetch(`${app.preview.origin}/`);
    expect(res.status).toBe(401);
    const rpc = await fetch(`${app.preview.origin}/rpc/system.status`, {
      method: 'POST',
      headers: { Origin: app.preview.origin, 'Content-Type': 'application/json', 'X-Rsched-Client': 'client-1234' },
      body: '{}',
    });
    expect(rpc.status).toBe(401);
    const wrong = await fetch(`${app.preview.origin}/?token=not-the-token`, { redirect: 'manual' });
    expect(wrong.status).toBe(401);
  });

  it('refuses a call from another Origin even with the token', async () => {
    const cookie = `rsched_token=${app.preview.token}`;
    const call = (origin: string | null) =>
      fetch(`${app.preview.origin}/rpc/system.status`, {
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-Rsched-Client': 'client-1234', ...(origin ? { Origin: origin } : {}) },
        body: '{}',
      });
    const foreign = await call('http://evil.example');
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ ok: false, error: { code: 'FOREIGN_ORIGIN' } });
    expect((await call(null)).status).toBe(403);
    const own = await call(app.preview.origin);
    expect(await own.json()).toMatchObject({ ok: true, value: { product: 'Residency Scheduler' } });
  });

  it('refuses a page from another origin calling the bridge', async () => {
    // A hostile page on another loopback port cannot read the cookie (SameSite=Strict, HttpOnly)
    // and its Origin is wrong: the call is refused.
    const page = await browser.newPage();
    await page.goto('about:blank');
    const status = await page.evaluate(async (origin) => {
      try {
        const r = await fetch(`${origin}/rpc/system.status`, { method: 'POST', body: '{}', credentials: 'include' });
        return r.status;
      } catch {
        return -1; // blocked before reaching the server also counts as refused
      }
    }, app.preview.origin);
    expect([401, 403, -1]).toContain(status);
    await page.close();
  });
});
