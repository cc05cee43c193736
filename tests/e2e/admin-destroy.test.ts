import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock';
import { verifyDestructionCertificate } from '../../electron/core/vault';
import { openFirstRun, type RunningApp } from './browser';
import { ADMIN, setupVault, shot, signIn } from './flows';

/**
 * Emergency destruction from Administration, end to end: a demo vault behind the preview bridge,
 * destroyed through the danger section of the Keys screen, then the certificate summary and first run.
 */
describe('administration: emergency destruction in the browser preview', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const clock = new ManualClock('2026-09-15T12:00:00Z');

  beforeAll(async () => {
    ({ app, browser, page } = await openFirstRun({ clock, viewport: { width: 1280, height: 900 } }));
    await setupVault(page, { demo: true });
    await page.getByRole('button', { name: 'I wrote it down' }).click();
    await page.getByRole('heading', { name: 'Vault locked' }).waitFor();
    await signIn(page, clock, ADMIN, {});
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Administration' }).click();
    await page.getByTestId('danger-zone').waitFor({ timeout: 30_000 });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('refuses a wrong phrase or password, then destroys the vault and shows the certificate summary', async () => {
    const vaultId = app.core.accounts.vault().vaultId;
    const phrase = `DESTROY VAULT ${vaultId.slice(0, 8).toUpperCase()}`;
    const zone = page.getByTestId('danger-zone');
    await zone.scrollIntoViewIfNeeded();
    expect(await zone.textContent()).toContain('overwrites every key slot with random bytes');
    const form = page.getByRole('form', { name: 'Destroy the vault' });
    const password = form.getByLabel('Your password');
    const confirmation = form.getByLabel(`Type ${phrase} to confirm`);

    // Keyboard only: the fields and the button are reachable with Tab and the form submits with Enter.
    await password.focus();
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Tab');
    await page.keyboard.type('DESTROY');
    await page.keyboard.press('Enter');
    expect(await confirmation.getAttribute('aria-invalid')).toBe('true');

    await password.fill('not the administrator password');
    await confirmation.fill(phrase);
    await form.getByRole('button', { name: 'Destroy the vault' }).click();
    await expect.poll(() => password.getAttribute('aria-invalid'), { timeout: 60_000 }).toBe('true');
    expect(await form.locator('p.error').textContent()).toContain('The current password is not correct');
    expect(existsSync(join(app.dataDir, 'vault.db'))).toBe(true);
    await shot(page, 'admin-destroy-refused');

    await password.fill(ADMIN.password);
    await page.evaluate(() => ((window as unknown as Record<string, unknown>).heldBeforeDestruction = true));
    await confirmation.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // the focused "Destroy the vault" button
    const done = page.getByTestId('destruction-certificate');
    await done.waitFor({ timeout: 120_000 });
    expect(await page.getByRole('heading', { name: 'The vault was destroyed' }).evaluate((el) => el === document.activeElement)).toBe(true);
    const certificateFile = `destruction-certificate-${vaultId}.json`;
    expect(await done.getByTestId('destroyed-vault').textContent()).toBe(vaultId);
    expect(await done.getByTestId('certificate-file').textContent()).toBe(certificateFile);
    const cert = JSON.parse(readFileSync(join(app.dataDir, certificateFile), 'utf8')) as { actor: string };
    expect(await done.getByTestId('destroyed-by').textContent()).toBe(cert.actor);
    expect(verifyDestructionCertificate(cert)).toBe(true);
    expect(readdirSync(app.dataDir)).toEqual([certificateFile]);
    expect(app.core.isUnlocked()).toBe(false);
    await shot(page, 'admin-destroy-certificate');

    // The page reloaded (nothing it held is left); only the summary was kept, until now.
    expect(await page.evaluate(() => 'heldBeforeDestruction' in window)).toBe(false);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Continue to first-run setup' }).click();
    await page.getByRole('heading', { name: 'Set up Residency Scheduler' }).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  }, 240_000);
});
