import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/contract/auth';
import type { PersonFields } from '../../shared/domain/schedule';
import type { z } from 'zod';
import { addDeviceAlert } from '../../electron/core/sync/device-store';
import { markSecurityOutboxSent, readSecurityOutbox } from '../../electron/core/security/index';
import { ADMIN, ADMIN_CLIENT, addUser, alerts, db, entries, expectError, setDetection, setupAndSignInAdmin, startCore, type Harness } from './helpers';

/**
 * One test per detection rule, each at its threshold and just below it, through the real core:
 * a SQLCipher vault in a temp folder, the dispatcher, the accounts module, the ManualClock.
 */
describe('detection rules', () => {
  let h: Harness;
  let recoveryKey = '';
  beforeAll(async () => {
    h = startCore();
    ({ recoveryKey } = await setupAndSignInAdmin(h));
    expect(await alerts(h)).toEqual([]);
  }, 120_000);
  afterAll(() => h.stop());

  /** Moves the clock forward in steps the admin's 15-minute idle timeout survives. */
  const walk = async (iso: string): Promise<void> => {
    const target = Date.parse(iso);
    expect(target).toBeGreaterThanOrEqual(h.clock.nowMs());
    while (h.clock.nowMs() < target) {
      h.clock.set(Math.min(target, h.clock.nowMs() + 10 * 60_000));
      await h.ok('security.getSettings', {});
    }
  };

  const badLogin = async (n: number): Promise<void> => {
    expectError(await h.call('auth.login', { username: `nobody.${n}`, password: 'not the password at all 1' }, { clientId: `x${n}`, transport: 'in-process' }), 'WRONG_CREDENTIALS');
  };

  it('failed_login_burst: fires at the threshold within the window, not below', async () => {
    await setDetection(h, { failedLogins: { threshold: 3, windowMinutes: 10 } });
    await badLogin(1);
    h.clock.advance(60_000);
    await badLogin(2);
    expect(await alerts(h, 'failed_login_burst')).toHaveLength(0);
    // The window is (t - T, t]: the first failure, exactly T before the fourth, no longer counts.
    h.clock.advance(9 * 60_000);
    await badLogin(3);
    expect(await alerts(h, 'failed_login_burst')).toHaveLength(0);
    await badLogin(4);
    const hit = await alerts(h, 'failed_login_burst');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ severity: 'high', count: 3, status: 'open' });
    // The same events are not counted twice: one more failure is not a new burst.
    await badLogin(5);
    expect(await alerts(h, 'failed_login_burst')).toHaveLength(1);
    // Every alert is in the audit trail as alert.raise, and queued for the server.
    const raised = entries(h, 'alert.raise');
    expect(raised.map((e) => e.resource.id)).toContain(hit[0]!.id);
    expect(readSecurityOutbox(db(h)).map((o) => o.refId)).toContain(hit[0]!.id);
  });

  it('disabled_account_login: fires at the threshold, not below', async () => {
    await setDetection(h, { disabledAccountLogins: { threshold: 2, windowMinutes: 60 } });
    const u = await addUser(h, 'faculty', 'gone.faculty');
    await h.ok('auth.logout', {}, u.caller);
    await h.ok('users.setStatus', { userId: u.userId, status: 'disabled' });
    expectError(await h.call('auth.login', { username: 'gone.faculty', password: u.password }, u.caller), 'ACCOUNT_DISABLED');
    expect(await alerts(h, 'disabled_account_login')).toHaveLength(0);
    expectError(await h.call('auth.login', { username: 'gone.faculty', password: u.password }, u.caller), 'ACCOUNT_DISABLED');
    const hit = await alerts(h, 'disabled_account_login');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ userId: u.userId, count: 2 });
    // Attempts on a disabled account are their own rule, not part of a failed-login burst.
    expect(await alerts(h, 'failed_login_burst')).toHaveLength(1);
  });

  it('login_outside_hours: 07:44 local fires, 07:45 does not, the end is exclusive (program zone America/Chicago)', async () => {
    const u = await addUser(h, 'resident', 'early.bird');
    await h.ok('auth.logout', {}, u.caller);
    await setDetection(h, { loginHours: { enabled: true, start: '07:45', end: '07:50', weekdays: [1, 2, 3, 4, 5, 6, 7] } });
    expect(await alerts(h, 'login_outside_hours')).toHaveLength(0);
    const login = async (iso: string): Promise<void> => {
      await walk(iso);
      await h.ok('auth.login', { username: 'early.bird', password: u.password }, u.caller);
      await h.ok('auth.logout', {}, u.caller);
    };
    await login('2026-07-01T12:44:00Z'); // 07:44 CDT
    const hit = await alerts(h, 'login_outside_hours');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ userId: u.userId, details: { localMinute: 7 * 60 + 44 } });
    await login('2026-07-01T12:45:00Z'); // 07:45 CDT: inside
    await login('2026-07-01T12:49:00Z');
    expect(await alerts(h, 'login_outside_hours')).toHaveLength(1);
    await login('2026-07-01T12:50:00Z'); // 07:50 CDT: the end is exclusive
    expect(await alerts(h, 'login_outside_hours')).toHaveLength(2);
    await setDetection(h, { loginHours: { enabled: false, start: '07:45', end: '07:50', weekdays: [] } });
  });

  it('access_denied_burst: calls outside the role, per user, at the threshold', async () => {
    await setDetection(h, { deniedAccess: { threshold: 3, windowMinutes: 15 } });
    const u = await addUser(h, 'resident', 'curious.resident');
    expectError(await h.call('audit.search', {}, u.caller), 'FORBIDDEN');
    expectError(await h.call('users.list', {}, u.caller), 'FORBIDDEN');
    expect(await alerts(h, 'access_denied_burst')).toHaveLength(0);
    expectError(await h.call('incidents.list', {}, u.caller), 'FORBIDDEN');
    const hit = await alerts(h, 'access_denied_burst');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ userId: u.userId, count: 3 });
  });

  it('mass_access: more than K distinct person records read within T fires; exactly K does not', async () => {
    await setDetection(h, { massAccess: { threshold: 3, windowMinutes: 60 } });
    type P = z.infer<typeof PersonFields>;
    const absenceIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const p = await h.ok<P>('people.save', { displayName: `Reader Target ${i}`, email: null, kind: 'resident', pgy: 1, specialty: 'im', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true });
      const a = await h.ok<{ id: string }>('absences.save', { personId: p.id, type: 'vacation', startDate: '2026-08-03', endDate: '2026-08-07', status: 'approved', excludeFromAveraging: true, reason: 'family trip', notes: null, location: null });
      absenceIds.push(a.id);
    }
    // Reading the same record twice counts once.
    for (const id of [absenceIds[0], absenceIds[0], absenceIds[1], absenceIds[2]]) await h.ok('absences.get', { id });
    expect(await alerts(h, 'mass_access')).toHaveLength(0);
    await h.ok('absences.get', { id: absenceIds[3] });
    const hit = await alerts(h, 'mass_access');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ count: 4, details: { distinctRead: 4, threshold: 3 } });
  });

  it('break_glass_used: every emergency access raises a high-severity alert', async () => {
    const pd = await addUser(h, 'program_director', 'night.director');
    expect(await alerts(h, 'break_glass_used')).toHaveLength(0);
    await h.ok<SessionInfo>('auth.breakGlass', { reason: 'Mass casualty drill, need call roster', proof: { kind: 'recovery_key', recoveryKey } }, pd.caller);
    const hit = await alerts(h, 'break_glass_used');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ userId: pd.userId, severity: 'high' });
    await h.ok('auth.endBreakGlass', {}, pd.caller);
  });

  it('sync_fork_or_rollback: a fork or rollback the sync module recorded becomes a critical alert', async () => {
    expect(await alerts(h, 'sync_fork_or_rollback')).toHaveLength(0);
    addDeviceAlert(db(h), h.clock.now().toISOString(), 'fork', 'server refused the log: FORK_DETECTED');
    addDeviceAlert(db(h), h.clock.now().toISOString(), 'rollback', 'server refused the log: ROLLBACK');
    const hit = await alerts(h, 'sync_fork_or_rollback');
    expect(hit.map((a) => a.details.kind).sort()).toEqual(['fork', 'rollback']);
    expect(hit.every((a) => a.severity === 'critical')).toBe(true);
    // Evaluating again raises nothing new.
    expect(await alerts(h, 'sync_fork_or_rollback')).toHaveLength(2);
  });

  it('clock_backwards: 119 s back is tolerated, 121 s back fires once', async () => {
    await alerts(h);
    const last = db(h).prepare('SELECT max(time) FROM audit_entry').pluck().get() as string;
    const at = Date.parse(last);
    h.clock.set(at - 119_000);
    expect(await alerts(h, 'clock_backwards')).toHaveLength(0);
    h.clock.set(at - 121_000);
    const hit = await alerts(h, 'clock_backwards');
    expect(hit).toHaveLength(1);
    expect(hit[0]!.details.secondsBack).toBe(121);
    // Entries written while the clock is behind do not repeat the alert.
    await h.ok('alerts.evaluate', { verify: false });
    expect(await alerts(h, 'clock_backwards')).toHaveLength(1);
    h.clock.set(at + 60_000);
  });

  it('tamper_detected: an edited sign-in attempts file found at the next unlock', async () => {
    expect(await alerts(h, 'tamper_detected')).toHaveLength(0);
    for (const c of ['night.director-window', 'curious.resident-window']) await h.call('auth.logout', {}, { clientId: c, transport: 'in-process' });
    await h.ok('auth.logout', {}, ADMIN_CLIENT);
    expect(h.core.isUnlocked()).toBe(false);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const path = join(h.dir, 'signin.json');
    const body = JSON.parse(readFileSync(path, 'utf8')) as { accounts: Record<string, unknown> };
    body.accounts['forged'] = { failures: 0, lastFailureAtMs: null, locked: false };
    writeFileSync(path, JSON.stringify(body));
    await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    const hit = await alerts(h, 'tamper_detected');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ severity: 'critical', details: { source: 'signin_file', finding: 'bad_mac' } });
  });

  it('audit_verification_failed: a clean verification raises nothing; an edited entry does', async () => {
    await h.ok('alerts.evaluate', { verify: true });
    expect(await alerts(h, 'audit_verification_failed')).toHaveLength(0);
    const d = db(h);
    // Someone with the key edits an entry through SQL (the attack audit verification exists for).
    d.exec('DROP TRIGGER audit_entry_no_update');
    d.prepare("UPDATE audit_entry SET entry = replace(entry, 'nobody.', 'someone') WHERE seq = 5").run();
    d.prepare("UPDATE audit_entry SET entry = replace(entry, '\"outcome\":\"success\"', '\"outcome\":\"failed\"') WHERE seq = 6").run();
    d.exec("CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END");
    const r = await h.ok<{ verified: boolean; raised: number }>('alerts.evaluate', { verify: true });
    expect(r.verified).toBe(true);
    const hit = await alerts(h, 'audit_verification_failed');
    expect(hit).toHaveLength(1);
    expect(hit[0]!.severity).toBe('critical');
  });

  it('alerts are visible to admin and compliance officer only, and outbox rows can be marked sent', async () => {
    const co = await addUser(h, 'compliance_officer', 'watchful.officer');
    const seen = await h.ok<{ alerts: unknown[] }>('alerts.list', { limit: 1000 }, co.caller);
    expect(seen.alerts.length).toBeGreaterThanOrEqual(10);
    const coord = await addUser(h, 'coordinator', 'busy.coordinator');
    expectError(await h.call('alerts.list', { limit: 10 }, coord.caller), 'FORBIDDEN');
    const pending = readSecurityOutbox(db(h));
    expect(pending.every((p) => !/Reader Target|nobody\.|@example/.test(p.payload))).toBe(true);
    expect(markSecurityOutboxSent(db(h), pending.at(-1)!.id, h.clock.now().toISOString())).toBe(pending.length);
    expect(readSecurityOutbox(db(h))).toHaveLength(0);
    const rules = new Set((await alerts(h)).map((a) => a.rule));
    expect([...rules].sort()).toEqual([
      'access_denied_burst', 'audit_verification_failed', 'break_glass_used', 'clock_backwards', 'disabled_account_login',
      'failed_login_burst', 'login_outside_hours', 'mass_access', 'sync_fork_or_rollback', 'tamper_detected',
    ]);
  });
});
