import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/contract/auth';
import { readSecurityOutbox } from '../../electron/core/security/index';
import { addUser, db, expectError, setDetection, setupAndSignInAdmin, startCore, ws, type Harness } from './helpers';

/**
 * Rules are evaluated as entries are written: right after the unit of work that wrote them
 * commits, whatever path wrote them. Every check here reads the alert table directly, never
 * through a security call (those evaluate too, and would hide a missing evaluation).
 */
describe('detection at commit', () => {
  let h: Harness;
  let recoveryKey = '';
  beforeAll(async () => {
    h = startCore();
    ({ recoveryKey } = await setupAndSignInAdmin(h));
  }, 120_000);
  afterAll(() => h.stop());

  const raised = (rule: string): Array<{ id: string; count: number; userId: string | null }> =>
    (db(h).prepare('SELECT data FROM security_alert WHERE rule = ? ORDER BY rowid').pluck().all(rule) as string[]).map((d) => JSON.parse(d) as { id: string; count: number; userId: string | null });

  it('failed sign-ins (the accounts path, no security call) raise the alert as the threshold-th is written, not before', async () => {
    await setDetection(h, { failedLogins: { threshold: 3, windowMinutes: 10 } });
    const bad = async (i: number): Promise<void> => {
      expectError(await h.call('auth.login', { username: `nobody.${i}`, password: 'not the password at all 1' }, { clientId: `c${i}`, transport: 'in-process' }), 'WRONG_CREDENTIALS');
    };
    await bad(1);
    await bad(2);
    expect(raised('failed_login_burst')).toHaveLength(0);
    await bad(3);
    const hit = raised('failed_login_burst');
    expect(hit).toHaveLength(1);
    expect(hit[0]!.count).toBe(3);
    // Queued for the server in the same commit as the alert.
    expect(readSecurityOutbox(db(h)).map((o) => o.refId)).toContain(hit[0]!.id);
  });

  it('reads recorded by a direct service call (no contract call at all) fire mass_access above K, not at K', async () => {
    await setDetection(h, { massAccess: { threshold: 3, windowMinutes: 60 } });
    const reader = { type: 'user' as const, userId: 'direct-reader', role: 'coordinator' as const, sessionId: null };
    const read = (subject: string): void => ws(h).read(reader, { action: 'person.read_details', resourceType: 'person', resourceId: subject, subject });
    for (const s of ['p-1', 'p-2', 'p-2', 'p-3']) read(s);
    expect(raised('mass_access')).toHaveLength(0);
    read('p-4');
    const hit = raised('mass_access');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ userId: 'direct-reader', count: 4 });
    // Covered events are not counted again: one more read is not a second alert.
    read('p-5');
    expect(raised('mass_access')).toHaveLength(1);
  });

  it('a change written inside an enclosing transaction is evaluated once that transaction has ended', async () => {
    const pd = await addUser(h, 'program_director', 'live.director');
    await h.ok<SessionInfo>('auth.breakGlass', { reason: 'Night coverage emergency, roster needed', proof: { kind: 'recovery_key', recoveryKey } }, pd.caller);
    await new Promise((r) => setImmediate(r));
    expect(raised('break_glass_used').map((a) => a.userId)).toEqual([pd.userId]);
    await h.ok('auth.endBreakGlass', {}, pd.caller);
  });

  it('a backlog larger than one slice is evaluated over several turns of the event loop', async () => {
    await setDetection(h, { massAccess: { threshold: 3, windowMinutes: 60 } });
    const actor = { type: 'user' as const, userId: 'bulk-reader', role: 'coordinator' as const, sessionId: null };
    const w = ws(h);
    // One unit of work: 1,200 ordinary entries, then four distinct person reads at its very end.
    w.unit(actor, (tx) => {
      for (let i = 0; i < 1200; i++) tx.record({ action: 'settings.update', resourceType: 'bulk', resourceId: `b-${i}`, details: { i } });
      for (const p of ['q-1', 'q-2', 'q-3', 'q-4']) w.read(actor, { action: 'person.read_details', resourceType: 'person', resourceId: p, subject: p });
    });
    // Right after the commit only the first slice was looked at; the rest follows turn by turn.
    expect(raised('mass_access').filter((a) => a.userId === 'bulk-reader')).toHaveLength(0);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(raised('mass_access').filter((a) => a.userId === 'bulk-reader')).toMatchObject([{ count: 4 }]);
  });

  it('a failing evaluation never fails the write: the change commits, the failure is logged by code', async () => {
    const d = db(h);
    const good = d.prepare('SELECT data FROM security_settings WHERE id = 1').pluck().get() as string;
    d.prepare('UPDATE security_settings SET data = ? WHERE id = 1').run(JSON.stringify({ tampered: true }));
    try {
      const before = d.prepare('SELECT count(*) FROM audit_entry').pluck().get() as number;
      ws(h).read({ type: 'user', userId: 'someone', role: 'coordinator', sessionId: null }, { action: 'person.read_details', resourceType: 'person', resourceId: 'p-9', subject: 'p-9' });
      expect(d.prepare('SELECT count(*) FROM audit_entry').pluck().get()).toBe(before + 1);
      expect(h.logs.records.filter((r) => r.msg === 'security evaluation after commit failed').map((r) => r.errorCode)).toContain('DATABASE_DAMAGED');
    } finally {
      d.prepare('UPDATE security_settings SET data = ? WHERE id = 1').run(good);
    }
  });
});
