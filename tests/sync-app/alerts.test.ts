import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readSecurityOutbox } from '../../electron/core/security/index';
import { expectError, setupAndSignInAdmin, startCore, type Harness } from '../accounts/helpers';
import { db, setDetection } from '../security/helpers';
import { makeCert, startServer, tempDir, type TestServer } from '../sync/helpers';
import { enrollThroughContract, status } from './helpers';

/**
 * The whole path in the running core: a rule fires as the entries are written, the alert waits in
 * the security outbox, and the next sync.now delivers it to a real server on 127.0.0.1 (TLS,
 * pinned), which stores it once; the outbox row is marked only after the signed alert receipt.
 */
let root: string;
let cert: ReturnType<typeof makeCert>;
beforeAll(() => {
  root = tempDir('rsched-sync-app-alerts-');
  cert = makeCert(root, 'server');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let h: Harness;
let server: TestServer;
beforeEach(async () => {
  h = startCore(join(root, `vault-${Date.now()}`));
  await setupAndSignInAdmin(h);
  server = await startServer(join(root, `srv-${Date.now()}`), h.clock, cert);
});
afterEach(async () => {
  h.stop();
  await server.stop();
});

describe('security alerts through the app', () => {
  it('an alert raised by failed sign-ins reaches the hospital server with the next sync.now', async () => {
    const { request } = await enrollThroughContract(h, server);
    await setDetection(h, { failedLogins: { threshold: 2, windowMinutes: 15 } });
    for (const i of [1, 2]) {
      expectError(await h.call('auth.login', { username: `intruder.${i}`, password: 'not the password at all 1' }, { clientId: `x${i}`, transport: 'in-process' }), 'WRONG_CREDENTIALS');
    }
    const queued = readSecurityOutbox(db(h));
    expect(queued.map((q) => JSON.parse(q.payload) as { rule: string }).map((p) => p.rule)).toEqual(['failed_login_burst']);

    expect((await status(h)).securityAlertsWaiting).toBe(1);
    const run = await h.ok<{ error: string | null }>('sync.now', {});
    expect(run.error).toBeNull();
    const held = await server.app.store.listDeviceAlerts({ deviceId: request.deviceId });
    expect(held.map((a) => [a.alertId, a.rule, a.severity, a.count])).toEqual([[queued[0]!.refId, 'failed_login_burst', 'high', 2]]);
    expect(readSecurityOutbox(db(h))).toEqual([]);
    expect((await status(h)).securityAlertsWaiting).toBe(0);

    // The next sync sends nothing again; the server still holds it once.
    await h.ok('sync.now', {});
    expect(await server.app.store.listDeviceAlerts()).toHaveLength(1);
  });
});
