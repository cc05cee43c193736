import { describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import { memoryIo } from '../../electron/cli/io';
import { ADMIN, setupAndSignInAdmin, startCore } from '../accounts/helpers';

describe('rsched check --vault', () => {
  it("signs in through the core and reports the vault's findings for the academic year", async () => {
    const h = startCore();
    try {
      await setupAndSignInAdmin(h);
      const { year, blocks } = await h.ok<{ year: { id: string; label: string }; blocks: Array<{ id: string }> }>('years.create', { label: '2026-27', startDate: '2026-07-01' });
      const micu = await h.ok<{ id: string }>('rotations.save', {
        name: 'Medical ICU', shortName: 'MICU', setting: 'icu', site: '', colour: '#aa3344', eligiblePgy: [2], capacityMin: 2, capacityMax: 3,
        requiredCredentials: [], supervisionRatio: null, hoursException: null, rulePacks: [], group: 'ICU',
      });
      const r = await h.ok<{ id: string }>('people.save', { displayName: 'Resident A01', email: null, kind: 'resident', pgy: 2, specialty: 'im', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true });
      await h.ok('assignments.set', { personId: r.id, blockId: blocks[0]!.id, rotationId: micu.id });
      h.core.shutdown();

      const io = memoryIo(`${ADMIN.password}\n`);
      const code = await runCli(['check', '--vault', h.dir, '--user', ADMIN.username, '--password-stdin'], io);
      expect(io.err.join('')).toBe('');
      expect(code).toBe(0);
      const out = JSON.parse(io.out.join('')) as { academicYear: string; results: Array<{ ruleId: string; values: Record<string, number> }> };
      expect(out.academicYear).toBe(year.label);
      // One resident on a rotation that needs two: under capacity in block 1.
      expect(out.results.find((x) => x.ruleId === 'PRG-CAPACITY' && x.values.assigned === 1)).toBeDefined();

      const text = memoryIo(`${ADMIN.password}\n`);
      expect(await runCli(['check', '--vault', h.dir, '--user', ADMIN.username, '--password-stdin', '--format', 'text'], text)).toBe(0);
      expect(text.out.join('')).toMatch(/Academic year 2026-27: 1 trainees checked, \d+ violation/);

      const wrong = memoryIo('not the password at all\n');
      expect(await runCli(['check', '--vault', h.dir, '--user', ADMIN.username, '--password-stdin'], wrong)).toBe(1);
      expect(wrong.err.join('')).toContain('WRONG_CREDENTIALS');
    } finally {
      h.stop();
    }
  });

  it('refuses --vault without a user, with a usage error', async () => {
    const io = memoryIo();
    expect(await runCli(['check', '--vault', '/nowhere'], io)).toBe(2);
    expect(io.err.join('')).toContain('--vault needs --user NAME');
  });
});
