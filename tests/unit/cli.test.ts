import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import { memoryIo } from '../../electron/cli/io';

describe('rsched', () => {
  it('lists its commands on help and exits 0', async () => {
    const io = memoryIo();
    expect(await runCli(['help'], io)).toBe(0);
    expect(io.out.join('')).toContain('Usage: rsched COMMAND');
  });

  it('exits 2 with a clear message on an unknown command', async () => {
    const io = memoryIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.err.join('')).toContain('unknown command "frobnicate"');
  });

  it('runs through the package bin entry with no build step', () => {
    const out = execFileSync(process.execPath, ['bin/rsched.mjs', 'help'], { encoding: 'utf8' });
    expect(out).toContain('rsched: Residency Scheduler command line');
  });
});
