import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock';
import { RETENTION_LABELS } from '../../shared/security/settings';
import { openFirstRun, type RunningApp } from './browser';
import { ADMIN, setupVault, shot, signIn, until } from './flows';

/**
 * Security operations end to end: the real core and a SQLCipher vault in a temp folder behind the
 * preview bridge, driven in Chromium. The tests share one vault and run in order.
 */
describe('security operations in the browser preview', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const clock = new ManualClock('2026-09-15T12:00:00Z');
  const mfaSecret = { value: null as string | null };
  const nav = (p: Page) => p.getByRole('navigation', { name: 'Main' });
  const tab = (p: Page, name: string) => p.getByRole('tablist', { name: 'Security operations' }).getByRole('tab', { name });

  /** Someone at another window of the same workstation tries wrong passwords. */
  const failSignIns = async (n: number, username: string): Promise<void> => {
    const context = await browser.newContext();
    const intruder = await context.newPage();
    await intruder.goto(app.preview.url);
    for (let i = 1; i <= n; i++) {
      await intruder.getByLabel('User name').fill(username);
      await intruder.getByLabel('Password', { exact: true }).fill(`guessing password number ${i}`);
      const [response] = await Promise.all([intruder.waitForResponse((r) => r.url().includes('/rpc/auth.login'), { timeout: 30_000 }), intruder.getByRole('button', { name: 'Sign in' }).click()]);
      expect(((await response.json()) as { error?: { code?: string } }).error?.code, `attempt ${i}`).toBe('WRONG_CREDENTIALS');
    }
    await expect.poll(() => intruder.getByRole('alert').first().textContent()).toContain('User name or password is incorrect');
    await context.close();
  };

  beforeAll(async () => {
    ({ app, browser, page } = await openFirstRun({ clock, viewport: { width: 1280, height: 900 } }));
    await setupVault(page, { demo: false });
    await page.getByRole('button', { name: 'I wrote it down' }).click();
    await page.getByRole('heading', { name: 'Vault locked' }).waitFor();
    await signIn(page, clock, ADMIN, { mfaSecret });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('shows the alert raised by a burst of failed sign-ins; an incident opened from it gets the four-factor assessment, the 60-day deadline and the affected count', async () => {
    await failSignIns(5, 'intruder');

    await nav(page).getByRole('button', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Security', exact: true }).waitFor();
    const row = page.locator('tr[data-alert="failed_login_burst"]');
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('Burst of failed sign-ins');
    expect(await row.textContent()).toContain('high');
    expect(await row.getAttribute('data-status')).toBe('open');
    await shot(page, 'security-alerts');

    await row.getByRole('button', { name: 'Open incident' }).click();
    const form = page.getByRole('form', { name: 'Open an incident' });
    expect(await form.getByLabel('Title').inputValue()).toContain('Burst of failed sign-ins');
    await form.getByRole('button', { name: 'Open the incident' }).click();
    await page.getByRole('heading', { name: /^Incident 1: Burst of failed sign-ins/ }).waitFor({ timeout: 15_000 });
    // Discovered today (08:00 in New York); individuals must hear within 60 calendar days.
    expect(await page.getByTestId('discovery-date').textContent()).toContain('2026-09-15');
    const deadline = (await page.getByTestId('incident-deadline').textContent()) ?? '';
    expect(deadline).toContain('2026-11-14');
    expect(deadline).toContain('60 days left');
    await shot(page, 'security-incident-opened');

    // The assessment refuses undecided factors, inline.
    const assessment = page.getByRole('form', { name: /Risk assessment/ });
    await assessment.getByRole('button', { name: 'Record the assessment' }).click();
    const likelihood = assessment.getByLabel('Likelihood of re-identification');
    expect(await likelihood.getAttribute('aria-invalid')).toBe('true');
    expect(await assessment.locator('.field-error').first().textContent()).toBe('Choose one.');
    await assessment.getByLabel('Names').check();
    await assessment.getByLabel('Account data', { exact: false }).check();
    await likelihood.selectOption('low');
    await assessment.getByLabel('Who used or received the PHI').selectOption('external_unknown');
    await assessment.getByLabel('Finding').selectOption('not_acquired');
    await assessment.getByLabel('Mitigation').selectOption('complete');
    await assessment.getByLabel('Notes on factor 4').fill('Passwords of the targeted accounts reset; no sign-in succeeded.');
    // The conclusion is shown before it is recorded, from the same shared rule the core applies.
    expect(await page.getByTestId('determination-preview').textContent()).toContain('Breach (notification required)');
    await assessment.getByRole('button', { name: 'Record the assessment' }).click();
    await assessment.getByRole('status').filter({ hasText: 'Assessment recorded.' }).waitFor();
    // An unknown outsider is not obligated to protect PHI, so the presumption of a breach stands.
    expect(await page.getByTestId('determination').textContent()).toContain('factor 2: recipient not obligated');

    // The affected individuals come from the audit trail: no one read a person record here.
    expect(await page.getByTestId('affected-count').textContent()).toBe('Not computed yet.');
    await page.getByRole('button', { name: 'Compute affected individuals' }).click();
    await expect.poll(() => page.getByTestId('affected-count').textContent()).toMatch(/^0 people \(computed/);
    expect(await page.getByTestId('threshold-flag').textContent()).toBe('Under 500: HHS annual log');
    expect(await page.getByTestId('hhs-route').textContent()).toContain('annual breach log, by 2027-03-01');

    await page.getByRole('button', { name: 'Move to investigating…' }).click();
    await page.getByLabel('Reason for moving to investigating').fill('Reviewing the workstation sign-in log');
    await page.getByRole('button', { name: 'Move to investigating', exact: true }).click();
    await expect.poll(() => page.getByTestId('incident-status').textContent()).toBe('Investigating');

    await page.getByRole('button', { name: 'Prepare the drafts' }).click();
    const letter = page.getByRole('region', { name: 'Notification drafts' }).getByLabel('Letter to individuals');
    await expect.poll(() => letter.textContent(), { timeout: 15_000 }).toContain('2026-11-14');
    const [draft] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the HHS summary' }).click()]);
    expect(draft.suggestedFilename()).toBe('incident-1-hhs-summary.txt');
    await shot(page, 'security-incident');

    // Back to the register: the alert now belongs to the incident, and the register downloads.
    await page.getByRole('button', { name: '← Register' }).click();
    await page.locator('tr[data-incident="1"]').waitFor();
    const [register] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the register (CSV)' }).click()]);
    expect(register.suggestedFilename()).toMatch(/^incident-register-.*\.csv$/);
    await tab(page, 'Alerts').click();
    await until(async () => (await page.locator('tr[data-alert="failed_login_burst"]').getAttribute('data-status')) === 'escalated');
  });

  it('refuses an audit retention under six years with an inline error, keeps the floor, and a purge dry run shows the counts', async () => {
    await tab(page, 'Retention and purge').click();
    const audit = page.getByLabel(RETENTION_LABELS.auditPayloads);
    expect(await audit.inputValue()).toBe('2192');
    await audit.fill('2000');
    await page.getByRole('button', { name: 'Save the retention schedule' }).click();
    expect(await audit.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await audit.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe('at least 2192 days');
    await shot(page, 'security-retention-floor');
    // Nothing reached the vault.
    await tab(page, 'Alerts').click();
    await tab(page, 'Retention and purge').click();
    expect(await page.getByLabel(RETENTION_LABELS.auditPayloads).inputValue()).toBe('2192');

    // Schedule records may go after a year.
    await page.getByLabel(RETENTION_LABELS.absences).fill('400');
    await page.getByRole('button', { name: 'Save the retention schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'Retention schedule saved.' }).waitFor();

    await page.getByRole('button', { name: 'Dry run: show what would go' }).click();
    const preview = page.getByTestId('purge-preview');
    await preview.waitFor({ timeout: 30_000 });
    const counts = await preview.locator('[data-purge] [data-count]').allTextContents();
    expect(counts).toHaveLength(5);
    expect(counts.every((c) => /^\d+$/.test(c))).toBe(true);
    expect(await preview.locator('[data-purge="auditPayloads"]').textContent()).toContain('Audit entry payloads');
    await shot(page, 'security-purge-dry-run');
  });

  it('generates the safeguards report and offers it as JSON and printable HTML', async () => {
    await tab(page, 'Safeguards report').click();
    await page.getByRole('button', { name: 'Generate the report' }).click();
    const summary = page.getByTestId('safeguards-summary');
    await summary.waitFor({ timeout: 30_000 });
    expect(await summary.textContent()).toContain('verified');
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
    expect(json.suggestedFilename()).toBe('safeguards-report-2026-09-15.json');
    const [html] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download printable HTML' }).click()]);
    expect(html.suggestedFilename()).toBe('safeguards-report-2026-09-15.html');
  });

  it('works by keyboard: the arrows move between tabs, and a second burst is dismissed with a reason', async () => {
    // Another name: the first one is throttled by now.
    await failSignIns(5, 'someone.else');
    await tab(page, 'Safeguards report').focus();
    await page.keyboard.press('Home');
    expect(await tab(page, 'Alerts').getAttribute('aria-selected')).toBe('true');
    expect(await tab(page, 'Alerts').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('ArrowRight');
    expect(await tab(page, 'Incidents').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    // The second burst is a new alert (the first one's events are not counted twice).
    const open = page.locator('tr[data-alert="failed_login_burst"][data-status="open"]');
    await open.waitFor({ timeout: 15_000 });
    expect(await page.locator('tr[data-alert="failed_login_burst"]').count()).toBe(2);
    await open.getByRole('button', { name: 'Dismiss…' }).focus();
    await page.keyboard.press('Enter');
    const reason = page.getByLabel(/^Reason to mark/);
    expect(await reason.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('Training exercise on the front-desk workstation');
    await page.keyboard.press('Enter');
    await page.locator('tr[data-alert="failed_login_burst"][data-status="dismissed"]').waitFor({ timeout: 15_000 });
    expect(await open.count()).toBe(0);
  });

  it('exports de-identified data as a JSON file and summarises its manifest', async () => {
    await tab(page, 'De-identified export').click();
    await page.getByLabel('Smallest group size (k)').fill('3');
    await page.getByRole('button', { name: 'Export and download' }).click();
    expect(await page.getByLabel('Smallest group size (k)').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Smallest group size (k)').fill('5');
    await page.getByLabel('Absences').uncheck();
    const [file] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByRole('button', { name: 'Export and download' }).click()]);
    expect(file.suggestedFilename()).toBe('deidentified-research-2026-09.json');
    expect(await page.getByTestId('deid-manifest').textContent()).toContain('k = 5');
  });

  it('hides the Security item from a resident; a compliance officer works incidents but not settings or exports', async () => {
    const create = async (username: string, role: string): Promise<string> => {
      await nav(page).getByRole('button', { name: 'Administration' }).click();
      await page.getByRole('button', { name: 'New user' }).click();
      const form = page.getByRole('form', { name: 'New user' });
      await form.getByLabel('User name').fill(username);
      await form.getByLabel('Full name').fill(`${role} account`);
      await form.getByLabel('Email').fill(`${username}@example.org`);
      await form.getByLabel('Role').selectOption(role);
      await form.getByRole('button', { name: 'Create account' }).click();
      const temp = (await page.getByTestId('temp-password').textContent()) ?? '';
      await page.getByRole('button', { name: 'Done' }).click();
      return temp;
    };
    const asUser = async (username: string, temp: string, newPassword: string): Promise<Page> => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const p = await context.newPage();
      await p.goto(app.preview.url);
      await signIn(p, clock, { username, password: temp }, { newPassword });
      return p;
    };

    const resident = await asUser('res.sec', await create('res.sec', 'resident'), 'pebble lantern orchard meadow 5521');
    await nav(resident).getByRole('button', { name: 'Block schedule' }).or(nav(resident).getByRole('button', { name: 'Swaps' })).first().waitFor();
    expect(await nav(resident).getByRole('button', { name: 'Security' }).count()).toBe(0);
    await shot(resident, 'security-resident-nav');
    await resident.context().close();

    const officer = await asUser('co.sec', await create('co.sec', 'compliance_officer'), 'copper violin glacier sparrow 8830');
    await nav(officer).getByRole('button', { name: 'Security' }).click();
    await officer.locator('tr[data-alert="failed_login_burst"]').first().waitFor({ timeout: 15_000 });
    expect(await tab(officer, 'De-identified export').count()).toBe(0);
    await tab(officer, 'Retention and purge').click();
    expect(await officer.getByLabel(RETENTION_LABELS.auditPayloads).isDisabled()).toBe(true);
    expect(await officer.getByRole('button', { name: 'Save the retention schedule' }).count()).toBe(0);
    expect(await officer.getByRole('button', { name: /Dry run/ }).count()).toBe(0);
    await tab(officer, 'Incidents').click();
    expect(await officer.getByRole('button', { name: 'New incident' }).count()).toBe(1);
    await officer.context().close();
  });
});
