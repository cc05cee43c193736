import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { approveEnrollment } from '../../server/enroll';
import { importBatchFiles } from '../../server/files';
import { addUser, expectError, setupAndSignInAdmin, startCore, type Harness } from '../accounts/helpers';
import { makeCert, openDevice, quietLogger, startServer, tempDir, type TestServer } from '../sync/helpers';
import { addPerson, backupVault, enrollThroughContract, entriesOf, eventually, restoreVault, signInAgain, status } from './helpers';

/**
 * Sync wired into the running core: a real SQLCipher vault opened through sign-in, the contract
 * calls, and a real sync server on 127.0.0.1 over TLS with the certificate pinned.
 */
let root: string;
let cert: ReturnType<typeof makeCert>;
beforeAll(() => {
  root = tempDir('rsched-sync-app-');
  cert = makeCert(root, 'server');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
let h: Harness;
let server: TestServer;
beforeEach(async () => {
  n++;
  h = startCore(join(root, `vault-${n}`));
  await setupAndSignInAdmin(h);
  server = await startServer(join(root, `srv-${n}`), h.clock, cert);
});
afterEach(async () => {
  h.stop();
  await server.stop();
});

const logged = (msg: string): number => h.logs.records.filter((r) => r.msg === msg).length;

describe('sync through the contract', () => {
  it('enrolls, pushes a scheduling change with sync.now, and shows the receipt in sync.status', async () => {
    const before = await status(h);
    expect(before).toMatchObject({ enrolled: false, transport: null, serverFingerprint: null, lastReceipt: null, agentRunning: false, halted: false, alerts: [] });

    const { request, approval, accepted } = await enrollThroughContract(h, server);
    // The fingerprints both people read out by phone.
    expect(request.deviceFingerprint).toBe(approval.deviceFingerprint);
    expect(accepted.serverFingerprint).toBe(approval.serverFingerprint);
    const enrollEntries = (await entriesOf(h, 'sync.enroll')).map((e) => e.entry);
    expect(enrollEntries).toMatchObject([
      { outcome: 'success', details: { step: 'accept', serverFingerprint: approval.serverFingerprint, transport: 'https' } },
      { outcome: 'success', details: { step: 'request', deviceFingerprint: request.deviceFingerprint } },
    ]);

    const person = await addPerson(h, 'Resident Quill Zephyrine');
    const run = await h.ok<{ pushed: number; ackedSize: number; upToDate: boolean; error: string | null }>('sync.now', {});
    expect(run.error).toBeNull();
    expect(run.upToDate).toBe(true);

    const st = await status(h);
    expect(st).toMatchObject({ enrolled: true, transport: 'https', serverUrl: server.http.url, serverFingerprint: approval.serverFingerprint, agentRunning: true, halted: false, upToDate: true, lastError: null });
    expect(st.lastReceipt?.size).toBe(st.ackedSize);
    // Nothing but push records waits: another sync.now sends nothing and writes nothing (the
    // audit searches below are themselves audited, so this comes first).
    expect(await h.ok('sync.now', {})).toMatchObject({ pushed: 0, upToDate: true, error: null });
    expect((await status(h)).logSize).toBe(st.logSize);
    const serverReceipt = await server.app.store.getLatestReceipt(request.deviceId);
    expect(serverReceipt?.receipt).toMatchObject({ size: st.ackedSize, root: st.lastReceipt?.root });
    // Only the device's own push records may wait (they ride with the next change).
    const waiting = st.logSize - st.ackedSize;
    expect(st.pendingEntries).toBe(waiting);
    const pushes = (await entriesOf(h, 'sync.push')).filter((p) => p.entry?.details?.['step'] === 'acknowledged');
    expect(waiting).toBeLessThanOrEqual(pushes.length);

    // The server holds the person.create entry itself, byte for byte what the log hashed.
    const stored = await server.app.store.listEntries({ deviceId: request.deviceId, fromSeq: 0, toSeq: st.ackedSize - 1 });
    expect(stored).toHaveLength(st.ackedSize);
    const created = stored.map((e) => JSON.parse(e.canonical) as { action: string; resource: { id: string | null } }).find((e) => e.action === 'person.create');
    expect(created?.resource.id).toBe(person.id);

    // One sync.push entry per accepted batch: seq range and receipt root, no PHI.
    const last = pushes[0]?.entry;
    expect(last).toMatchObject({ action: 'sync.push', outcome: 'success', details: { step: 'acknowledged', transport: 'https', receiptSize: st.ackedSize, receiptRoot: st.lastReceipt?.root, toSeq: st.ackedSize - 1 } });
    const ranges = pushes.map((p) => p.entry?.details as { fromSeq: number; toSeq: number; entries: number }).reverse();
    expect(ranges[0]?.fromSeq).toBe(0);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.fromSeq).toBe((ranges[i - 1]?.toSeq ?? -2) + 1);
    for (const r of ranges) expect(r.entries).toBe(r.toSeq - r.fromSeq + 1);
    for (const p of pushes) expect(JSON.stringify(p.entry)).not.toContain('Zephyrine');

  });

  it('refuses a tampered or foreign enrollment response with a clear message, and records the attempt', async () => {
    const request = await h.ok<{ content: string }>('sync.requestEnrollment', {});
    const good = await approveEnrollment(JSON.parse(request.content) as unknown, server.app, { url: server.http.url, tlsSpkiSha256: server.cert.pin });

    const forged = { ...good.response, response: { ...good.response.response, url: 'https://127.0.0.1:1/' } };
    const r1 = await h.call('sync.acceptEnrollment', { content: JSON.stringify(forged) });
    expectError(r1, 'BAD_INPUT');
    expect(r1.ok ? '' : r1.error.message).toMatch(/signature does not verify/);

    const other = openDevice(join(root, `other-${n}`), h.clock, quietLogger(h.clock), { create: `other-${n}` });
    const foreign = await approveEnrollment(other.sync.enrollmentRequest().file, server.app, { url: server.http.url, tlsSpkiSha256: server.cert.pin });
    other.close();
    const r2 = await h.call('sync.acceptEnrollment', { content: JSON.stringify(foreign.response) });
    expectError(r2, 'BAD_INPUT');
    expect(r2.ok ? '' : r2.error.message).toMatch(/issued for another device/);

    expectError(await h.call('sync.acceptEnrollment', { content: 'not json' }), 'BAD_INPUT');
    expect((await status(h)).enrolled).toBe(false);
    const failures = (await entriesOf(h, 'sync.enroll')).filter((e) => e.entry?.outcome === 'failed');
    expect(failures).toHaveLength(3);
  });

  it('refuses sync changes to roles without sync.manage; the status is open to incidents.read too', async () => {
    await enrollThroughContract(h, server);
    const resident = await addUser(h, 'resident', 'rita');
    const officer = await addUser(h, 'compliance_officer', 'olga');
    const coordinator = await addUser(h, 'coordinator', 'cory');

    expectError(await h.call('sync.status', {}, resident.caller), 'FORBIDDEN');
    for (const call of ['sync.now', 'sync.requestEnrollment', 'sync.exportBatches']) {
      expectError(await h.call(call, {}, resident.caller), 'FORBIDDEN');
      expectError(await h.call(call, {}, officer.caller), 'FORBIDDEN');
    }
    expectError(await h.call('sync.setInterval', { minutes: 5 }, officer.caller), 'FORBIDDEN');

    const seen = await h.call<{ enrolled: boolean }>('sync.status', {}, officer.caller);
    expect(seen.ok && seen.value.enrolled).toBe(true);
    // The coordinator holds sync.manage.
    expect(await h.ok('sync.setInterval', { minutes: 5 }, coordinator.caller)).toEqual({ intervalMinutes: 5 });
    expect((await status(h)).intervalMinutes).toBe(5);
    expect((await h.ok<{ error: string | null }>('sync.now', {}, coordinator.caller)).error).toBeNull();

    // The handler's own refusal is audited like the dispatcher's.
    const denied = h.audit().filter((e) => e.action === 'auth.access_denied' && e.details?.['call'] === 'sync.status');
    expect(denied).toHaveLength(1);
    expect(h.audit().filter((e) => e.action === 'auth.access_denied' && e.details?.['call'] === 'sync.now')).toHaveLength(2);
  });

  it('starts the agent at unlock, stops it at lock, and pushes by itself after the next sign-in', async () => {
    const { request } = await enrollThroughContract(h, server);
    expect(logged('sync agent started')).toBe(1);
    await h.ok('sync.now', {});
    expect((await status(h)).agentRunning).toBe(true);

    h.core.lock();
    expect(logged('sync agent stopped')).toBe(1);
    expect(h.core.isUnlocked()).toBe(false);
    expectError(await h.call('sync.status', {}), 'UNAUTHENTICATED');
    const held = await server.app.store.countEntries(request.deviceId);

    await signInAgain(h);
    // The start is scheduled right after the sign-in call; the agent's first run follows at once.
    await eventually(async () => logged('sync agent started') === 2);
    await eventually(async () => (await server.app.store.countEntries(request.deviceId)) > held);
    // The lock and sign-in entries reached the server without a sync.now.
    const stored = await server.app.store.listEntries({ deviceId: request.deviceId, fromSeq: held, toSeq: held + 100 });
    expect(stored.map((e) => (JSON.parse(e.canonical) as { action: string }).action)).toEqual(expect.arrayContaining(['vault.lock', 'auth.login']));
  });

  it('an older copy of the vault restored: alert at unlock, visible in sync.status, push blocked', async () => {
    const { request } = await enrollThroughContract(h, server);
    await addPerson(h, 'Resident Before Backup');
    await h.ok('sync.now', {});
    h.core.lock();
    const backup = join(root, `backup-${n}`);
    mkdirSync(backup);
    backupVault(h.dir, backup, (f) => f !== 'sync-receipt.json');

    await signInAgain(h);
    for (let i = 0; i < 3; i++) await addPerson(h, `Resident After Backup ${i}`);
    await h.ok('sync.now', {});
    const acked = (await status(h)).ackedSize;
    h.core.lock();

    // Someone puts the older vault back (the receipt copy beside it is not part of the backup).
    restoreVault(backup, h.dir);
    await signInAgain(h);
    const st = await status(h);
    expect(st.halted).toBe(true);
    expect(st.agentRunning).toBe(false);
    expect(st.alerts.length).toBeGreaterThanOrEqual(1);
    expect(st.alerts[0]).toMatchObject({ kind: 'log-does-not-extend-receipt' });
    expect(st.alerts[0]?.detail).toMatch(/older copy of the vault|differs from what the server acknowledged/);

    const held = await server.app.store.countEntries(request.deviceId);
    expect(held).toBe(acked);
    await addPerson(h, 'Resident On Restored Vault');
    const r = await h.call('sync.now', {});
    expectError(r, 'AUDIT_TAMPERED');
    expect(await server.app.store.countEntries(request.deviceId)).toBe(held);
    expect(await server.app.store.listAlerts()).toEqual([]);
    // The refused push is itself on record.
    expect((await entriesOf(h, 'sync.push')).some((e) => e.entry?.outcome === 'failed')).toBe(true);
  });
});

describe('air-gapped transfer through the contract', () => {
  it('exports sealed batch files, the server imports them, the receipts come back; bad receipts are refused', async () => {
    const request = await h.ok<{ content: string; deviceId: string }>('sync.requestEnrollment', {});
    // No URL: enrolled for file transfer only.
    const approval = await approveEnrollment(JSON.parse(request.content) as unknown, server.app, { url: null, tlsSpkiSha256: null });
    await h.ok('sync.acceptEnrollment', { content: JSON.stringify(approval.response) });
    expect(await status(h)).toMatchObject({ transport: 'file', agentRunning: false });
    await addPerson(h, 'Resident Offline');
    expectError(await h.call('sync.now', {}), 'CONFLICT');

    const out = await h.ok<{ files: Array<{ fileName: string; base64: string }>; entries: number }>('sync.exportBatches', {});
    expect(out.files.length).toBeGreaterThanOrEqual(1);
    const dir = join(root, `files-${n}`);
    mkdirSync(dir);
    const paths = out.files.map((f) => {
      const p = join(dir, f.fileName);
      writeFileSync(p, Buffer.from(f.base64, 'base64'));
      return p;
    });
    const imported = await importBatchFiles(server.app, paths, join(dir, 'receipts'));
    expect(imported.every((r) => r.ok)).toBe(true);

    const receipts = imported.map((r) => ({ fileName: `${r.file}.receipt.json`, content: readFileSync(r.receiptFile ?? '', 'utf8') }));
    const bogus = { fileName: 'bogus.receipt.json', content: '{"receipt": 1}' };
    const applied = await h.ok<{ results: Array<{ ok: boolean; error: string | null }>; ackedSize: number }>('sync.importReceipts', { files: [...receipts, bogus] });
    expect(applied.results.map((r) => r.ok)).toEqual([...receipts.map(() => true), false]);
    expect(applied.results.at(-1)?.error).toMatch(/invalid receipt/);
    expect(applied.ackedSize).toBe(out.entries);
    expect(await server.app.store.countEntries(request.deviceId)).toBe(out.entries);

    const st = await status(h);
    expect(st.lastReceipt?.size).toBe(out.entries);
    const pushes = (await entriesOf(h, 'sync.push')).map((e) => e.entry?.details);
    expect(pushes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ step: 'export', files: out.files.length, entries: out.entries }),
        expect.objectContaining({ step: 'acknowledged', transport: 'file', toSeq: out.entries - 1 }),
        expect.objectContaining({ step: 'receipts', accepted: receipts.length, refused: 1 }),
      ]),
    );
  });

  it('a halt is cleared by sync.resume once the cause is gone; the alert stays', async () => {
    await enrollThroughContract(h, server);
    await h.ok('sync.now', {});
    const copy = join(h.dir, 'sync-receipt.json');
    const good = readFileSync(copy);
    writeFileSync(copy, '{"not": "a receipt"}');
    await addPerson(h, 'Resident During Halt');
    expectError(await h.call('sync.now', {}), 'AUDIT_TAMPERED');
    expect(await status(h)).toMatchObject({ halted: true, agentRunning: false });

    // Investigated: the copy was damaged, not the log. Put it back and resume.
    writeFileSync(copy, good);
    expectError(await h.call('sync.resume', { reason: 'receipt copy restored' }, (await addUser(h, 'compliance_officer', 'cleo')).caller), 'FORBIDDEN');
    const resumed = await h.ok<{ halted: boolean; agentRunning: boolean; alerts: unknown[] }>('sync.resume', { reason: 'receipt copy restored from the admin share' });
    expect(resumed).toMatchObject({ halted: false, agentRunning: true });
    expect(resumed.alerts).toHaveLength(1);
    const run = await h.ok<{ error: string | null; upToDate: boolean }>('sync.now', {});
    expect(run).toMatchObject({ error: null, upToDate: true });
    const resumeEntry = (await entriesOf(h, 'settings.update')).find((e) => e.entry?.resource.type === 'sync_device')?.entry;
    expect(resumeEntry).toMatchObject({ reason: 'receipt copy restored from the admin share', before: { halted: true }, after: { halted: false } });
  });
});
