import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../electron/core/accounts/mfa';
import { ManualClock } from '../../electron/core/clock';
import { openScheduleStore } from '../../electron/core/schedule/store';
import { openFirstRun, type RunningApp } from './browser';
import { ADMIN, setupVault, shot, signIn, until } from './flows';

/**
 * The credential, coverage and request editors, emergency access and the recovery-key password
 * reset, end to end: the real core and a SQLCipher vault in a temp folder behind the preview
 * bridge, driven in Chromium. One demo program, used by the tests in order.
 */
describe('editors, emergency access and password recovery in the browser preview', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let recoveryKey = '';
  const adminMfa: { value: string | null } = { value: null };
  const clock = new ManualClock('2026-09-15T12:00:00Z');
  const RESIDENT = { username: 'res.a05', password: 'marble orchid bicycle canyon 2207' };
  const COORDINATOR = { username: 'coord.e2e', password: 'saffron glacier pocket meadow 3318' };
  let resident: Page;
  let coordinator: Page;

  const store = () => openScheduleStore(app.core.accounts.vault().db);
  const personId = (name: string) => store().people.all().find((p) => p.displayName === name)?.id ?? '';
  const nav = (p: Page, label: string) => p.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: true }).click();

  /** The administrator creates an account in Administration; returns its temporary password. */
  async function createAccount(username: string, fullName: string, role: string, personLabel: string | null): Promise<string> {
    await nav(page, 'Administration');
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('User name').fill(username);
    await form.getByLabel('Full name').fill(fullName);
    await form.getByLabel('Email').fill(`${username}@example.org`);
    await form.getByLabel('Role').selectOption(role);
    if (personLabel) await form.getByLabel(/Person record/).selectOption({ label: personLabel });
    await form.getByRole('button', { name: 'Create account' }).click();
    // The notice names the account: wait for this one's, not the one shown before.
    const notice = page.getByRole('status').filter({ hasText: `Temporary password for ${username}` });
    await notice.waitFor();
    const temp = (await notice.getByTestId('temp-password').textContent()) ?? '';
    expect(temp.length).toBeGreaterThan(8);
    return temp;
  }

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await context.newPage();
    await p.goto(app.preview.url);
    return p;
  }

  beforeAll(async () => {
    ({ app, browser, page } = await openFirstRun({ clock, viewport: { width: 1280, height: 800 } }));
    recoveryKey = await setupVault(page, { demo: true });
    await page.getByRole('button', { name: 'I wrote it down' }).click();
    await page.getByRole('heading', { name: 'Vault locked' }).waitFor();
    await signIn(page, clock, ADMIN, { mfaSecret: adminMfa });
    await page.getByTestId('notice').filter({ hasText: 'Demo program loaded' }).waitFor({ timeout: 90_000 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('flags a credential whose expiry date has passed, and refuses an expiry before the issue date inline', async () => {
    await nav(page, 'People');
    const tabs = page.getByRole('tablist', { name: 'People' });
    await tabs.getByRole('tab', { name: 'People' }).focus();
    // Keyboard: the arrow key moves to the next tab and shows it.
    await page.keyboard.press('ArrowRight');
    expect(await tabs.getByRole('tab', { name: 'Credentials' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('heading', { name: 'Credentials' }).waitFor();

    await page.getByRole('button', { name: 'New credential' }).click();
    const form = page.getByRole('form', { name: 'New credential' });
    await form.getByLabel('Person', { exact: true }).selectOption({ label: 'Resident A01' });
    await form.getByLabel('Credential', { exact: true }).fill('ACLS');
    await form.getByLabel('Issued on').fill('2020-03-01');
    await form.getByLabel('Expires on').fill('2018-03-01');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.locator('.field-error').first().textContent()).toContain('must not be before the issue date');
    await expect.poll(() => form.getByLabel('Expires on').getAttribute('aria-invalid')).toBe('true');
    expect(store().credentials.all()).toHaveLength(0);

    await form.getByLabel('Issued on').fill('2018-03-01');
    await form.getByLabel('Expires on').fill('2020-03-01');
    await form.getByRole('button', { name: 'Save' }).click();
    await until(() => store().credentials.all().some((c) => c.name === 'ACLS' && c.personId === personId('Resident A01') && c.expiresOn === '2020-03-01'));
    const row = page.locator('table.records tr', { hasText: 'ACLS' });
    await row.locator('[data-credential-state="expired"]').waitFor();
    expect(await row.textContent()).toContain('Resident A01');
    expect(await page.getByTestId('expired-count').textContent()).toBe('1 expired');
    // The refusal of the first attempt does not outlive the save that succeeded.
    expect(await page.getByText('Please correct the highlighted fields.').count()).toBe(0);
    await shot(page, 'credentials-expired');
    // The person's row in the directory carries the flag too.
    await page.getByRole('tablist', { name: 'People' }).getByRole('tab', { name: 'People' }).click();
    await page.locator('table.records tr', { hasText: 'Resident A01' }).locator('[data-expired-credentials="1"]').waitFor();
  });

  it('adds a coverage rule to a shift type and lists it; a maximum below the minimum is refused inline', async () => {
    await nav(page, 'Shift types');
    await page.getByRole('tablist', { name: 'Shift types' }).getByRole('tab', { name: 'Coverage' }).click();
    await page.getByRole('button', { name: 'New coverage rule' }).click();
    const form = page.getByRole('form', { name: 'New coverage rule' });
    const icu = store().shiftTypes.all().find((t) => t.shortName === 'I24');
    await form.getByLabel('Shift type', { exact: true }).selectOption(icu?.id ?? '');
    await form.getByLabel('Days of the week').fill('1, 2, 3, 4, 5');
    await form.getByLabel('Minimum people').fill('2');
    await form.getByLabel('Maximum people').fill('1');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.locator('.field-error').first().textContent()).toContain('must be at least the minimum');
    expect(store().coverage.all()).toHaveLength(0);

    await form.getByLabel('Maximum people').fill('3');
    await form.getByLabel('Senior means PGY at least').fill('2');
    await form.getByLabel('Minimum seniors').fill('1');
    await form.getByRole('button', { name: 'Save' }).click();
    await until(() => store().coverage.all().some((c) => c.shiftTypeId === icu?.id && c.min === 2 && c.max === 3 && c.minSenior === 1 && c.weekdays.join() === '1,2,3,4,5'));
    const row = page.locator('table.records tr', { hasText: 'Mon–Fri' });
    await row.waitFor();
    expect(await row.textContent()).toContain('2–3');
    expect(await row.textContent()).toContain('at least 1 of PGY 2+');
    await shot(page, 'coverage');
  });

  it("lets a resident file a request for themself only, and the coordinator sees it", async () => {
    const residentTemp = await createAccount(RESIDENT.username, 'Resident A05 account', 'resident', 'Resident A05');
    const coordinatorTemp = await createAccount(COORDINATOR.username, 'Casey Coordinator', 'coordinator', null);

    resident = await newPage();
    await signIn(resident, clock, { username: RESIDENT.username, password: residentTemp }, { newPassword: RESIDENT.password });
    await nav(resident, 'Absences');
    await resident.getByRole('tab', { name: 'Requests' }).click();
    await resident.getByRole('heading', { name: 'My scheduling requests' }).waitFor();
    await resident.getByRole('button', { name: 'New request' }).click();
    const form = resident.getByRole('form', { name: 'New request' });
    // Their own only: no choice of person.
    expect(await form.getByLabel('Person', { exact: true }).count()).toBe(0);
    await form.getByLabel('Request', { exact: true }).selectOption('day_off');
    await form.getByLabel('From', { exact: true }).fill('2026-10-06');
    await form.getByLabel('To', { exact: true }).fill('2026-10-05');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.locator('.field-error').first().textContent()).toContain('must not end before it starts');
    await form.getByLabel('To', { exact: true }).fill('2026-10-07');
    await form.getByLabel('Priority', { exact: true }).fill('8');
    await form.getByRole('button', { name: 'Save' }).click();
    await until(() => store().requests.all().some((r) => r.personId === personId('Resident A05') && r.kind === 'day_off' && r.startDate === '2026-10-06' && r.weight === 8));
    await resident.locator('table.records tr', { hasText: '2026-10-06 to 2026-10-07' }).waitFor();
    await shot(resident, 'resident-request');

    coordinator = await newPage();
    await signIn(coordinator, clock, { username: COORDINATOR.username, password: coordinatorTemp }, { newPassword: COORDINATOR.password });
    await nav(coordinator, 'Absences');
    await coordinator.getByRole('tab', { name: 'Requests' }).click();
    await coordinator.getByRole('heading', { name: 'Scheduling requests' }).waitFor();
    const row = coordinator.locator('table.records tr', { hasText: 'Resident A05' }).filter({ hasText: '2026-10-06 to 2026-10-07' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Day(s) off');
    await shot(coordinator, 'coordinator-requests');
  });

  it('starts emergency access with a reason and the recovery key: the top bar shows it until it is ended', async () => {
    const p = coordinator;
    const pill = p.locator('header.topbar .pill.danger', { hasText: 'Emergency access until' });
    expect(await pill.count()).toBe(0);
    await p.getByTestId('whoami').click();
    await p.getByRole('button', { name: 'Request emergency access…' }).click();
    const form = p.getByRole('form', { name: 'Request emergency access' });
    await form.getByLabel('Reason', { exact: true }).fill('flu');
    await form.getByLabel('Recovery key', { exact: true }).fill(recoveryKey);
    await form.getByRole('button', { name: 'Start emergency access' }).click();
    await expect.poll(() => form.getByLabel('Reason', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await pill.count()).toBe(0);

    // A wrong key is refused by the core.
    await form.getByLabel('Reason', { exact: true }).fill('Mass casualty event: need the on-call roster and leave now');
    await form.getByLabel('Recovery key', { exact: true }).fill(recoveryKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
    await form.getByRole('button', { name: 'Start emergency access' }).click();
    await expect.poll(() => form.getByRole('alert').last().textContent()).toContain('Emergency access was not approved');
    expect(await pill.count()).toBe(0);

    await form.getByLabel('Recovery key', { exact: true }).fill(recoveryKey);
    await form.getByRole('button', { name: 'Start emergency access' }).click();
    await pill.waitFor();
    await p.getByTestId('break-glass').getByRole('status').filter({ hasText: 'Emergency access is on until' }).waitFor();
    await shot(p, 'break-glass-on');

    await p.getByRole('button', { name: 'End emergency access' }).click();
    await pill.waitFor({ state: 'detached' });
    await p.getByRole('button', { name: 'Request emergency access…' }).waitFor();
  });

  it('starts emergency access approved by an administrator at the same computer (password and authenticator code)', async () => {
    const p = coordinator;
    const pill = p.locator('header.topbar .pill.danger', { hasText: 'Emergency access until' });
    await p.getByRole('button', { name: 'Request emergency access…' }).click();
    const form = p.getByRole('form', { name: 'Request emergency access' });
    await form.getByLabel('Reason', { exact: true }).fill('Night coordinator needs the leave list for a deployment recall');
    await form.getByLabel('An administrator at this computer').check();
    await form.getByLabel("Administrator's user name").fill(ADMIN.username);
    await form.getByLabel("Administrator's password").fill('not the password at all');
    await form.getByRole('button', { name: 'Start emergency access' }).click();
    await expect.poll(() => form.getByRole('alert').last().textContent()).toContain('Emergency access was not approved');
    expect(await pill.count()).toBe(0);

    // The administrator's code of the sign-in step was used; a later one is accepted.
    clock.advance(60_000);
    await form.getByLabel("Administrator's password").fill(ADMIN.password);
    await form.getByLabel("Administrator's authenticator code").fill(await totpAt(adminMfa.value ?? '', clock.nowMs()));
    await form.getByRole('button', { name: 'Start emergency access' }).click();
    await pill.waitFor();
    await p.getByRole('button', { name: 'End emergency access' }).click();
    await pill.waitFor({ state: 'detached' });
  });

  it('resets a forgotten password with the recovery key, then signs in with the new one', async () => {
    const p = resident;
    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.getByRole('heading', { name: /Sign in|Vault locked/ }).waitFor();
    await p.getByRole('button', { name: 'Forgot your password?' }).click();
    await p.getByRole('heading', { name: 'Reset your password' }).waitFor();
    const next = 'lantern quarry velvet pepper 5120';
    await p.getByLabel('User name').fill(RESIDENT.username);
    await p.getByLabel('Recovery key').fill(recoveryKey);
    await p.getByLabel('New password', { exact: true }).fill(next);
    await p.getByLabel('Repeat the new password').fill(`${next}x`);
    await p.getByRole('button', { name: 'Reset password' }).click();
    await expect.poll(() => p.locator('.field-error').first().textContent()).toContain('does not match');

    // Too short for the policy: the core says why, on the field.
    await p.getByLabel('New password', { exact: true }).fill('short pw');
    await p.getByLabel('Repeat the new password').fill('short pw');
    await p.getByRole('button', { name: 'Reset password' }).click();
    await expect.poll(async () => p.getByLabel('New password', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await p.getByLabel('New password', { exact: true }).fill(next);
    await p.getByLabel('Repeat the new password').fill(next);
    await p.getByRole('button', { name: 'Reset password' }).click();
    await p.getByRole('status').filter({ hasText: 'Your password was reset' }).waitFor({ timeout: 30_000 });
    expect(await p.getByLabel('User name').inputValue()).toBe(RESIDENT.username);
    await shot(p, 'password-reset');

    // The old password no longer works; the new one does.
    await p.getByLabel('Password', { exact: true }).fill(RESIDENT.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('alert').first().waitFor();
    expect(await p.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await signIn(p, clock, { username: RESIDENT.username, password: next });
    expect(await p.getByTestId('whoami').textContent()).toContain('Resident A05 account');
  });
});
