import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock';
import { openScheduleStore } from '../../electron/core/schedule/store';
import { launchChromium, startApp, type RunningApp } from './browser';
import { ADMIN, cellOf, gridToTop, setupVault, shot, signIn, until } from './flows';

/**
 * The schedule workspace end to end: the real core and a real SQLCipher vault in a temp folder,
 * behind the preview bridge, driven in Chromium. One program, used by the tests in order.
 */
describe('the schedule workspace in the browser preview', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const clock = new ManualClock('2026-09-15T12:00:00Z');

  /** The vault's scheduling tables, read directly (the vault is open while someone is signed in). */
  const store = () => openScheduleStore(app.core.accounts.vault().db);
  const personId = (name: string) => store().people.all().find((p) => p.displayName === name)?.id ?? '';
  const blockId = (n: number) => store().blocks.all().sort((a, b) => a.startDate.localeCompare(b.startDate))[n]?.id ?? '';
  const rotationOf = (name: string, col: number) => {
    const a = store().blockAssignments.all().find((x) => x.personId === personId(name) && x.blockId === blockId(col));
    return a ? store().rotations.get(a.rotationId)?.shortName : null;
  };

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

  it('sets up a vault with the demo program: recovery key confirmed, administrator enrolled, a full schedule', async () => {
    await page.goto(app.preview.url);
    await page.getByRole('heading', { name: 'Set up Residency Scheduler' }).waitFor();
    await shot(page, 'setup');
    await setupVault(page, { demo: true });
    await shot(page, 'recovery-key');
    // A wrong group is refused.
    const input = page.locator('input[data-group]');
    const right = await input.inputValue();
    await input.fill('ZZZZZZ');
    await page.getByRole('button', { name: 'I wrote it down' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('That is not group');
    await input.fill(right);
    await page.getByRole('button', { name: 'I wrote it down' }).click();
    await page.getByRole('heading', { name: 'Vault locked' }).waitFor();
    await signIn(page, clock, ADMIN, { mfaSecret: { value: null } });
    await page.getByTestId('notice').filter({ hasText: 'Demo program loaded' }).waitFor({ timeout: 90_000 });
    const grid = page.getByRole('grid', { name: /Block schedule/ });
    await grid.waitFor();
    // 36 residents + 12 faculty, 13 blocks; only the rows in view are in the DOM.
    expect(await grid.getAttribute('aria-rowcount')).toBe('49');
    expect(await grid.getAttribute('aria-colcount')).toBe('14');
    expect(await grid.locator('[role="row"]').count()).toBeLessThan(49);
    expect(await cellOf(page, 'Resident A01', 0).textContent()).toBe('WARD-A');
    expect(store().shiftAssignments.all().length).toBeGreaterThan(365 * 4);
    await shot(page, 'block-grid');
  });

  it('assigns by keyboard: type-ahead and Enter, saved in the vault', async () => {
    const cell = cellOf(page, 'Resident A01', 1);
    await cell.click();
    await page.keyboard.type('GI');
    const picker = page.getByTestId('rotation-picker');
    await picker.waitFor();
    await shot(page, 'picker');
    await page.keyboard.press('Enter');
    await until(async () => (await cell.textContent()) === 'GI');
    await until(() => rotationOf('Resident A01', 1) === 'GI');
    // Arrows move the active cell; Delete clears it.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Delete');
    await until(async () => (await cellOf(page, 'Resident A01', 2).textContent()) === '');
    await until(() => rotationOf('Resident A01', 2) === null);
  });

  it('assigns by drag from the palette', async () => {
    const target = cellOf(page, 'Resident B01', 2);
    await page.locator('.palette [data-rotation="CCU"]').dragTo(target);
    await until(async () => (await target.textContent()) === 'CCU');
    await until(() => rotationOf('Resident B01', 2) === 'CCU');
  });

  it('shows an over-capacity violation at once after a bulk assign, and acknowledges it', async () => {
    const capCell = page.locator('[data-cap="MICU|Block 1"]');
    expect(await capCell.getAttribute('data-state')).toBe('ok');
    await gridToTop(page);
    await cellOf(page, 'Resident A01', 0).click();
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.type('MICU');
    await page.keyboard.press('Enter');
    // The program rules run in the renderer: red before the core's check comes back.
    await until(async () => (await capCell.getAttribute('data-state')) === 'over', 1_000);
    await capCell.locator('[data-badge="violation"]').waitFor({ timeout: 1_000 });
    await until(() => store().blockAssignments.all().filter((a) => a.blockId === blockId(0) && store().rotations.get(a.rotationId)?.shortName === 'MICU').length >= 7);
    await shot(page, 'over-capacity');

    await page.getByRole('button', { name: 'Compliance' }).click();
    const card = page.locator('article.finding', { hasText: 'MICU in Block 1' });
    await card.getByRole('button', { name: 'Acknowledge…' }).click();
    await card.getByLabel('Reason for acknowledging').fill('Extra ICU coverage during the influenza surge');
    await card.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await until(() => store().acknowledgements.all().some((a) => a.violationKey.startsWith('PRG-CAPACITY|') && a.reason.includes('influenza')));
    await page.getByLabel('Status').selectOption('acknowledged');
    await page.locator('article.finding', { hasText: 'MICU in Block 1' }).getByText('Acknowledged', { exact: true }).waitFor();
    await shot(page, 'compliance');
  });

  it('undoes and redoes the bulk assign as new audited changes', async () => {
    await page.getByRole('button', { name: 'Block schedule' }).click();
    const capCell = page.locator('[data-cap="MICU|Block 1"]');
    await gridToTop(page);
    await cellOf(page, 'Resident A01', 0).click();
    await page.keyboard.press('Control+z');
    await until(async () => (await capCell.getAttribute('data-state')) === 'ok');
    await until(() => rotationOf('Resident A01', 0) === 'WARD-A');
    await page.keyboard.press('Control+y');
    await until(() => rotationOf('Resident A01', 0) === 'MICU');
    await page.keyboard.press('Control+z');
    await until(() => rotationOf('Resident A01', 0) === 'WARD-A');
  });

  it('shows the change with its before and after in the audit viewer', async () => {
    await page.getByRole('button', { name: 'Audit' }).click();
    await page.getByLabel('Area').selectOption('assignment.');
    await page.getByLabel('About person').selectOption({ label: 'Resident A01' });
    // Newest first: the last undo put Resident A01 back from MICU to WARD-A in block 1.
    await page.locator('[data-action="assignment.update"]').first().click();
    const row = page.getByTestId('audit-detail').locator('tbody tr', { hasText: 'rotationId' });
    await until(async () => /^MICU \(/.test((await row.locator('td').nth(0).textContent()) ?? ''));
    expect(await row.locator('td').nth(1).textContent()).toMatch(/^WARD-A \(/);
    await shot(page, 'audit');
  });

  it('assigns call in the month view; the core\'s ACGME check flags 48 hours on duty on the grid cell', async () => {
    const a03 = personId('Resident A03');
    const icu = store().shiftTypes.all().find((t) => t.shortName === 'I24');
    const busy = new Set(store().shiftAssignments.all().filter((x) => x.personId === a03).map((x) => x.date));
    const pad = (n: number) => `2026-07-${String(n).padStart(2, '0')}`;
    // Two free days in a row inside block 1 (1-28 July).
    let day = 0;
    for (let d = 2; d <= 26 && !day; d++) if ([d, d + 1].every((x) => !busy.has(pad(x)))) day = d;
    expect(day).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Call calendar' }).click();
    await page.getByTestId('call-service').selectOption(icu?.id ?? '');
    await page.getByTestId('call-month').selectOption('2026-07');
    for (const d of [day, day + 1]) {
      await page.locator(`button.day[data-date="${pad(d)}"]`).click();
      await page.getByTestId('call-person').selectOption({ label: 'Resident A03 (on this service)' });
      await page.getByRole('button', { name: 'Assign', exact: true }).click();
      await until(() => store().shiftAssignments.all().some((x) => x.personId === a03 && x.date === pad(d) && x.shiftTypeId === icu?.id));
    }
    await page.locator(`button.day[data-date="${pad(day)}"]`).getByText('Resident A03').waitFor();
    await shot(page, 'call-calendar');
    await page.getByRole('button', { name: 'Block schedule' }).click();
    await gridToTop(page);
    await cellOf(page, 'Resident A03', 0).locator('[data-badge="violation"]').waitFor({ timeout: 15_000 });
    await cellOf(page, 'Resident A03', 0).click();
    await page.getByTestId('inspector').getByText('At most 24 hours of continuous scheduled work').waitFor();
    await page.getByTestId('inspector').getByText(/Common Program Requirements/).first().waitFor();
    await page.getByRole('button', { name: 'Hours and days off' }).click();
    await page.getByRole('img', { name: /Weekly hours/ }).waitFor();
    expect(await page.getByTestId('hours-person').inputValue()).toBe(a03);
    await shot(page, 'hours');
  });

  it('imports people from a CSV file after a preview, as one change', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    const before = store().people.all().length;
    await nav.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import' }).waitFor();
    const csv = 'Full name,Email,PGY,Type\nResident Z98,z98@example.org,1,resident\nResident Z99,z99@example.org,2,resident\n';
    await page.getByLabel('File (CSV, Excel workbook or JSON)').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('import-preview').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-preview').textContent()).toContain('2 new');
    expect(store().people.all().length).toBe(before);
    await page.getByRole('button', { name: 'Confirm the import' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Imported: 2 new');
    expect(store().people.all().length).toBe(before + 2);
    await nav.getByRole('button', { name: 'Block schedule' }).click();
  });

  it('publishes the year as version 1 and exports it as a file', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: 'Publish & export' }).click();
    await page.getByRole('heading', { name: 'Publish and export' }).waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByTestId('version-1').waitFor({ timeout: 30_000 });
    await page.getByLabel('Format').selectOption('csv');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('button', { name: 'Export the year' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    await shot(page, 'publish-export');
    await nav.getByRole('button', { name: 'Block schedule' }).click();
  });

  it('gives a resident account a read-only grid and hides other people\'s absence reasons', async () => {
    await page.getByRole('button', { name: 'Administration' }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('User name').fill('res.a05');
    await form.getByLabel('Full name').fill('Resident A05 account');
    await form.getByLabel('Email').fill('res.a05@example.org');
    await form.getByLabel('Role').selectOption('resident');
    await form.getByLabel(/Person record/).selectOption({ label: 'Resident A05' });
    await form.getByRole('button', { name: 'Create account' }).click();
    const temp = (await page.getByTestId('temp-password').textContent()) ?? '';
    expect(temp.length).toBeGreaterThan(8);
    await shot(page, 'admin-users');

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const res = await context.newPage();
    await res.goto(app.preview.url);
    await signIn(res, clock, { username: 'res.a05', password: temp }, { newPassword: 'marble orchid bicycle canyon 2207' });
    const grid = res.getByRole('grid', { name: /Block schedule/ });
    await grid.waitFor();
    expect(await res.locator('.palette').count()).toBe(0);
    expect(await res.getByRole('button', { name: 'Administration' }).count()).toBe(0);
    const cell = cellOf(res, 'Resident A05', 0);
    const before = await cell.textContent();
    await cell.click();
    await res.keyboard.press('Enter');
    await res.keyboard.type('MICU');
    expect(await res.getByTestId('rotation-picker').count()).toBe(0);
    expect(await cell.textContent()).toBe(before);
    expect(await cell.getAttribute('draggable')).toBe('false');
    await shot(res, 'resident-grid');

    await res.getByRole('button', { name: 'Absences' }).click();
    const own = res.locator('tr', { hasText: 'Resident A05' }).filter({ hasText: 'Conference' });
    await expect.poll(() => own.locator('[data-reason]').textContent()).toContain('poster');
    const other = res.locator('tr', { hasText: 'Resident B03' }).filter({ hasText: 'Military duty' });
    expect(await other.locator('[data-reason]').textContent()).toBe('Restricted');
    // No one else's vacation reason either.
    const reasons = await res.locator('tr', { hasNotText: 'Resident A05' }).locator('[data-reason]').allTextContents();
    expect(reasons.length).toBeGreaterThan(10);
    expect(reasons.every((r) => r === 'Restricted')).toBe(true);
    expect(await res.getByRole('button', { name: 'New absence' }).count()).toBe(0);
    await shot(res, 'resident-absences');

    // The resident asks a colleague to swap block 1; the core checks compliance and files it.
    await res.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Swaps' }).click();
    const ask = res.getByRole('form', { name: 'Request a swap' });
    await ask.getByLabel(/^Block/).selectOption({ index: 1 });
    await ask.getByLabel(/^With/).selectOption({ label: 'Resident A06' });
    await ask.getByRole('button', { name: 'Ask' }).click();
    await res.getByTestId('swap-requested').waitFor({ timeout: 30_000 });
    await shot(res, 'resident-swap');
    await context.close();

    // The coordinator's view lists it, waiting for the colleague's answer.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Swaps' }).click();
    await page.getByTestId('swap-requested').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('swap-requested').textContent()).toContain('Resident A06');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Block schedule' }).click();
  });

  it('locks when idle: the page drops its data and shows the lock screen', async () => {
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(1);
    clock.advance(16 * 60_000);
    app.core.accounts.sweep();
    await page.getByRole('heading', { name: 'Vault locked' }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('grid').count()).toBe(0);
    expect(app.core.isUnlocked()).toBe(false);
    await shot(page, 'locked');
  });
});
