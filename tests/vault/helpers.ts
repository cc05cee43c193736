import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../electron/core/clock';
import { createLogger, memorySink } from '../../electron/core/logger';
import { testKdfPolicy, type KdfPolicy } from '../../electron/core/vault/kdf';
import { createVault } from '../../electron/core/vault';

/** A temp folder per test; `cleanup` removes it whatever happened. */
export function tempRoot(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'rsched-vault-test-'));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function testContext(policy: KdfPolicy = testKdfPolicy()) {
  const sink = memorySink();
  const clock = new ManualClock('2026-07-01T12:00:00Z');
  return { clock, logger: createLogger({ sink, clock, level: 'debug' }), kdfPolicy: policy, sink };
}

export const PASSWORD = 'correct horse battery staple 2026';

export async function makeVault(dir: string, ctx = testContext()) {
  const { vault, recoveryKey } = await createVault({
    dir,
    programName: 'Internal Medicine Residency',
    timeZone: 'America/Chicago',
    firstSlot: { slotId: 'user:admin', password: PASSWORD },
    ...ctx,
  });
  return { vault, recoveryKey, ctx };
}
