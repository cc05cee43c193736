import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import { memoryIo } from '../../electron/cli/io';
import { ADMIN, addUser, setupAndSignInAdmin, startCore } from '../accounts/helpers';

describe('key operations from the command line', () => {
  it("need an account allowed key operations, not just any slot's password, and are audited", async () => {
    const h = startCore();
    try {
      const { session } = await setupAndSignInAdmin(h);
      const resident = await addUser(h, 'resident', 'rory.resident');
      h.core.shutdown();
      const out = join(h.dir, '..', `backup-${Date.now()}.rsbak`);

      const refused = memoryIo(`${resident.password}\n`);
      expect(await runCli(['vault', 'backup', '--dir', h.dir, '--out', out, '--slot', `user:${resident.userId}`, '--password-stdin'], refused)).not.toBe(0);
      expect(refused.err.join('')).toContain('may not do this');
      expect(existsSync(out)).toBe(false);

      const allowed = memoryIo(`${ADMIN.password}\n`);
      expect(await runCli(['vault', 'backup', '--dir', h.dir, '--out', out, '--slot', `user:${session.userId}`, '--password-stdin'], allowed)).toBe(0);
      expect(existsSync(out)).toBe(true);
      rmSync(out, { force: true });

      // The backup is in the audit trail, by the admin, marked as done from the command line.
      const h2 = startCore(h.dir);
      try {
        await h2.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
        const page = await h2.ok<{ records: Array<{ entry: { action: string; actor: { userId?: string }; details?: { via?: string } } }> }>('audit.search', { actions: ['vault.backup'] });
        expect(page.records.map((r) => [r.entry.action, r.entry.actor.userId, r.entry.details?.via])).toEqual([['vault.backup', session.userId, 'cli']]);
      } finally {
        h2.core.shutdown();
      }
    } finally {
      h.stop();
    }
  });
});
