import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';
import { DOMAINS, SYNC_VERSION, type AlertsAnswer, type SealedEnvelope } from '../../shared/sync/protocol';
import { enqueueOutbox, readSecurityOutbox } from '../../electron/core/security/store';
import { deviceSigningKey } from '../../electron/core/sync/adapters/device-key';
import { SyncAgent } from '../../electron/core/sync/agent';
import { generateKeyPair, privateKeyFromPkcs8, signBody, signPayload } from '../../electron/core/sync/protocol/keys';
import { seal } from '../../electron/core/sync/protocol/seal';
import { importReceiptFiles, writeExportFiles } from '../../electron/core/sync/files';
import { httpsTransport } from '../../electron/core/sync/transport';
import { exportArchive } from '../../server/export';
import { importBatchFiles } from '../../server/files';
import { startSyncServer } from '../../server/http';
import { appendEntries, enroll, makeCert, ManualClock, openDevice, quietLogger, startServer, tempDir, type TestDevice, type TestServer } from './helpers';

/**
 * Security alerts (issue 10) travel with the next sync: sealed and signed like batches, stored once
 * per alert id on the server, acknowledged by a signed alert receipt, and marked sent in the
 * device's security outbox only after that receipt. Real TLS server on 127.0.0.1, pinned.
 */
