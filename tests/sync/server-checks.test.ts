import { request } from 'node:http';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';
import { fromBase64, toBase64 } from '../../shared/merkle/index';
import { DOMAINS, SYNC_VERSION, batchBody, type SealedEnvelope } from '../../shared/sync/protocol';
import { base64ByteLength } from '../../shared/sync/encoding';
import { signCheckpoint, parseCheckpoint } from '../../electron/core/sync/protocol/checkpoint';
import { deviceSigningKey } from '../../electron/core/sync/adapters/device-key';
import { fingerprint, signPayload } from '../../electron/core/sync/protocol/keys';
import { hasher, leafHashOf } from '../../electron/core/sync/protocol/merkle';
import { open, seal } from '../../electron/core/sync/protocol/seal';
import { openServerApp, type ServerApp } from '../../server/app';
import { approveEnrollment } from '../../server/enroll';
import { startSyncServer } from '../../server/http';
import { appendEntries, ManualClock, openDevice, quietLogger, tempDir, type TestDevice } from './helpers';

/**
 * The server's checks one by one, through the Ingestor (the code both transports share), with
 * batches a compromised or buggy device could produce: validly signed and sealed, but wrong.
 */
let root: string;
let clock: ManualClock;
let app: ServerApp;
let dev: TestDevice;

beforeAll(async () => {
  root = tempDir('rsched-sync-checks-');
  clock = new ManualClock('2026-07-01T12:00:00.000Z');
  app = openServerApp(join(root, 'srv'), { clock, logger: quietLogger(clock) });
  dev = openDevice(join(root, 'dev'), clock, quietLogger(clock), { create: 'device-checks', maxBatch: 1000 });
  const out = await approveEnrollment(dev.sync.enrollmentRequest().file, app, { url: null, tlsSpkiSha256: null });
  dev.sync.acceptEnrollment(JSON.parse(JSON.stringify(out.response)));
  appendEntries(dev, 60, clock);
});
afterAll(async () => {
  dev.close();
  await app.close();
  rmSync(root, { recursive: true, force: true });
});

/** Seals a batch the way the device does, after letting a test tamper with the body. */
function forge(base: number, end: number, tamper: (b: Record<string, unknown>) => void = () => undefined): SealedEnvelope {
  const key = deviceSigningKey(dev.db);
  const entries = dev.db.prepare('SELECT entry FROM audit_entry WHERE seq >= ? AND seq < ? ORDER BY seq').pluck().all(base, end) as string[];
  const cp = signCheckpoint({ origin: dev.log.origin, size: end, root: dev.log.rootAt(end), time: clock.now().toISOString() }, key.privateKey);
  const body: Record<string, unknown> = {
    format: 'rsched-sync-batch',
    version: SYNC_VERSION,
    deviceId: dev.deviceId,
    base: { size: base, root: toBase64(base === 0 ? hasher.emptyRoot() : dev.log.rootAt(base)) },
    entries,
    checkpoint: cp,
    consistency: base === 0 ? [] : dev.log.proveConsistency(base, end).map((h) => toBase64(h)),
    createdAt: clock.now().toISOString(),
  };
  tamper(body);
  const payload = Buffer.from(canonicalJson(body), 'utf8');
  return seal(Buffer.concat([signPayload(DOMAINS.batch, payload, key.privateKey), payload]), { deviceId: dev.deviceId, recipientSealingKey: app.identity.sealingPublic });
}

