import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock';
import { launchChromium, startApp, type RunningApp } from './browser';
import { ADMIN, setupVault, shot, signIn } from './flows';

/** Sign-in as a person meets it: setup, throttling after failures, consent, idle lock, unlock. */
describe('sign-in in the browser preview', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const clock = new ManualClock('2026-09-15T12:00:00Z');
  const mfaSecret = { value: null as string | null };

  beforeAll(async () => {
    if (!existsSync(new URL('../../out/renderer/index.html', import.meta.url))) throw new Error('renderer not built: run "npm run build:renderer"');
    app = await startApp({ clock, sweepEveryMs: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('sets up, shows the delay after five wrong passwords, asks for consent, locks when idle and unlocks', async () => {
    await page.goto(app.preview.url);
    await page.getByRole('heading', { name: 'Set up Residency Scheduler' }).waitFor();
    await setupVault(page, { demo: false });
    await page.getByRole('button', { name: 'I wrote it down' }).click();
    await page.getByRole('heading', { name: 'Vault locked' }).waitFor();

    const attempt = async (password: string): Promise<string> => {
      await page.getByLabel('User name').fill(ADMIN.username);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert').first();
      await alert.waitFor({ timeout: 30_000 });
      const text = (await alert.textContent()) ?? '';
      return text;
    };
    for (let i = 1; i <= 5; i++) {
      const text = await attempt(`wrong password number ${i} here`);
      expect(text, `attempt ${i}`).toContain('User name or password is incorrect');
    }
    // The sixth try, even with the right password, waits out the delay; the page says how long.
    const throttled = await attempt(ADMIN.password);
    expect(throttled).toMatch(/Too many failed attempts\. Please wait before trying again\. Try again in \d+ s\./);
    expect(app.core.isUnlocked()).toBe(false);
    await shot(page, 'sign-in-throttled');

    clock.advance(10 * 60_000);
    await page.reload();
    await page.getByRole('heading', { name: 'Vault locked' }).waitFor();
    // signIn clears the gates as they come: the confidentiality notice first, then the authenticator.
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Confidentiality notice' }).waitFor({ timeout: 30_000 });
    await shot(page, 'consent');
    await page.getByRole('button', { name: 'I accept' }).click();
    await page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor({ timeout: 30_000 });
    await page.reload();
    // A reload signs the page out; signing in again resumes at the authenticator gate.
    await page.getByRole('heading', { name: /Vault locked|Sign in/ }).waitFor();
    await signIn(page, clock, ADMIN, { mfaSecret });
    expect(app.core.isUnlocked()).toBe(true);

    clock.advance(16 * 60_000);
    app.core.accounts.sweep();
    await page.getByRole('heading', { name: 'Vault locked' }).waitFor({ timeout: 15_000 });
    expect(app.core.isUnlocked()).toBe(false);

    clock.advance(60_000);
    await signIn(page, clock, ADMIN, { mfaSecret });
    expect(app.core.isUnlocked()).toBe(true);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    // Administration shows the link to the hospital: not enrolled yet, with the way to enroll.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Administration' }).or(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' })).first().click();
    await page.getByRole('heading', { name: 'Hospital sync' }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('sync-status').textContent()).toContain('Not enrolled');
    expect(await page.getByTestId('alerts-waiting').textContent()).toBe('none');
    // The interval can only be set once the device is enrolled.
    expect(await page.getByRole('form', { name: 'Sync interval' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create enrollment request' }).count()).toBe(1);
    await shot(page, 'admin-sync');
  });
});
