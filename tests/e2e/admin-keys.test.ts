import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock';
import { createLogger } from '../../electron/core/logger';
import { verifyExport } from '../../electron/core/audit/export-verify';
import { restoreBackup, verifyRecoveryKey } from '../../electron/core/vault';
import { openFirstRun, type RunningApp } from './browser';
import { ADMIN, setupVault, shot, signIn } from './flows';

/**
 * Administration's key operations and program settings end to end: the real core and a SQLCipher
 * vault in a temp folder behind the preview bridge, driven in Chromium. The tests share one vault
 * and run in order.
 */
describe('administration: keys, backup and program settings in the browser preview', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let recoveryKey = '';
  const scratch = mkdtempSync(join(tmpdir(), 'rsched-e2e-keys-'));
  const clock = new ManualClock('2026-09-15T12:00:00Z');
  const keys = (p: Page) => p.getByRole('region', { name: 'Keys & backup' });

  beforeAll(async () => {
    ({ app, browser, page } = await openFirstRun({ clock, viewport: { width: 1280, height: 900 }, acceptDownloads: true }));
    recoveryKey = await setupVault(page, { demo: false });
    await page.getByRole('button', { name: 'I wrote it down' }).click();
    await page.getByRole('heading', { name: 'Vault locked' }).waitFor();
    await signIn(page, clock, ADMIN, {});
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Administration' }).click();
    await keys(page).getByTestId('vault-cipher').waitFor({ timeout: 30_000 });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('shows what protects the vault and downloads a backup that restores with its passphrase', async () => {
    const panel = keys(page);
    expect(await panel.getByTestId('vault-cipher').textContent()).toBe('SQLCipher 4 (AES-256-CBC, HMAC-SHA512 per 4096-byte page)');
    expect(await panel.getByRole('table', { name: 'Key slots' }).textContent()).toContain(ADMIN.username);
    expect(await panel.getByTestId('last-backup').textContent()).toBe('never');
    await panel.getByTestId('vault-cipher').scrollIntoViewIfNeeded();
    await shot(page, 'admin-keys-facts');

    const form = page.getByRole('form', { name: 'Encrypted backup' });
    await form.getByLabel('Your password').fill(ADMIN.password);
    // A guessable passphrase is refused inline by the same policy as passwords.
    await form.getByLabel('Backup passphrase', { exact: true }).fill('password1234567890');
    await form.getByLabel('Repeat the passphrase').fill('password1234567890');
    await form.getByRole('button', { name: 'Download backup' }).click();
    const passphraseField = form.getByLabel('Backup passphrase', { exact: true });
    await expect.poll(() => passphraseField.getAttribute('aria-invalid'), { timeout: 60_000 }).toBe('true');
    await shot(page, 'admin-keys-weak-passphrase');

    const passphrase = 'marble osprey kettle lantern 2207';
    await form.getByLabel('Your password').fill(ADMIN.password);
    await passphraseField.fill(passphrase);
    await form.getByLabel('Repeat the passphrase').fill(passphrase);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), form.getByRole('button', { name: 'Download backup' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^vault-backup-.*\.rsbk$/);
    const file = join(scratch, download.suggestedFilename());
    await download.saveAs(file);
    expect(readFileSync(file).subarray(0, 8).toString('latin1')).toBe('RSCHEDBK');
    await expect.poll(() => form.getByRole('status').textContent(), { timeout: 30_000 }).toContain('the recovery key or the passphrase');
    await expect.poll(() => panel.getByTestId('last-backup').textContent(), { timeout: 30_000 }).not.toBe('never');
    await shot(page, 'admin-keys-backup');

    const restored = join(scratch, 'restored');
    const result = await restoreBackup({ file, dir: restored, passphrase, clock, logger: createLogger({ level: 'error' }) });
    expect(result.vaultId).toBe(app.core.accounts.vault().vaultId);
  }, 240_000);

  it('rekeys after the password is typed again, and shows the new recovery key once until it is confirmed', async () => {
    const form = page.getByRole('form', { name: 'Replace the data key' });
    await form.getByLabel('Your password (again)').fill('not the right password at all');
    await form.getByLabel(/I understand/).check();
    await form.getByRole('button', { name: 'Replace the data key' }).click();
    await expect.poll(() => form.getByLabel('Your password (again)').getAttribute('aria-invalid'), { timeout: 60_000 }).toBe('true');
    expect(await form.locator('p.error').textContent()).toContain('The current password is not correct');
    expect(verifyRecoveryKey({ dir: app.dataDir, recoveryKey })).toBe(true);

    await form.getByLabel('Your password (again)').fill(ADMIN.password);
    await form.getByRole('button', { name: 'Replace the data key' }).click();
    const shown = page.getByTestId('new-recovery-key');
    await shown.waitFor({ timeout: 120_000 });
    const groups = (await shown.locator('.rk-group').allTextContents()).map((g, i) => g.slice(String(i + 1).length));
    const newKey = groups.join('-');
    expect(newKey).not.toBe(recoveryKey);
    expect(verifyRecoveryKey({ dir: app.dataDir, recoveryKey: newKey })).toBe(true);
    expect(verifyRecoveryKey({ dir: app.dataDir, recoveryKey })).toBe(false);
    await shot(page, 'admin-keys-new-recovery-key');

    // A wrong group keeps the key on screen; the right one lets it go.
    const input = page.locator('input[data-group]');
    const group = Number(await input.getAttribute('data-group'));
    await input.fill('ZZZZ');
    await page.getByRole('button', { name: 'I wrote it down' }).click();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await input.fill(groups[group - 1] ?? '');
    await page.getByRole('button', { name: 'I wrote it down' }).click();
    await shown.waitFor({ state: 'detached' });
    await keys(page).getByTestId('vault-cipher').waitFor();
  }, 240_000);

  it('edits the program settings with inline errors, and the top bar shows the new name', async () => {
    const form = page.getByRole('form', { name: 'Program settings' });
    const name = form.getByLabel('Program name');
    await name.waitFor();
    expect(await name.inputValue()).toBe('Synthetic Medicine Residency');
    await name.fill('   ');
    await form.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await form.getByRole('button', { name: 'Save program settings' }).click();
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByLabel('Time zone').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-error').allTextContents()).toContain('is not an IANA time zone');

    await name.fill('Lakeshore Internal Medicine');
    await form.getByLabel('Time zone').fill('America/Chicago');
    await form.getByRole('button', { name: 'Save program settings' }).click();
    await form.getByRole('status').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('header.topbar h1').textContent(), { timeout: 10_000 }).toBe('Lakeshore Internal Medicine');
    await shot(page, 'admin-program-settings');
  }, 120_000);
  it("exports the audit trail from the Audit screen as three files that verify offline", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Audit', exact: true }).click();
    const trail = page.getByRole('region', { name: 'Audit trail' });
    await trail.waitFor({ timeout: 30_000 });
    const downloads: Download[] = [];
    const three = new Promise<void>((resolve) => {
      page.on('download', (d) => {
        downloads.push(d);
        if (downloads.length === 3) resolve();
      });
    });
    await trail.getByRole('button', { name: 'Export', exact: true }).click();
    // A refusal shows as an alert on the screen: fail on its text rather than wait for files.
    const refused = trail
      .getByRole('alert')
      .waitFor({ timeout: 60_000 })
      .then(
        async () => `refused: ${await trail.getByRole('alert').textContent()}`,
        () => 'no alert',
      );
    expect(await Promise.race([three.then(() => 'downloaded'), refused])).toBe('downloaded');
    const files = new Map<string, string>();
    for (const d of downloads) {
      const file = join(scratch, d.suggestedFilename());
      await d.saveAs(file);
      files.set(d.suggestedFilename(), file);
    }
    const data = [...files.keys()].find((n) => /^audit-.*\.json$/.test(n) && !n.endsWith('.manifest.json'));
    expect(data).toBeDefined();
    const r = verifyExport({
      data: readFileSync(files.get(data!)!),
      manifestBytes: readFileSync(files.get(`${data}.manifest.json`)!),
      signature: Buffer.from(readFileSync(files.get(`${data}.sig`)!, 'utf8').trim(), 'base64'),
    });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);

    // The export covers what the filters show: one area, here the vault's key operations.
    downloads.length = 0;
    const again = new Promise<void>((resolve) => {
      page.on('download', () => {
        if (downloads.length === 3) resolve();
      });
    });
    await page.getByRole('search', { name: 'Filter the audit trail' }).getByLabel('Area').selectOption('vault.');
    await trail.getByRole('button', { name: 'Export', exact: true }).click();
    await again;
    const manifestDownload = downloads.find((d) => d.suggestedFilename().endsWith('.manifest.json'))!;
    const dataDownload = downloads.find((d) => /\.json$/.test(d.suggestedFilename()) && !d.suggestedFilename().endsWith('.manifest.json'))!;
    const manifestFile = join(scratch, `filtered-${manifestDownload.suggestedFilename()}`);
    const dataFile = join(scratch, `filtered-${dataDownload.suggestedFilename()}`);
    await manifestDownload.saveAs(manifestFile);
    await dataDownload.saveAs(dataFile);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { filter: { actionPrefix?: string }; count: number };
    expect(manifest.filter).toEqual({ actionPrefix: 'vault.' });
    const items = (JSON.parse(readFileSync(dataFile, 'utf8')) as { items: Array<{ entry: string }> }).items;
    expect(items.length).toBe(manifest.count);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect((JSON.parse(item.entry) as { action: string }).action).toMatch(/^vault\./);
  }, 120_000);
});