describe('server checks', () => {
  it('recomputes every leaf: one changed entry, re-signed by the device key, is refused as ROOT_MISMATCH and nothing is stored', async () => {
    const env = forge(0, 20, (b) => {
      const entries = b.entries as string[];
      entries[7] = (entries[7] as string).replace('"outcome":"success"', '"outcome":"denied"');
    });
    const r = await app.ingestor.ingest(env);
    expect(r).toMatchObject({ ok: false, error: { refusal: 'ROOT_MISMATCH' } });
    expect(await app.store.countEntries()).toBe(0);
    expect((await app.store.listAlerts()).map((a) => a.kind)).toEqual(['bad-batch']);
  });

  it('names the offending field in a malformed batch, without echoing entry content', async () => {
    const env = forge(0, 20, (b) => {
      (b.entries as string[])[3] = (b.entries as string[])[3]!.replace(/"seq":3/, '"seq":4');
    });
    const r = await app.ingestor.ingest(env);
    expect(r).toMatchObject({ ok: false, error: { refusal: 'BAD_REQUEST' } });
    expect(!r.ok && r.error.message).toBe('invalid batch: entries.3 (seq 3) has seq 4 at position 3');
    const bad = await app.ingestor.ingest({ format: 'rsched-sealed', version: 1, deviceId: dev.deviceId, recipient: 'x', ephemeralKey: 'y', iv: 'z', ciphertext: 'abc', tag: 'q' });
    expect(!bad.ok && bad.error.message).toMatch(/^invalid sealed envelope: recipient: recipient key id must be 16 bytes/);
  });

  it('refuses a signature by another key, a wrong consistency proof, and a checkpoint for another origin', async () => {
    const other = openDevice(join(root, 'other'), clock, quietLogger(clock), { create: 'device-other' });
    const env = forge(0, 10);
    const plain = open(env, app.identity.sealingKey, app.identity.sealingPublic) as Buffer;
    const forged = Buffer.concat([signPayload(DOMAINS.batch, plain.subarray(64), deviceSigningKey(other.db).privateKey), plain.subarray(64)]);
    other.close();
    const r1 = await app.ingestor.ingest(seal(forged, { deviceId: dev.deviceId, recipientSealingKey: app.identity.sealingPublic }));
    expect(r1).toMatchObject({ ok: false, error: { refusal: 'BAD_SIGNATURE' } });
    const r3 = await app.ingestor.ingest(
      forge(0, 10, (b) => {
        const key = deviceSigningKey(dev.db);
        b.checkpoint = signCheckpoint({ origin: 'residency-scheduler/audit/someone-else', size: 10, root: dev.log.rootAt(10), time: clock.now().toISOString() }, key.privateKey);
      }),
    );
    expect(r3).toMatchObject({ ok: false, error: { refusal: 'BAD_CHECKPOINT' } });
    expect((await app.ingestor.ingest(forge(0, 10))).ok).toBe(true);
    const r2 = await app.ingestor.ingest(
      forge(10, 30, (b) => {
        const p = b.consistency as string[];
        const h = Buffer.from(fromBase64(p[0] as string));
        h[0] = (h[0] ?? 0) ^ 1;
        p[0] = h.toString('base64');
      }),
    );
    expect(r2).toMatchObject({ ok: false, error: { refusal: 'BAD_PROOF' } });
    expect(await app.store.countEntries()).toBe(10);
  });

  it('a new checkpoint smaller than the accepted one is a rollback: refused and recorded', async () => {
    expect((await app.ingestor.ingest(forge(10, 40))).ok).toBe(true);
    clock.advance(1000);
    const r = await app.ingestor.ingest(forge(10, 30)); // newly signed, consistent, but smaller than 40
    expect(r).toMatchObject({ ok: false, error: { refusal: 'ROLLBACK_DETECTED' } });
    expect(!r.ok && r.error.latest?.receipt.size).toBe(40);
    expect((await app.store.listAlerts()).map((a) => a.kind)).toContain('rollback');
    const gap = await app.ingestor.ingest(forge(45, 60));
    expect(gap).toMatchObject({ ok: false, error: { refusal: 'SEQUENCE_GAP', expectedSeq: 40 } });
    // An overlapping resend (base 30, already-stored 30..39 identical) extends the log normally.
    const overlap = await app.ingestor.ingest(forge(30, 60));
    expect(overlap).toMatchObject({ ok: true, storedEntries: 20 });
    expect(await app.store.countEntries()).toBe(60);
  });

  it('HTTP limits: missing device header, oversize body, per-device rate limit; plain HTTP only on loopback', async () => {
    const logger = quietLogger(clock);
    const s = await startSyncServer({ ingestor: app.ingestor, clock, logger, host: '127.0.0.1', port: 0, insecureLoopbackHttp: true, maxBodyBytes: 4096, rate: { capacity: 2, perSec: 0.001 } });
    const post = (body: string, headers: Record<string, string>) =>
      new Promise<{ status: number; json: { ok: boolean; error?: { refusal: string } } }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: s.port, method: 'POST', path: '/v1/batches', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
          let t = '';
          res.on('data', (c: Buffer) => (t += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(t) }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      expect((await post('{}', {})).status).toBe(400);
      const big = await post('x'.repeat(5000), { 'x-rsched-device': 'dev-big' });
      expect(big).toMatchObject({ status: 413, json: { error: { refusal: 'TOO_LARGE' } } });
      const env = JSON.stringify(forge(0, 1));
      expect((await post(env, { 'x-rsched-device': 'dev-x' })).json.error?.refusal).toBe('BAD_REQUEST'); // header != envelope
      await post('{}', { 'x-rsched-device': 'dev-rl' });
      await post('{}', { 'x-rsched-device': 'dev-rl' });
      expect(await post('{}', { 'x-rsched-device': 'dev-rl' })).toMatchObject({ status: 429, json: { error: { refusal: 'RATE_LIMITED' } } });
    } finally {
      await s.close();
    }
    await expect(startSyncServer({ ingestor: app.ingestor, clock, logger, host: '0.0.0.0', port: 0, insecureLoopbackHttp: true })).rejects.toThrow(/loopback/);
  });
});

describe('protocol pieces', () => {
  it('sealing: round trip; any changed header field or byte fails; only the recipient opens it', () => {
    const env = seal(Buffer.from('hello'), { deviceId: 'd1', recipientSealingKey: app.identity.sealingPublic });
    expect(open(env, app.identity.sealingKey, app.identity.sealingPublic)?.toString()).toBe('hello');
    expect(open({ ...env, deviceId: 'd2' }, app.identity.sealingKey, app.identity.sealingPublic)).toBeNull();
    const tag = Buffer.from(env.tag, 'base64');
    tag[15] = (tag[15] ?? 0) ^ 1;
    expect(open({ ...env, tag: tag.toString('base64') }, app.identity.sealingKey, app.identity.sealingPublic)).toBeNull();
  });

  it('canonical base64 only; leaf hashes equal shared/merkle; fingerprints are stable and short', () => {
    expect(base64ByteLength('AAAA')).toBe(3);
    expect(base64ByteLength('AAE=')).toBe(2);
    expect(base64ByteLength('AAF=')).toBe(-1); // non-canonical trailing bits
    expect(base64ByteLength('AA A')).toBe(-1);
    expect(base64ByteLength('AAA')).toBe(-1);
    const text = '{"a":1}';
    expect(Buffer.from(leafHashOf(text)).equals(Buffer.from(hasher.leafHash(Buffer.from(text))))).toBe(true);
    const fp = fingerprint({ signingKey: app.identity.signingPublic, sealingKey: app.identity.sealingPublic });
    expect(fp).toMatch(/^([0-9a-f]{4} ){9}[0-9a-f]{4}$/);
    expect(parseCheckpoint({ body: 'not a checkpoint', signature: 'A'.repeat(86) + '==' })).toBeNull();
    expect(batchBody.safeParse({}).success).toBe(false);
  });
});
