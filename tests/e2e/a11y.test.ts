import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../electron/core/accounts/mfa';
import { ManualClock } from '../../electron/core/clock';
import { openFirstRun, type RunningApp } from './browser';
import { ADMIN, cellOf, gridToTop, setupVault, until } from './flows';

/** axe-core's browser bundle, injected into each page as a script. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The WCAG 2.0/2.1/2.2 level A and AA rules; best-practice and AAA rules are left out. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const BLOCKING = new Set(['serious', 'critical']);

interface Finding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
  /** axe's explanation for the first offending element. */
  why: string;
}

/** Runs axe on the whole document; returns the serious and critical WCAG A/AA violations. */
async function audit(page: Page): Promise<Finding[]> {
  // The app's CSP forbids inline scripts; evaluating over the DevTools protocol is not subject to it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<AxeResults> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
  }, WCAG_TAGS);
  return results.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => ({ rule: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')), why: (v.nodes[0]?.failureSummary ?? '').replace(/\s+/g, ' ') }));
}

/** One line per violation, so a failure names the rule, its impact and where it is. */
function report(findings: Finding[]): string[] {
  return findings.map((f) => `${f.rule} (${f.impact}): ${f.help} — ${f.targets.slice(0, 8).join(' | ')}${f.targets.length > 8 ? ` (+${f.targets.length - 8} more)` : ''} [${f.why}]`);
}

/** The axe findings, plus any horizontal scrolling of the page itself at the 1280 px width. */
async function problems(page: Page): Promise<string[]> {
  const lines = report(await audit(page));
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 1280) lines.push(`page wider than the 1280 px window: ${width} px`);
  return lines;
}

async function expectNoSeriousViolations(page: Page, screen: string): Promise<void> {
  const lines = await problems(page);
  if (lines.length > 0) console.error(`axe on ${screen}:\n  ${lines.join('\n  ')}`);
  expect(lines, `accessibility violations on ${screen}`).toEqual([]);
}

/**
 * The accessibility audit (issue #7): axe-core's WCAG 2 A/AA rules over each main screen at
 * 1280 x 800, failing on serious and critical violations, plus keyboard reachability of the main
 * navigation and the block grid. The real core and a SQLCipher vault with the demo program, in
 * Chromium behind the preview bridge.
 */
