import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../shared/audit/actions';

describe('docs/audit-trail.md', () => {
  it('lists exactly the enumerated actions, with their descriptions', () => {
    const doc = readFileSync(new URL('../../docs/audit-trail.md', import.meta.url), 'utf8');
    const listed = [...doc.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(listed)).toEqual(AUDIT_ACTIONS);
  });
});
