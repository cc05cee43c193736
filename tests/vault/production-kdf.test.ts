import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVault, unlockWithPassword } from '../../electron/core/vault';
import { testKdfPolicy } from '../../electron/core/vault/kdf';
import { PASSWORD, codeOf, tempRoot, testContext } from './helpers';

describe('production KDF', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ root, cleanup } = tempRoot()));
  afterEach(() => cleanup());

  it('without an injected policy, slots use scrypt N=2^17 r=8 p=1 and unlock end to end', { timeout: 60_000 }, async () => {
    const { clock, logger } = testContext();
    const dir = join(root, 'v');
    const { vault } = await createVault({ dir, programName: 'P', timeZone: 'UTC', firstSlot: { slotId: 'user:admin', password: PASSWORD }, clock, logger });
    vault.close();
    const ks = JSON.parse(readFileSync(join(dir, 'keystore.json'), 'utf8')) as { slots: Array<{ kind: string; kdf: Record<string, unknown> }> };
    expect(ks.slots.find((s) => s.kind === 'password')?.kdf).toMatchObject({ name: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
    (await unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, clock, logger })).close();
    expect(await codeOf(unlockWithPassword({ dir, slotId: 'user:admin', password: 'nope', clock, logger }))).toBe('WRONG_CREDENTIALS');
  });

  it('the weak test policy cannot be obtained outside the test runner', () => {
    const saved = process.env.VITEST;
    try {
      delete process.env.VITEST;
      expect(() => testKdfPolicy()).toThrow(/test runner/);
    } finally {
      process.env.VITEST = saved;
    }
  });
});