describe('accessibility of the main screens in the browser preview', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const clock = new ManualClock('2026-09-15T12:00:00Z');

  const mainNav = () => page.getByRole('navigation', { name: 'Main' });
  /** Opens a view from the main navigation and waits until it has finished loading. */
  async function open(label: string, ready: Locator): Promise<void> {
    await mainNav().getByRole('button', { name: label, exact: true }).click();
    await ready.first().waitFor({ timeout: 30_000 });
    await until(async () => (await page.locator('[aria-busy="true"]').count()) === 0, 30_000);
  }

  beforeAll(async () => {
    ({ app, browser, page } = await openFirstRun({ clock, viewport: { width: 1280, height: 800 } }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('the audit itself flags an unlabeled field and low-contrast text', async () => {
    await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.id = 'a11y-probe';
      const field = document.createElement('input');
      field.id = 'a11y-probe-input';
      const faint = document.createElement('p');
      faint.id = 'a11y-probe-text';
      faint.textContent = 'faint';
      // Through the CSSOM: the app's CSP refuses style="" attributes.
      faint.style.color = '#bbb';
      faint.style.background = '#fff';
      probe.append(field, faint);
      document.body.append(probe);
    });
    const rules = (await audit(page)).filter((f) => f.targets.some((t) => t.includes('a11y-probe'))).map((f) => f.rule);
    await page.evaluate(() => document.getElementById('a11y-probe')?.remove());
    expect(rules).toEqual(expect.arrayContaining(['label', 'color-contrast']));
  });

  it('setup screen', async () => {
    await expectNoSeriousViolations(page, 'setup');
  });

  it('recovery key, sign-in and the gates of the first sign-in', async () => {
    await setupVault(page, { demo: true });
    await expectNoSeriousViolations(page, 'recovery key');
    await page.getByRole('button', { name: 'I wrote it down' }).click();
    await page.getByRole('heading', { name: 'Vault locked' }).waitFor();
    await expectNoSeriousViolations(page, 'sign-in');
    // The first sign-in's gates: the confidentiality notice, then authenticator enrollment.
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Confidentiality notice' }).waitFor({ timeout: 30_000 });
    await until(async () => (await page.getByText('Loading…').count()) === 0);
    await expectNoSeriousViolations(page, 'confidentiality notice');
    await page.getByRole('button', { name: 'I accept' }).click();
    await page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('mfa-secret').waitFor();
    await expectNoSeriousViolations(page, 'two-step sign-in setup');
    const secret = (await page.getByTestId('mfa-secret').textContent()) ?? '';
    await page.getByLabel('Six-digit code from the app').fill(await totpAt(secret, clock.nowMs()));
    await page.getByLabel('Your password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByTestId('mfa-recovery-codes').waitFor();
    await expectNoSeriousViolations(page, 'two-step sign-in recovery codes');
    await page.getByRole('button', { name: 'I saved them' }).click();
    await mainNav().waitFor({ timeout: 30_000 });
    await page.getByTestId('notice').filter({ hasText: 'Demo program loaded' }).waitFor({ timeout: 90_000 });
  }, 180_000);

  it('block schedule grid', async () => {
    await open('Block schedule', page.getByRole('grid', { name: /Block schedule/ }).locator('[role="gridcell"]'));
    await expectNoSeriousViolations(page, 'block schedule');
    // A selection, the rotation picker open over it, then an over-capacity block with its markers.
    await gridToTop(page);
    await cellOf(page, 'Resident A01', 0).click();
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.type('MICU');
    await page.getByTestId('rotation-picker').waitFor();
    await expectNoSeriousViolations(page, 'block schedule: rotation picker');
    await page.keyboard.press('Enter');
    await page.locator('[data-cap="MICU|Block 1"][data-state="over"]').waitFor();
    await expectNoSeriousViolations(page, 'block schedule: over capacity');
  });

  it('call calendar', async () => {
    await open('Call calendar', page.getByRole('heading', { name: 'Call calendar' }));
    await expectNoSeriousViolations(page, 'call calendar');
  });

  it('compliance panel', async () => {
    await open('Compliance', page.getByRole('heading', { name: 'Compliance', exact: true }));
    await until(async () => !((await page.locator('.compliance .section-head').textContent()) ?? '').includes('checking'), 60_000);
    await expectNoSeriousViolations(page, 'compliance');
    const card = page.locator('article.finding', { hasText: 'MICU in Block 1' });
    await card.getByRole('button', { name: 'Acknowledge…' }).click();
    await card.getByLabel('Reason for acknowledging').waitFor();
    await expectNoSeriousViolations(page, 'compliance: acknowledging a finding');
  });

  it('people editor, with its form open', async () => {
    await open('People', page.locator('table.records tr', { hasText: 'Resident A01' }));
    await expectNoSeriousViolations(page, 'people');
    await page.getByRole('button', { name: 'New person' }).click();
    await page.getByRole('form', { name: 'New person' }).waitFor();
    await expectNoSeriousViolations(page, 'people: new person form');
  });

  it('audit viewer', async () => {
    await open('Audit', page.getByRole('heading', { name: 'Audit trail' }));
    await expectNoSeriousViolations(page, 'audit');
  });

  it('administration', async () => {
    await open('Administration', page.getByRole('heading', { name: 'Users and roles' }));
    await expectNoSeriousViolations(page, 'administration');
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByRole('form', { name: 'New user' }).waitFor();
    await expectNoSeriousViolations(page, 'administration: new user form');
  });

  it('security view', async () => {
    await open('Security', page.getByRole('heading', { name: 'Security', exact: true }));
    const tabs = page.getByRole('tablist', { name: 'Security operations' }).getByRole('tab');
    const names = await tabs.allTextContents();
    expect(names.length).toBeGreaterThan(1);
    const lines: string[] = [];
    for (const name of names) {
      await tabs.filter({ hasText: name }).first().click();
      await until(async () => (await page.locator('[aria-busy="true"]').count()) === 0, 30_000);
      lines.push(...(await problems(page)).map((l) => `${name}: ${l}`));
    }
    if (lines.length > 0) console.error(`axe on security:\n  ${lines.join('\n  ')}`);
    expect(lines, 'accessibility violations on the security tabs').toEqual([]);
  });

  it('every other view in the main navigation', async () => {
    const audited = new Set(['Block schedule', 'Call calendar', 'Compliance', 'People', 'Audit', 'Administration', 'Security']);
    const labels = (await mainNav().getByRole('button').allTextContents()).map((l) => l.trim()).filter((l) => !audited.has(l));
    expect(labels.length).toBeGreaterThan(3);
    for (const label of labels) {
      await open(label, page.locator('main h2').first());
      await expectNoSeriousViolations(page, label);
    }
    await page.getByTestId('whoami').click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await expectNoSeriousViolations(page, 'my account');
  });

  it('Tab reaches the main navigation and the block grid; arrow keys move focus inside the grid', async () => {
    await open('Block schedule', page.getByRole('grid', { name: /Block schedule/ }).locator('[role="gridcell"]'));
    const grid = page.getByRole('grid', { name: /Block schedule/ });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.locator('body').focus();
    /** Tabs forward until the focused element matches; returns how many presses it took, or -1. */
    const tabTo = async (test: () => boolean, max = 80): Promise<number> => {
      for (let i = 1; i <= max; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(test)) return i;
      }
      return -1;
    };
    expect(await tabTo(() => document.activeElement?.closest('nav[aria-label="Main"]') != null)).toBeGreaterThan(0);
    // Visible focus (WCAG 2.4.7): every stop on the way through the workspace draws an outline or a ring.
    const unmarked: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const miss = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const cs = getComputedStyle(el);
        const marked = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
        return marked ? null : `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`;
      });
      if (miss) unmarked.push(miss);
    }
    expect(unmarked, 'focused elements without a visible focus indicator').toEqual([]);
    await mainNav().getByRole('button', { name: 'Block schedule', exact: true }).focus();
    expect(await tabTo(() => document.activeElement?.closest('[role="grid"]') != null)).toBeGreaterThan(0);

    const focused = () => page.evaluate(() => {
      const el = document.activeElement;
      return el?.getAttribute('role') === 'gridcell' ? `${el.getAttribute('data-row')},${el.getAttribute('data-col')}` : null;
    });
    // Tab lands on one cell (roving tabindex); the arrows move it.
    const start = await focused();
    expect(start).not.toBeNull();
    const [row, col] = (start ?? '0,0').split(',').map(Number) as [number, number];
    await page.keyboard.press('ArrowRight');
    await until(async () => (await focused()) === `${row},${col + 1}`);
    await page.keyboard.press('ArrowDown');
    await until(async () => (await focused()) === `${row + 1},${col + 1}`);
    await page.keyboard.press('ArrowLeft');
    await until(async () => (await focused()) === `${row + 1},${col}`);
    expect(await grid.getAttribute('role')).toBe('grid');
  });
});
