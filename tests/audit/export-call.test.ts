import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import { memoryIo } from '../../electron/cli/io';
import { canonicalJson } from '../../shared/canonical-json';
import { MAX_CONTRACT_EXPORT_ENTRIES } from '../../shared/contract/audit';
import { verifyExport } from '../../electron/core/audit/export-verify';
import type { Caller } from '../../electron/core/session';
import { addUser, expectError, setupAndSignInAdmin, startCore, type Harness } from '../accounts/helpers';

interface ExportOut {
  fileName: string;
  data: string;
  manifest: { count: number; exportedBy: { role: string } };
  signature: string;
}

/** A compliance officer signed in from a desktop window (the Electron transport). */
async function officerWindow(h: Harness): Promise<Caller> {
  const officer = await addUser(h, 'compliance_officer', 'olga');
  const window: Caller = { clientId: 'olga-desktop', transport: 'electron' };
  await h.ok('auth.login', { username: 'olga', password: officer.password }, window);
  return window;
}

describe('audit.export through the contract', () => {
  it("exports with the app's defaults (no size given) and the three files verify offline", async () => {
    const h = startCore();
    try {
      await setupAndSignInAdmin(h);
      const window = await officerWindow(h);
      // What the Audit screen sends: a format and an empty filter, nothing else.
      const out = await h.ok<ExportOut>('audit.export', { format: 'json', filter: {} }, window);
      expect(out.manifest.count).toBeGreaterThan(0);
      expect(out.manifest.exportedBy.role).toBe('compliance_officer');
      const r = verifyExport({ data: Buffer.from(out.data), manifestBytes: Buffer.from(canonicalJson(out.manifest)), signature: Buffer.from(out.signature, 'base64') });
      expect(r.problems).toEqual([]);
      expect(r.ok).toBe(true);
    } finally {
      h.stop();
    }
  });

  it('refuses a size above the app cap from a window, naming the field and the command that takes more', async () => {
    const h = startCore();
    try {
      await setupAndSignInAdmin(h);
      const window = await officerWindow(h);
      const r = await h.call('audit.export', { format: 'csv', filter: {}, maxEntries: MAX_CONTRACT_EXPORT_ENTRIES + 1 }, window);
      expectError(r, 'BAD_INPUT');
      expect(JSON.stringify(r.ok ? null : r.error.issues)).toMatch(/maxEntries.*rsched audit export/);
    } finally {
      h.stop();
    }
  });
});

describe('rsched audit export', () => {
  it('writes the data, manifest and signature files that verify-export accepts, and audits the export', async () => {
    const h = startCore();
    try {
      await setupAndSignInAdmin(h);
      const officer = await addUser(h, 'compliance_officer', 'olga');
      h.core.shutdown();

      const io = memoryIo(`${officer.password}\n`);
      const code = await runCli(['audit', 'export', '--vault', h.dir, '--user', 'olga', '--password-stdin', '--out', 'trail.csv', '--format', 'csv', '--from', '2026-01-01T00:00:00Z'], { ...io, cwd: h.dir });
      expect(io.err.join('')).toBe('');
      expect(code).toBe(0);
      expect(io.out.join('')).toMatch(/^exported \d+ entries \(seq 0\.\.\d+ of a log of \d+\) to /);
      const data = join(h.dir, 'trail.csv');
      expect(readFileSync(data, 'utf8').split('\n')[0]).toMatch(/^"?seq/);

      const check = memoryIo();
      expect(await runCli(['audit', 'verify-export', '--data', data, '--manifest', `${data}.manifest.json`, '--signature', `${data}.sig`], check)).toBe(0);
      expect(check.out.join('')).toMatch(/^export verified: \d+ entries/);

      // The export is itself on the trail, by the officer.
      const again = startCore(h.dir);
      try {
        await again.ok<unknown>('auth.login', { username: 'olga', password: officer.password });
        const page = await again.ok<{ records: Array<{ entry: { action: string; actor: { role?: string } } | null }> }>('audit.search', { actions: ['audit.export'] });
        expect(page.records.map((r) => r.entry?.actor.role)).toContain('compliance_officer');
      } finally {
        again.core.shutdown();
      }

      // A second run to the same name is refused before anything is read, and the files stay.
      const twice = memoryIo(`${officer.password}\n`);
      expect(await runCli(['audit', 'export', '--vault', h.dir, '--user', 'olga', '--password-stdin', '--out', 'trail.csv', '--format', 'csv'], { ...twice, cwd: h.dir })).toBe(2);
      expect(twice.err.join('')).toMatch(/trail\.csv already exists/);
      expect(readFileSync(data, 'utf8').length).toBeGreaterThan(0);
    } finally {
      h.stop();
    }
  });

  it('names a bad filter flag, refuses a role without audit.export, and a wrong password', async () => {
    const h = startCore();
    try {
      await setupAndSignInAdmin(h);
      const officer = await addUser(h, 'compliance_officer', 'olga');
      const coordinator = await addUser(h, 'coordinator', 'cora');
      h.core.shutdown();
      const at = (stdin: string): ReturnType<typeof memoryIo> & { cwd: string } => ({ ...memoryIo(stdin), cwd: h.dir });

      const badDate = at(`${officer.password}\n`);
      expect(await runCli(['audit', 'export', '--vault', h.dir, '--user', 'olga', '--password-stdin', '--out', 'a.json', '--from', 'last tuesday'], badDate)).toBe(2);
      expect(badDate.err.join('')).toMatch(/--from: /);

      // Coordinators edit schedules but may not take the trail away.
      const cora = at(`${coordinator.password}\n`);
      expect(await runCli(['audit', 'export', '--vault', h.dir, '--user', 'cora', '--password-stdin', '--out', 'b.json'], cora)).toBe(1);
      expect(cora.err.join('')).toContain('FORBIDDEN');

      const wrong = at('not the password at all\n');
      expect(await runCli(['audit', 'export', '--vault', h.dir, '--user', 'olga', '--password-stdin', '--out', 'c.json'], wrong)).toBe(1);
      expect(wrong.err.join('')).toContain('WRONG_CREDENTIALS');
      for (const name of ['a.json', 'b.json', 'c.json']) expect(existsSync(join(h.dir, name))).toBe(false);
    } finally {
      h.stop();
    }
  });
});
