import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Clock } from '../../electron/core/clock';
import { totpAt } from '../../electron/core/accounts/mfa';
import { SCREENSHOT_DIR } from './browser';

/** Test-only credentials for a throwaway vault in a temp folder. */
export const ADMIN = { username: 'admin.e2e', displayName: 'Avery Admin', email: 'admin@example.org', password: 'violet tractor harbour lantern 4419' };

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Waits for a condition evaluated on the test side (vitest's expect.poll with a bounded timeout). */
export async function until(fn: () => Promise<boolean> | boolean, timeout = 10_000): Promise<void> {
  await expect.poll(fn, { timeout, interval: 100 }).toBe(true);
}

/** First run through the UI: program, administrator, recovery key retyped. */
export async function setupVault(page: Page, opts: { demo: boolean }): Promise<string> {
  await page.getByLabel('Program name').fill('Synthetic Medicine Residency');
  await page.getByLabel('Time zone').fill('America/New_York');
  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Full name').fill(ADMIN.displayName);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Repeat the password').fill(ADMIN.password);
  const demo = page.getByLabel(/Add the demo program/);
  if ((await demo.isChecked()) !== opts.demo) await demo.click();
  await page.getByRole('button', { name: 'Create the vault' }).click();
  const key = page.getByTestId('recovery-key');
  await key.waitFor({ timeout: 60_000 });
  const input = page.locator('input[data-group]');
  const group = Number(await input.getAttribute('data-group'));
  // Each group is shown after its number (1-8); strip exactly that number, since a group may itself start with a digit.
  const groups = (await key.locator('.rk-group').allTextContents()).map((g, i) => g.slice(String(i + 1).length));
  await input.fill(groups[group - 1] ?? '');
  return groups.join('-');
}

/** Signs in and clears the gates (notice, new password, authenticator) as they come. */
export async function signIn(page: Page, clock: Clock, user: { username: string; password: string }, opts: { newPassword?: string; mfaSecret?: { value: string | null } } = {}): Promise<void> {
  await page.getByLabel('User name').fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  for (let i = 0; i < 6; i++) {
    const which = await Promise.race([
      page.getByRole('heading', { name: 'Confidentiality notice' }).waitFor({ timeout: 30_000 }).then(() => 'consent'),
      page.getByRole('heading', { name: 'Choose a new password' }).waitFor({ timeout: 30_000 }).then(() => 'password'),
      page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor({ timeout: 30_000 }).then(() => 'mfa'),
      page.getByLabel(/Code from your authenticator/).waitFor({ timeout: 30_000 }).then(() => 'otp'),
      page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 30_000 }).then(() => 'app'),
    ]);
    if (which === 'app') return;
    if (which === 'consent') {
      await page.getByRole('button', { name: 'I accept' }).click();
      await page.getByRole('heading', { name: 'Confidentiality notice' }).waitFor({ state: 'detached' });
    } else if (which === 'password') {
      await page.getByLabel('Current (or temporary) password').fill(user.password);
      await page.getByLabel('New password', { exact: true }).fill(opts.newPassword ?? '');
      await page.getByLabel('Repeat the new password').fill(opts.newPassword ?? '');
      await page.getByRole('button', { name: 'Change password' }).click();
      user = { ...user, password: opts.newPassword ?? '' };
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor({ state: 'detached' });
    } else if (which === 'mfa') {
      const secret = (await page.getByTestId('mfa-secret').textContent()) ?? '';
      if (opts.mfaSecret) opts.mfaSecret.value = secret;
      await page.getByLabel('Six-digit code from the app').fill(await totpAt(secret, clock.nowMs()));
      await page.getByLabel('Your password').fill(user.password);
      await page.getByRole('button', { name: 'Turn on' }).click();
      await page.getByTestId('mfa-recovery-codes').waitFor();
      await page.getByRole('button', { name: 'I saved them' }).click();
      await page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor({ state: 'detached' });
    } else if (which === 'otp') {
      const secret = opts.mfaSecret?.value;
      if (!secret) throw new Error('an authenticator code was asked for but no secret is known');
      await page.getByLabel(/Code from your authenticator/).fill(await totpAt(secret, clock.nowMs()));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel(/Code from your authenticator/).waitFor({ state: 'detached' });
    }
  }
  throw new Error('sign-in did not reach the workspace');
}

/** The grid cell of a person (by name) and a block (by column index, 0-based). */
export function cellOf(page: Page, personName: string, col: number) {
  return page.locator(`[role="row"]:has([role="rowheader"] .name:text-is("${personName}")) [role="gridcell"][data-col="${col}"]`);
}

/** Scrolls the virtualized grid back to its first row (rows out of view are not in the DOM). */
export async function gridToTop(page: Page): Promise<void> {
  await page.getByRole('grid', { name: /Block schedule/ }).evaluate((el) => {
    el.scrollTop = 0;
    el.dispatchEvent(new Event('scroll'));
  });
}
