import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../electron/cli/io';
import { createServerCommand } from '../../electron/cli/commands/server';
import { createSyncCommand } from '../../electron/cli/commands/sync';
import { openSyncSession } from '../../electron/core/sync/adapters/vault-session';
import { createVault, testKdfPolicy } from '../../electron/core/vault/index';
import type { RunningServer } from '../../server/http';
import { makeCert, ManualClock, quietLogger, tempDir } from './helpers';

/**
 * The air-gapped round trip through the real commands, on a real (encrypted) vault:
 * request -> enroll -> accept -> export files -> server import (out of order) -> receipts back ->
 * replayed file changes nothing -> then the same device continues over HTTPS against
 * `rsched server start` on 127.0.0.1 with the certificate pinned.
 */
const PASSWORD = 'correct horse battery staple 2026';
let root: string;
let clock: ManualClock;

beforeAll(() => {
  root = tempDir('rsched-sync-cli-');
  clock = new ManualClock('2026-07-01T12:00:00.000Z');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function appendVia(vaultDir: string, n: number): Promise<void> {
  const s = await openSyncSession({ dir: vaultDir, slotId: 'user:admin', password: PASSWORD, clock, logger: quietLogger(clock), kdfPolicy: testKdfPolicy() });
  try {
    const snap = s.log.beginUnit();
    try {
      s.vault.db.transaction(() => {
        for (let i = 0; i < n; i++) {
          s.log.append({ actor: { type: 'system', component: 'scheduler' }, action: 'user.update', resource: { type: 'user', id: `user-${i % 7}` }, outcome: 'success', details: { i } });
        }
      })();
    } catch (err) {
      s.log.abortUnit(snap);
      throw err;
    }
  } finally {
    s.close();
  }
  clock.advance(60_000);
}

describe('rsched sync / rsched server: file transport round trip', () => {
  it('exports sealed files, imports them out of order, brings receipts back, ignores a replay, then continues over HTTPS', async () => {
    const vaultDir = join(root, 'vault');
    const data = join(root, 'server-data');
    const files = join(root, 'usb');
    const cert = makeCert(root, 'hospital');
    const { vault } = await createVault({ dir: vaultDir, programName: 'Test Program', timeZone: 'America/Chicago', firstSlot: { slotId: 'user:admin', password: PASSWORD }, clock, logger: quietLogger(clock), kdfPolicy: testKdfPolicy() });
    vault.close();

    const logger = quietLogger(clock);
    const serverCli = createServerCommand({ clock, logger });
    const syncCli = createSyncCommand({ clock, logger, kdfPolicy: testKdfPolicy() });
    const server = async (args: string[]) => {
      const io = memoryIo();
      const code = await serverCli.run([...args, '--data', data], io);
      return { code, out: io.out.join(''), err: io.err.join('') };
    };
    const sync = async (args: string[]) => {
      const io = memoryIo(PASSWORD + '\n');
      const code = await syncCli.run([...args, '--vault', vaultDir, '--password-stdin'], io);
      return { code, out: io.out.join(''), err: io.err.join('') };
    };

    // Enrollment by files, fingerprints printed on both sides and equal.
    const req = await sync(['request', '--out', join(root, 'request.json')]);
    expect(req.code).toBe(0);
    const deviceFp = /fingerprint .*: ([0-9a-f ]{49})/.exec(req.out)?.[1];
    const enrolled = await server(['enroll', join(root, 'request.json'), '--out', join(root, 'response.json'), '--url', 'https://127.0.0.1:1', '--tls-cert', cert.certPath]);
    expect(enrolled.code).toBe(0);
    expect(enrolled.out).toContain(`device fingerprint (must match what the device shows): ${deviceFp}`);
    const serverFp = /server fingerprint \(the device owner compares it\):\s+([0-9a-f ]{49})/.exec(enrolled.out)?.[1];
    const accepted = await sync(['accept', join(root, 'response.json')]);
    expect(accepted.code).toBe(0);
    expect(accepted.out).toContain(serverFp);

    await appendVia(vaultDir, 12_000);
    const exported = await sync(['export', '--out', files]);
    expect(exported.code).toBe(0);
    const batchFiles = readdirSync(files).filter((f) => f.endsWith('.sealed.json')).sort();
    expect(batchFiles.length).toBe(3); // 12,000 entries at 5,000 per batch
    const deviceId = JSON.parse(readFileSync(join(root, 'request.json'), 'utf8')).request.deviceId as string;

    // Out of order on purpose: the importer retries gaps once the earlier batch landed.
    const imported = await server(['import', ...[...batchFiles].reverse().map((f) => join(files, f)), '--receipts', files]);
    expect(imported.code).toBe(0);
    expect(imported.out.match(/^accepted /gm)?.length).toBe(3);
    const devices = JSON.parse((await server(['devices', '--json'])).out) as Array<{ deviceId: string; size: number }>;
    expect(devices).toMatchObject([{ deviceId, size: 12_000 }]);

    const back = await sync(['receipts', files]);
    expect(back.code).toBe(0);
    expect(back.out).toContain('acknowledged size now 12000');

    // Replaying an old file: same receipt, nothing stored, no alert.
    const firstReceipt = readFileSync(join(files, batchFiles[0]!.replace('.sealed.json', '.receipt.json')), 'utf8');
    const replay = await server(['import', join(files, batchFiles[0]!), '--receipts', join(root, 'replay')]);
    expect(replay.code).toBe(0);
    expect(replay.out).toContain('0 new entries');
    expect(readFileSync(join(root, 'replay', batchFiles[0]!.replace('.sealed.json', '.receipt.json')), 'utf8')).toBe(firstReceipt);
    expect((await server(['alerts'])).out).toContain('no alerts');
    expect(JSON.parse((await server(['devices', '--json'])).out)[0].size).toBe(12_000);

    // Reading on the hospital side.
    const audit = await server(['audit', '--device', deviceId, '--from', '100', '--to', '102']);
    expect(audit.out.trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual([100, 101, 102]);
    const exportOut = await server(['export', '--out', join(root, 'archive.jsonl')]);
    expect(exportOut.out).toContain('exported 1 devices, 12000 entries');

    // The same device then continues over HTTPS against `rsched server start` (pinned certificate).
    let running: RunningServer | null = null;
    let stop: () => void = () => undefined;
    const started = createServerCommand({
      clock,
      logger,
      untilStopped: (s) => {
        running = s;
        return new Promise<void>((r) => (stop = r));
      },
    }).run(['start', '--data', data, '--port', '0', '--tls-key', cert.keyPath, '--tls-cert', cert.certPath], memoryIo());
    for (let i = 0; i < 100 && !running; i++) await new Promise((r) => setTimeout(r, 20));
    expect(running).not.toBeNull();
    // The enrolled URL had a placeholder port: re-enroll is not needed to test the transport, so point
    // the device at the live port through the stored response (same keys and pin).
    const live = (running as unknown as RunningServer).url;
    const response = JSON.parse(readFileSync(join(root, 'response.json'), 'utf8'));
    expect(response.response.tlsSpkiSha256).toBe(cert.pin);
    const s = await openSyncSession({ dir: vaultDir, slotId: 'user:admin', password: PASSWORD, clock, logger, kdfPolicy: testKdfPolicy() });
    s.vault.db.prepare('UPDATE sync_identity SET server_url = ?').run(live);
    s.close();
    await appendVia(vaultDir, 250);
    const now = await sync(['now']);
    expect(now.out).toContain('acknowledged size 12250');
    expect(now.code).toBe(0);
    const status = await sync(['status']);
    expect(status.out).toContain('waiting: 0');
    stop();
    expect(await started).toBe(0);
    expect(JSON.parse((await server(['devices', '--json'])).out)[0].size).toBe(12_250);
  });

  it('refuses plain HTTP off loopback and secrets on the command line', async () => {
    const serverCli = createServerCommand({ clock, logger: quietLogger(clock) });
    const io = memoryIo();
    await expect(serverCli.run(['start', '--data', join(root, 'd2'), '--port', '0', '--host', '0.0.0.0', '--insecure-loopback-http'], io)).rejects.toThrow(/only on a loopback address/);
    await expect(createSyncCommand().run(['status', '--vault', root, '--password', 'x'], memoryIo())).rejects.toThrow(/never accepted as arguments/);
  });
});
