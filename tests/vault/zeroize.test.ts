import type * as NodeCrypto from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dekOf, makeVault, tempRoot } from './helpers';

// Capture every 32-byte buffer the vault draws from randomBytes (DEKs, recovery keys), so the test
// can look at the very Buffer objects the vault holds and check they are zeroed.
const drawn: Buffer[] = vi.hoisted(() => []);
vi.mock('node:crypto', async (importOriginal) => {
  const orig = await importOriginal<typeof NodeCrypto>();
  const randomBytes = (n: number): Buffer => {
    const b = orig.randomBytes(n);
    if (n === 32) drawn.push(b);
    return b;
  };
  return { ...orig, default: { ...orig, randomBytes }, randomBytes };
});

const isZero = (b: Buffer): boolean => b.every((x) => x === 0);

describe('key buffers are zeroed', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ root, cleanup } = tempRoot()));
  afterEach(() => cleanup());

  it('the DEK Buffer held by a vault is zero after close(), and the old DEK right after rekey()', async () => {
    drawn.length = 0;
    const dir = join(root, 'v');
    const { vault, ctx } = await makeVault(dir);
    const dekValue = await dekOf(dir, ctx.kdfPolicy);
    const held = drawn.find((b) => b.equals(dekValue));
    expect(held, 'the DEK came from randomBytes(32)').toBeDefined();
    // The recovery key bytes were wiped as soon as they were wrapped and formatted.
    expect(drawn.filter((b) => b !== held && isZero(b)).length).toBeGreaterThanOrEqual(1);

    drawn.length = 0;
    await vault.rekey();
    expect(isZero(held as Buffer)).toBe(true); // old DEK wiped once the swap committed
    const newValue = await dekOf(dir, ctx.kdfPolicy);
    const newHeld = drawn.find((b) => b.equals(newValue));
    expect(newHeld).toBeDefined();
    vault.close();
    expect(isZero(newHeld as Buffer)).toBe(true);
  });
});