let root: string;
let cert: ReturnType<typeof makeCert>;
beforeAll(() => {
  root = tempDir('rsched-sync-alerts-');
  cert = makeCert(root, 'server');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let clock: ManualClock;
let server: TestServer;
let dev: TestDevice;
let n = 0;

beforeEach(async () => {
  n++;
  clock = new ManualClock('2026-07-01T12:00:00.000Z');
  server = await startServer(join(root, `srv-${n}`), clock, cert);
  dev = openDevice(join(root, `dev-${n}`), clock, quietLogger(clock), { create: `device-${n}` });
  await enroll(server, dev);
});
afterEach(async () => {
  dev.close();
  await server.stop();
});

const transport = () => httpsTransport({ url: server.http.url, tlsSpkiSha256: server.cert.pin, timeoutMs: 5000 });
const agent = () => new SyncAgent(dev.sync, transport(), { intervalMs: 60_000, logger: quietLogger(clock), random: () => 0.5 });

/** Queues an alert the way the detection engine does (security_outbox row with its payload). */
function queueAlert(id: string, over: Record<string, unknown> = {}): void {
  const payload = { id, rule: 'failed_login_burst', severity: 'high', raisedAt: clock.now().toISOString(), occurredAt: clock.now().toISOString(), userId: null, count: 10, auditSeq: 7, details: { windowMinutes: 15, threshold: 10 }, ...over };
  enqueueOutbox(dev.db, 'alert', id, clock.now().toISOString(), payload);
}

const unsent = () => readSecurityOutbox(dev.db).map((r) => r.refId);

/** A signed, sealed alerts message with any body (to send what an honest device never would). */
function sealedAlerts(body: unknown, domain: string = DOMAINS.alerts): SealedEnvelope {
  const key = deviceSigningKey(dev.db);
  const payload = Buffer.from(canonicalJson(body), 'utf8');
  return seal(Buffer.concat([signPayload(domain, payload, key.privateKey), payload]), { deviceId: dev.deviceId, recipientSealingKey: server.app.identity.sealingPublic });
}

function refusalOf(a: AlertsAnswer): string {
  return a.ok ? 'ok' : `${a.error.refusal}: ${a.error.message}`;
}

describe('security alerts over sync', () => {
  it('queued alerts go with the next sync, are stored on the server and leave the outbox only after the receipt', async () => {
    appendEntries(dev, 20, clock);
    queueAlert('alert-1');
    queueAlert('alert-2', { rule: 'break_glass_used', severity: 'high', userId: 'user-0001', count: 1, details: {} });
    expect(dev.sync.status().securityAlertsWaiting).toBe(2);

    const r = await agent().syncNow();
    expect(r).toMatchObject({ error: null, alertsSent: 2, ackedSize: 20 });
    const held = await server.app.store.listDeviceAlerts({ deviceId: dev.deviceId });
    expect(held.map((a) => [a.alertId, a.rule, a.severity, a.userId, a.count, a.auditSeq])).toEqual([
      ['alert-1', 'failed_login_burst', 'high', null, 10, 7],
      ['alert-2', 'break_glass_used', 'high', 'user-0001', 1, 7],
    ]);
    expect(JSON.parse(held[0]!.details)).toEqual({ threshold: 10, windowMinutes: 15 });
    expect(unsent()).toEqual([]);
    expect(dev.sync.status().securityAlertsWaiting).toBe(0);
    // The hospital sees them in the device list and in its archive export.
    expect((await server.app.store.listDevices()).map((d) => d.securityAlerts)).toEqual([2]);
    const archive = join(root, `archive-${n}.jsonl`);
    await exportArchive(server.app.store, archive);
    const lines = readFileSync(archive, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; alertId?: string; details?: unknown });
    expect(lines.filter((l) => l.kind === 'security_alert').map((l) => [l.alertId, l.details])).toEqual([
      ['alert-1', { threshold: 10, windowMinutes: 15 }],
      ['alert-2', {}],
    ]);
    // Nothing left: the next run sends no alerts message at all.
    expect(await agent().syncNow()).toMatchObject({ error: null, alertsSent: 0 });
  });

  it('a resend after a lost answer stores nothing twice and is acknowledged again', async () => {
    queueAlert('alert-1');
    const first = dev.sync.nextAlerts();
    expect(first).not.toBeNull();
    // Delivered, but the answer never reached the device: still queued.
    const lost = await transport().pushAlerts(first!.envelope);
    expect(lost.ok).toBe(true);
    expect(unsent()).toEqual(['alert-1']);

    queueAlert('alert-2');
    const r = await agent().syncNow();
    expect(r).toMatchObject({ error: null, alertsSent: 2 });
    expect((await server.app.store.listDeviceAlerts()).map((a) => a.alertId)).toEqual(['alert-1', 'alert-2']);
    expect(unsent()).toEqual([]);
  });

  it('server down: the alerts stay queued with the error shown, and go through once it is back', async () => {
    queueAlert('alert-1');
    const port = server.http.port;
    await server.http.close();
    const a = agent();
    const down = await a.syncNow();
    expect(down.error).toMatch(/cannot reach the sync server/);
    expect(down.alertsSent).toBe(0);
    expect(unsent()).toEqual(['alert-1']);
    expect(dev.sync.status()).toMatchObject({ failures: 1, securityAlertsWaiting: 1 });

    server.http = await startSyncServer({ ingestor: server.app.ingestor, clock, logger: server.logger, host: '127.0.0.1', port, tls: cert });
    expect(await a.syncNow()).toMatchObject({ error: null, alertsSent: 1 });
    expect(unsent()).toEqual([]);
  });

  it('a receipt not signed by the enrolled server marks nothing sent', async () => {
    queueAlert('alert-1');
    const msg = dev.sync.nextAlerts()!;
    const answer = await transport().pushAlerts(msg.envelope);
    if (!answer.ok) throw new Error(refusalOf(answer));
    const impostor = privateKeyFromPkcs8(generateKeyPair('ed25519').privatePkcs8);
    const forged: AlertsAnswer = { ok: true, receipt: { receipt: answer.receipt.receipt, signature: signBody(DOMAINS.alertReceipt, answer.receipt.receipt, impostor) } };
    expect(() => dev.sync.applyAlertsAnswer(forged, msg)).toThrow(/signature does not verify/);
    // A genuine receipt for other content (another digest) does not count either.
    const other = { ...msg, items: msg.items.map((i) => ({ ...i, digest: Buffer.alloc(32, 1).toString('base64') })) };
    expect(dev.sync.applyAlertsAnswer(answer, other)).toEqual({ kind: 'acked', marked: 0 });
    expect(unsent()).toEqual(['alert-1']);
    expect(dev.sync.applyAlertsAnswer(answer, msg)).toEqual({ kind: 'acked', marked: 1 });
    expect(unsent()).toEqual([]);
  });

  it('air-gapped: an alerts file is imported once, its alert receipt marks the outbox, a replay stores nothing', async () => {
    queueAlert('alert-1');
    queueAlert('alert-2');
    const usb = join(root, `usb-${n}`);
    const file = writeExportFiles(dev.sync, usb).alertsFile;
    expect(file).toMatch(/rsched-alerts-.*\.sealed\.json$/);
    expect(unsent()).toEqual(['alert-1', 'alert-2']);
    const [imported] = await importBatchFiles(server.app, [file!], usb);
    expect(imported).toMatchObject({ ok: true, storedAlerts: 2 });
    const [replayed] = await importBatchFiles(server.app, [file!], join(usb, 'again'));
    expect(replayed).toMatchObject({ ok: true, storedAlerts: 0 });
    expect(await server.app.store.listDeviceAlerts()).toHaveLength(2);
    const back = importReceiptFiles(dev.sync, [imported!.receiptFile!]);
    expect(back).toEqual([{ file: imported!.receiptFile, ok: true, alertsMarked: 2 }]);
    expect(unsent()).toEqual([]);
    expect(writeExportFiles(dev.sync, usb).alertsFile).toBeNull();
  });

  describe('bad payloads get a clear refusal and store nothing', () => {
    const body = (alerts: unknown[]) => ({ format: 'rsched-sync-alerts', version: SYNC_VERSION, deviceId: dev.deviceId, alerts, createdAt: clock.now().toISOString() });
    const good = (id: string) => ({ id, rule: 'mass_access', severity: 'high', raisedAt: clock.now().toISOString(), occurredAt: clock.now().toISOString(), userId: 'u-1', count: 60, auditSeq: 3, details: {} });

    it('a field out of its schema is named', async () => {
      const answer = await transport().pushAlerts(sealedAlerts(body([good('a-1'), { ...good('a-2'), severity: 'urgent' }])));
      expect(refusalOf(answer)).toMatch(/^BAD_REQUEST: invalid alerts message: alerts\.1\.severity/);
      expect(await server.app.store.listDeviceAlerts()).toEqual([]);
    });

    it('a batch signature cannot pass for an alerts message (domain separation)', async () => {
      const answer = await transport().pushAlerts(sealedAlerts(body([good('a-1')]), DOMAINS.batch));
      expect(refusalOf(answer)).toMatch(/^BAD_SIGNATURE: alerts message signature does not verify/);
    });

    it('a flipped bit fails authentication', async () => {
      const env = sealedAlerts(body([good('a-1')]));
      const ct = Buffer.from(env.ciphertext, 'base64');
      ct[5] = (ct[5] ?? 0) ^ 1;
      const answer = await transport().pushAlerts({ ...env, ciphertext: ct.toString('base64') });
      expect(refusalOf(answer)).toMatch(/^DECRYPT_FAILED/);
      expect(await server.app.store.listDeviceAlerts()).toEqual([]);
    });

    it('an id already held with other content refuses the whole message and keeps the first', async () => {
      expect((await transport().pushAlerts(sealedAlerts(body([good('a-1')])))).ok).toBe(true);
      const answer = await transport().pushAlerts(sealedAlerts(body([good('a-2'), { ...good('a-1'), count: 61 }])));
      expect(refusalOf(answer)).toMatch(/^ALERT_CONFLICT: alert a-1 was received before with different content/);
      const held = await server.app.store.listDeviceAlerts();
      expect(held.map((a) => [a.alertId, a.count])).toEqual([['a-1', 60]]);
    });

    it('the device keeps its queued alerts when the server refuses them', async () => {
      queueAlert('alert-1');
      await server.app.store.revokeDevice(dev.deviceId, clock.now().toISOString());
      const r = await agent().syncNow();
      expect(r.alertsSent).toBe(0);
      expect(r.error).toMatch(/revoked/);
      expect(unsent()).toEqual(['alert-1']);
      expect(dev.sync.status().lastError).toMatch(/^security alerts: device was revoked/);
    });

    it('a queued row that fails the schema stays queued on the device and does not hold back the others', async () => {
      queueAlert('alert-1', { details: { reason: 'x'.repeat(201) } });
      queueAlert('alert-2');
      const r = await agent().syncNow();
      expect(r).toMatchObject({ alertsSent: 1 });
      expect(unsent()).toEqual(['alert-1']);
    });
  });
});
