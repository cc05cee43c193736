import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import { memoryIo } from '../../electron/cli/io';
import { complianceOutputSchema } from '../../shared/compliance/interchange';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function rsched(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(stdin);
  const code = await runCli(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('rsched check FILE.json', () => {
  it('prints the interchange output and exits 0 even when there are violations', async () => {
    const { code, out, err } = await rsched(['check', fixture('block-july.json')]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const output = complianceOutputSchema.parse(JSON.parse(out));
    const r1 = output.results.filter((r) => r.personId === 'R1');
    // One row per person, rule and period: nine CPR rules for a 28-day block.
    expect(r1.map((r) => r.ruleId)).toEqual([
      'CPR-80H', 'CPR-8H', 'CPR-14H', 'CPR-1IN7', 'CPR-24H', 'CPR-24P4', 'CPR-ML-PGY1', 'CPR-Q3', 'CPR-HOME',
    ]);
    const h80 = r1[0];
    expect(h80).toMatchObject({
      verdict: 'violation',
      period: ['2026-07-01', '2026-07-28'],
      values: { countedHours: 325, eligibleDays: 28, weeklyAverage: 81.25, limit: 80 },
      explanation: '325.0 h x 7 / 28 = 81.25 > 80',
      citations: { cpr2023: 'VI.F.1', cpr2025: '6.20' },
    });
    const r2call = output.results.find((r) => r.personId === 'R2' && r.ruleId === 'CPR-14H');
    expect(r2call?.verdict).toBe('violation');
    expect(output.results.find((r) => r.personId === 'R2' && r.ruleId === 'CPR-80H')?.values.limit).toBe(88);
    // Faculty are listed, not judged.
    expect(output.notEvaluated).toEqual([{ personId: 'F1', reason: 'role "faculty" is not subject to ACGME work rules' }]);
    expect(output.results.some((r) => r.personId === 'F1')).toBe(false);
  });

  it('--format text prints a report for people', async () => {
    const { code, out } = await rsched(['check', fixture('block-july.json'), '--format', 'text']);
    expect(code).toBe(0);
    expect(out).toContain('VIOLATION CPR-80H     325.0 h x 7 / 28 = 81.25 > 80  (VI.F.1 / 6.20)');
    expect(out).toContain('Summary: 2 violations, 0 advisories, 16 compliant, for 2 people.');
  });

  it('reads standard input for "-"', async () => {
    const { code, out } = await rsched(['check', '-', '--format=json'], readFileSync(fixture('block-july.json'), 'utf8'));
    expect(code).toBe(0);
    expect(JSON.parse(out).results.length).toBe(18);
  });

  it('exits 2 on malformed input, naming the field', async () => {
    const { code, out, err } = await rsched(['check', fixture('malformed-start.json')]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('intervals[3].start: expected an ISO-8601 date-time with an offset or Z');
  });

  it('exits 2 when the file is missing or is not JSON', async () => {
    const missing = await rsched(['check', fixture('no-such-file.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*no-such-file\.json \(ENOENT\)/);
    const notJson = await rsched(['check', '-'], '{"timeZone": ');
    expect(notJson.code).toBe(2);
    expect(notJson.err).toMatch(/is not valid JSON/);
  });

  it('exits 2 with the usage on bad arguments', async () => {
    const none = await rsched(['check']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('missing FILE.json');
    expect(none.err).toContain('Usage: rsched check FILE.json');
    expect((await rsched(['check', 'a.json', '--format', 'xml'])).err).toContain('--format must be json or text');
    expect((await rsched(['check', 'a.json', '--frobnicate'])).code).toBe(2);
  });

  it('--vault needs a user to sign in as, and refuses a FILE beside it', async () => {
    const noUser = await rsched(['check', '--vault', '/tmp/vault']);
    expect(noUser.code).toBe(2);
    expect(noUser.err).toContain('--vault needs --user NAME');
    const both = await rsched(['check', 'x.json', '--vault', '/tmp/vault', '--user', 'a']);
    expect(both.code).toBe(2);
    expect(both.err).toContain('either FILE.json or --vault DIR');
  });

  it('is listed by rsched help', async () => {
    const { out } = await rsched(['help']);
    expect(out).toMatch(/check\s+Check a schedule period against the ACGME work-hour rules/);
  });
});
