import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contract, CALL_NAMES } from '../../shared/contract/index';
import { PERMISSIONS } from '../../shared/rbac';

describe('the contract', () => {
  it('names every call namespace.verb, once', () => {
    for (const name of CALL_NAMES) expect(name).toMatch(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
    expect(new Set(CALL_NAMES).size).toBe(CALL_NAMES.length);
  });

  it('declares strict object inputs: an unknown key is refused by every call', () => {
    for (const [name, def] of Object.entries(contract)) {
      expect(def.input, name).toBeInstanceOf(z.ZodObject);
      const probe = def.input.safeParse({ __unexpected__: 1 });
      expect(probe.success, name).toBe(false);
      if (!probe.success) expect(probe.error.issues.some((i) => i.code === 'unrecognized_keys'), name).toBe(true);
    }
  });

  it('gives every call a known access level and a summary', () => {
    for (const [name, def] of Object.entries(contract)) {
      expect(['public', 'session', ...Object.keys(PERMISSIONS)], name).toContain(def.access);
      expect(def.summary.length, name).toBeGreaterThan(5);
    }
  });
});
