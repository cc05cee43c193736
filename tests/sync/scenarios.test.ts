import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../shared/merkle/index';
import type { SealedEnvelope } from '../../shared/sync/protocol';
import { SyncAgent } from '../../electron/core/sync/agent';
import { PinMismatchError, TransportError, httpsTransport } from '../../electron/core/sync/transport';
import { DOMAINS } from '../../shared/sync/protocol';
import { publicKeyFromRaw, verifyBody } from '../../electron/core/sync/protocol/keys';
import { appendEntries, enroll, makeCert, ManualClock, openDevice, quietLogger, restoreDevice, snapshotDevice, startServer, tempDir, type TestDevice, type TestServer } from './helpers';

/**
 * End-to-end sync against a real server on 127.0.0.1 over TLS with the certificate pinned. Each
 * test builds a fresh server data folder and a fresh device vault.
 */
let root: string;
let certA: ReturnType<typeof makeCert>;
let certB: ReturnType<typeof makeCert>;

beforeAll(() => {
  root = tempDir();
  certA = makeCert(root, 'server-a');
  certB = makeCert(root, 'server-b');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let clock: ManualClock;
let server: TestServer;
let dev: TestDevice;
let n = 0;

beforeEach(async () => {
  n++;
  clock = new ManualClock('2026-07-01T12:00:00.000Z');
  server = await startServer(join(root, `srv-${n}`), clock, certA);
  dev = openDevice(join(root, `dev-${n}`), clock, quietLogger(clock), { create: `device-${n}`, maxBatch: 1000 });
  await enroll(server, dev);
});
afterEach(async () => {
  dev.close();
  await server.stop();
});

const transportFor = (s: TestServer, pin = s.cert.pin) => httpsTransport({ url: s.http.url, tlsSpkiSha256: pin, timeoutMs: 5000 });
/** The agent as the app builds it: URL and pin from the enrollment stored in the vault. */
const agentFor = (d: TestDevice, _s: TestServer) => {
  const enrolled = d.sync.server();
  const transport = httpsTransport({ url: enrolled.url ?? '', tlsSpkiSha256: enrolled.tlsSpkiSha256, timeoutMs: 5000 });
  return new SyncAgent(d.sync, transport, { intervalMs: 60_000, logger: quietLogger(clock), random: () => 0.5 });
};

function flipBit(env: SealedEnvelope, byte: number): SealedEnvelope {
  const ct = Buffer.from(env.ciphertext, 'base64');
  ct[byte % ct.length] = (ct[byte % ct.length] ?? 0) ^ 0x01;
  return { ...env, ciphertext: ct.toString('base64') };
}

describe('sync over HTTPS', () => {
  it('happy path: pushes the backlog in batches, stores every entry once, keeps verified receipts', async () => {
    appendEntries(dev, 2500, clock);
    const r = await agentFor(dev, server).syncNow();
    expect(r).toMatchObject({ error: null, pushed: 3, ackedSize: 2500, caughtUp: true });
    expect(await server.app.store.countEntries(dev.deviceId)).toBe(2500);
    const stored = await server.app.store.listEntries({ deviceId: dev.deviceId, fromSeq: 1234, toSeq: 1234 });
    const local = dev.db.prepare('SELECT entry FROM audit_entry WHERE seq = 1234').pluck().get() as string;
    expect(stored[0]?.canonical).toBe(local);
    const receipt = await server.app.store.getLatestReceipt(dev.deviceId);
    expect(receipt?.receipt.size).toBe(2500);
    expect(Buffer.from(fromBase64(receipt?.receipt.root ?? '')).equals(dev.log.rootAt(2500))).toBe(true);
    expect(verifyBody(DOMAINS.receipt, receipt?.receipt, receipt?.signature ?? '', publicKeyFromRaw('ed25519', server.app.identity.signingPublic))).toBe(true);
    expect(dev.sync.status()).toMatchObject({ pendingEntries: 0, lastError: null, halted: false, ackedSize: 2500 });
    // More entries later: only the new ones travel.
    appendEntries(dev, 10, clock);
    expect(await agentFor(dev, server).syncNow()).toMatchObject({ pushed: 1, ackedSize: 2510 });
    expect(await server.app.store.countEntries(dev.deviceId)).toBe(2510);
    expect(await server.app.store.listAlerts()).toEqual([]);
  });

  it('server down, then back: the failure is recorded with backoff, the same batch goes through later', async () => {
    appendEntries(dev, 300, clock);
    const port = server.http.port;
    await server.http.close();
    const agent = agentFor(dev, server);
    const down = await agent.syncNow();
    expect(down.error).toMatch(/cannot reach the sync server/);
    const st = dev.sync.status();
    expect(st).toMatchObject({ failures: 1, inFlight: true, pendingEntries: 300 });
    expect(agent.nextDelay(down)).toBe(1000); // random 0.5 * min(max, 1000 * 2^1)
    const pending = dev.db.prepare('SELECT pending_envelope FROM sync_outbox').pluck().get();
    server.http = await (await import('../../server/http')).startSyncServer({ ingestor: server.app.ingestor, clock, logger: server.logger, host: '127.0.0.1', port, tls: certA });
    const up = await agent.syncNow();
    expect(up).toMatchObject({ error: null, ackedSize: 300 });
    expect(dev.sync.status()).toMatchObject({ failures: 0, inFlight: false });
    // The batch that went through is the very one kept in flight while the server was down.
    const rows = await server.app.store.listEntries({ deviceId: dev.deviceId });
    expect(rows).toHaveLength(300);
    expect(typeof pending).toBe('string');
  });

  it('duplicate delivery: the same batch twice gives the same receipt and stores nothing twice', async () => {
    appendEntries(dev, 50, clock);
    const env = dev.sync.nextBatch() as SealedEnvelope;
    const t = transportFor(server);
    const a = await t.push(env);
    const b = await t.push(env);
    expect(a.ok && b.ok).toBe(true);
    expect(b).toEqual(a);
    expect(await server.app.store.countEntries(dev.deviceId)).toBe(50);
  });

  it('out-of-order delivery: a later batch first is answered with the expected seq, then all land', async () => {
    appendEntries(dev, 2500, clock);
    const batches = dev.sync.exportBatches();
    expect(batches.map((b) => [b.base, b.size])).toEqual([
      [0, 1000],
      [1000, 2000],
      [2000, 2500],
    ]);
    const t = transportFor(server);
    const early = await t.push(batches[2]!.envelope);
    expect(early).toMatchObject({ ok: false, error: { refusal: 'SEQUENCE_GAP', expectedSeq: 0 } });
    const second = await t.push(batches[1]!.envelope);
    expect(second).toMatchObject({ ok: false, error: { refusal: 'SEQUENCE_GAP', expectedSeq: 0 } });
    expect((await t.push(batches[0]!.envelope)).ok).toBe(true);
    expect((await t.push(batches[2]!.envelope)).ok).toBe(false); // still a gap (1000 expected)
    expect((await t.push(batches[1]!.envelope)).ok).toBe(true);
    expect((await t.push(batches[2]!.envelope)).ok).toBe(true);
    expect(await server.app.store.countEntries(dev.deviceId)).toBe(2500);
    expect(await server.app.store.listAlerts()).toEqual([]);
  });

  it('a batch with one flipped bit is refused and nothing is stored', async () => {
    appendEntries(dev, 20, clock);
    const env = dev.sync.nextBatch() as SealedEnvelope;
    const t = transportFor(server);
    for (const at of [0, 7, 300, 999]) {
      const answer = await t.push(flipBit(env, at));
      expect(answer).toMatchObject({ ok: false, error: { refusal: 'DECRYPT_FAILED' } });
    }
    const iv = Buffer.from(env.iv, 'base64');
    iv[0] = (iv[0] ?? 0) ^ 0x80;
    expect(await t.push({ ...env, iv: iv.toString('base64') })).toMatchObject({ ok: false, error: { refusal: 'DECRYPT_FAILED' } });
    expect(await server.app.store.countEntries(dev.deviceId)).toBe(0);
    expect(await server.app.store.getHead(dev.deviceId)).toBeNull();
    // The intact batch is still accepted afterwards.
    expect((await t.push(env)).ok).toBe(true);
  });

  it('an old batch replayed changes nothing', async () => {
    appendEntries(dev, 100, clock);
    const first = dev.sync.nextBatch() as SealedEnvelope;
    const t = transportFor(server);
    const r1 = await t.push(first);
    expect(r1.ok).toBe(true);
    dev.sync.applyAnswer(r1);
    appendEntries(dev, 100, clock);
    expect((await agentFor(dev, server).syncNow()).ackedSize).toBe(200);
    const before = { count: await server.app.store.countEntries(), head: await server.app.store.getHead(dev.deviceId), alerts: await server.app.store.listAlerts() };
    const replay = await t.push(first);
    expect(replay).toEqual(r1);
    expect(await server.app.store.countEntries()).toBe(before.count);
    expect(await server.app.store.getHead(dev.deviceId)).toEqual(before.head);
    expect(await server.app.store.listAlerts()).toEqual(before.alerts);
  });

  it('connection cut mid-upload: nothing stored, the retry resends the same batch and is acknowledged once', async () => {
    appendEntries(dev, 400, clock);
    const { createServer, connect } = await import('node:net');
    // A TCP relay that forwards the TLS stream but cuts both sides after `limit` client bytes.
    let limit = 2000;
    const relay = createServer((client) => {
      const upstream = connect(server.http.port, '127.0.0.1');
      let sent = 0;
      client.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        if (sent > limit) {
          client.destroy();
          upstream.destroy();
          return;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (c: Buffer) => client.write(c));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    const relayPort = (relay.address() as { port: number }).port;
    const viaRelay = httpsTransport({ url: `https://127.0.0.1:${relayPort}`, tlsSpkiSha256: certA.pin, timeoutMs: 5000 });
    const agent = new SyncAgent(dev.sync, viaRelay, { intervalMs: 60_000, logger: quietLogger(clock), random: () => 0 });
    const cut = await agent.syncNow();
    expect(cut.error).toMatch(/failed|lost|reach/);
    expect(await server.app.store.countEntries(dev.deviceId)).toBe(0);
    const inFlight = dev.db.prepare('SELECT pending_envelope FROM sync_outbox').pluck().get();
    limit = Number.MAX_SAFE_INTEGER;
    const ok = await agent.syncNow();
    expect(ok).toMatchObject({ error: null, ackedSize: 400 });
    expect(await server.app.store.countEntries(dev.deviceId)).toBe(400);
    expect(dev.db.prepare('SELECT pending_envelope FROM sync_outbox').pluck().get()).toBeNull();
    expect(typeof inFlight).toBe('string');
    await new Promise<void>((r) => relay.close(() => r()));
  });

  it('answer lost after the server stored the batch: the resend gets the same receipt, nothing stored twice', async () => {
    appendEntries(dev, 400, clock);
    const env = dev.sync.nextBatch() as SealedEnvelope;
    const direct = transportFor(server);
    const first = await direct.push(env); // the device "never saw" this answer
    expect(first.ok).toBe(true);
    const again = await agentFor(dev, server).syncNow(); // resends the in-flight bytes
    expect(again).toMatchObject({ error: null, pushed: 1, ackedSize: 400 });
    expect(await server.app.store.countEntries(dev.deviceId)).toBe(400);
    const receipts = dev.db.prepare('SELECT receipt_json FROM sync_receipt').pluck().all() as string[];
    expect(receipts).toHaveLength(1);
    expect(JSON.parse(receipts[0] as string)).toEqual(first.ok ? first.receipt : null);
  });

  it('an older copy of the vault restored and synced: fork refused, alert on the server and on the device', async () => {
    appendEntries(dev, 1000, clock);
    expect((await agentFor(dev, server).syncNow()).ackedSize).toBe(1000);
    const backup = join(root, `backup-${n}`);
    snapshotDevice(dev, backup);
    appendEntries(dev, 500, clock);
    expect((await agentFor(dev, server).syncNow()).ackedSize).toBe(1500);
    // Restore the whole folder (vault, audit anchor, receipt copy) from the older backup.
    dev.close();
    restoreDevice(backup, dev.dir, ['vault.db', 'audit-anchor.json', 'sync-receipt.json']);
    dev = openDevice(dev.dir, clock, quietLogger(clock));
    expect(dev.log.size).toBe(1000);
    appendEntries(dev, 20, clock); // the restored vault carries on with different history
    const r = await agentFor(dev, server).syncNow();
    expect(r.halted).toBe(true);
    const alerts = await server.app.store.listAlerts({ deviceId: dev.deviceId });
    expect(alerts.map((a) => a.kind)).toEqual(['fork']);
    expect(alerts[0]?.detail).toMatch(/size 1020/);
    expect(dev.sync.alerts().map((a) => a.kind)).toEqual(['fork']);
    expect(await server.app.store.countEntries(dev.deviceId)).toBe(1500);
  });

  it('an older vault restored without its receipt copy: the device itself raises a tamper alert before pushing', async () => {
    appendEntries(dev, 200, clock);
    const backup = join(root, `backup-only-db-${n}`);
    snapshotDevice(dev, backup, ['vault.db', 'audit-anchor.json']);
    appendEntries(dev, 200, clock);
    expect((await agentFor(dev, server).syncNow()).ackedSize).toBe(400);
    dev.close();
    restoreDevice(backup, dev.dir, ['vault.db', 'audit-anchor.json']); // the newer sync-receipt.json stays
    dev = openDevice(dev.dir, clock, quietLogger(clock));
    const problems = dev.sync.checkLogExtendsReceipts();
    expect(problems.join(' ')).toMatch(/shorter than the server acknowledged \(size 400\)/);
    const r = await agentFor(dev, server).syncNow();
    expect(r).toMatchObject({ halted: true, pushed: 0 });
    expect(dev.sync.status().halted).toBe(true);
  });

  it('a revoked device is refused', async () => {
    appendEntries(dev, 30, clock);
    expect(await server.app.store.revokeDevice(dev.deviceId, clock.now().toISOString())).toBe(true);
    const r = await agentFor(dev, server).syncNow();
    expect(r.halted).toBe(true);
    expect(r.error).toMatch(/revoked/);
    expect(await server.app.store.countEntries(dev.deviceId)).toBe(0);
  });

  it('a wrong certificate pin is refused by the device before anything is sent', async () => {
    appendEntries(dev, 30, clock);
    await server.restart(certB); // same address, another certificate (e.g. an impostor)
    const before = server.logger.records.length;
    const t = transportFor(server, certA.pin);
    const env = dev.sync.nextBatch() as SealedEnvelope;
    await expect(t.push(env)).rejects.toBeInstanceOf(PinMismatchError);
    const r = await agentFor(dev, server).syncNow(); // the agent uses the enrolled pin (certA)
    expect(r.error).toMatch(/does not match the enrolled pin/);
    expect(server.logger.records.slice(before).filter((x) => /sync batch/.test(x.msg))).toEqual([]);
    expect(await server.app.store.countEntries(dev.deviceId)).toBe(0);
    // And a transport error is not what a pin mismatch is.
    await expect(t.push(env)).rejects.not.toBeInstanceOf(TransportError);
  });
  it('a raw internal failure reaches the screen as a fixed message, never as its own text', async () => {
    appendEntries(dev, 3, clock);
    const agent = agentFor(dev, server);
    const original = dev.sync.nextBatch.bind(dev.sync);
    dev.sync.nextBatch = () => {
      throw new Error('SQLITE_CORRUPT: malformed near "Resident A01 <a01@example.org>"');
    };
    try {
      const r = await agent.syncNow();
      expect(r.error).toBe('internal error during sync (see the application log)');
      expect(JSON.stringify(dev.sync.status())).not.toMatch(/SQLITE|Resident|example\.org/);
    } finally {
      dev.sync.nextBatch = original;
    }
    // The next run, with the fault gone, pushes what was pending.
    expect((await agent.syncNow()).error).toBeNull();
  });

  it('a transport that fails with a raw error leaves only a fixed message as the last error', async () => {
    appendEntries(dev, 2, clock);
    const enrolled = dev.sync.server();
    const real = httpsTransport({ url: enrolled.url ?? '', tlsSpkiSha256: enrolled.tlsSpkiSha256, timeoutMs: 5000 });
    const broken = { ...real, push: () => Promise.reject(new Error('socket hang up near "Resident A01 <a01@example.org>"')) };
    const agent = new SyncAgent(dev.sync, broken, { intervalMs: 60_000, logger: quietLogger(clock), random: () => 0.5 });
    await expect(agent.syncNow()).rejects.toThrow();
    expect(dev.sync.status().lastError).toBe('internal error during sync (see the application log)');
  });
});
