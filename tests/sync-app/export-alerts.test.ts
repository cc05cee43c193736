import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryIo } from '../../electron/cli/io';
import { createServerCommand } from '../../electron/cli/commands/server';
import { readSecurityOutbox } from '../../electron/core/security/index';
import { expectError, setupAndSignInAdmin, startCore, type Harness } from '../accounts/helpers';
import { db, setDetection } from '../security/helpers';
import { quietLogger, tempDir } from '../sync/helpers';
import { entriesOf, status } from './helpers';

/**
 * Air-gapped transfer from the app: `sync.exportBatches` returns the same files `rsched sync export`
 * writes, the queued security alerts included, and the hospital's real commands (`rsched server
 * enroll`, `import`, `security-alerts`, on a server store on disk) take them as they take the CLI's.
 */
let root: string;
beforeAll(() => {
  root = tempDir('rsched-sync-app-export-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let h: Harness;
let n = 0;
let dir: string;
beforeEach(async () => {
  dir = join(root, `case-${++n}`);
  mkdirSync(dir);
  h = startCore(join(dir, 'vault'));
  await setupAndSignInAdmin(h);
});
afterEach(() => h.stop());

type Exported = { files: Array<{ fileName: string; base64: string; fromSeq: number | null; toSeq: number | null }>; entries: number; alerts: number };

describe('security alerts in the app export', () => {
  it('travel with the exported batches, are listed by rsched server security-alerts, and are marked sent by their receipt', async () => {
    const serverCli = createServerCommand({ clock: h.clock, logger: quietLogger(h.clock) });
    const server = async (args: string[]): Promise<{ code: number; out: string }> => {
      const io = memoryIo();
      const code = await serverCli.run([...args, '--data', join(dir, 'server-data')], io);
      return { code, out: io.out.join('') };
    };

    // Enrolled for file transfer only, by files, as on an air-gapped workstation.
    const request = await h.ok<{ content: string; deviceId: string }>('sync.requestEnrollment', {});
    writeFileSync(join(dir, 'request.json'), request.content);
    expect((await server(['enroll', join(dir, 'request.json'), '--out', join(dir, 'response.json')])).code).toBe(0);
    await h.ok('sync.acceptEnrollment', { content: readFileSync(join(dir, 'response.json'), 'utf8') });

    await setDetection(h, { failedLogins: { threshold: 2, windowMinutes: 15 } });
    for (const i of [1, 2]) {
      expectError(await h.call('auth.login', { username: `intruder.${i}`, password: 'not the password at all 1' }, { clientId: `x${i}`, transport: 'in-process' }), 'WRONG_CREDENTIALS');
    }
    const [queued] = readSecurityOutbox(db(h));
    expect((await status(h)).securityAlertsWaiting).toBe(1);

    const out = await h.ok<Exported>('sync.exportBatches', {});
    expect(out.alerts).toBe(1);
    const alertsFiles = out.files.filter((f) => f.fileName.startsWith('rsched-alerts-'));
    expect(alertsFiles).toEqual([expect.objectContaining({ fromSeq: null, toSeq: null })]);
    expect(out.files.length).toBeGreaterThan(1);
    // Exporting marks nothing sent: that takes the server's receipt.
    expect((await status(h)).securityAlertsWaiting).toBe(1);

    const usb = join(dir, 'usb');
    mkdirSync(usb);
    for (const f of out.files) writeFileSync(join(usb, f.fileName), Buffer.from(f.base64, 'base64'));
    const imported = await server(['import', usb, '--receipts', join(dir, 'receipts')]);
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('1 new security alerts of 1');

    const listed = await server(['security-alerts', '--device', request.deviceId, '--json']);
    expect(listed.code).toBe(0);
    const held = JSON.parse(listed.out) as Array<{ alertId: string; rule: string; deviceId: string; count: number }>;
    expect(held.map((a) => [a.alertId, a.rule, a.deviceId, a.count])).toEqual([[queued!.refId, 'failed_login_burst', request.deviceId, 2]]);

    // The receipts come back on the same medium: the batches are acknowledged and the alert marked sent.
    const receipts = readdirSync(join(dir, 'receipts')).map((f) => ({ fileName: f, content: readFileSync(join(dir, 'receipts', f), 'utf8') }));
    const applied = await h.ok<{ results: Array<{ ok: boolean }> }>('sync.importReceipts', { files: receipts });
    expect(applied.results.every((r) => r.ok)).toBe(true);
    expect(readSecurityOutbox(db(h))).toEqual([]);
    expect((await status(h)).securityAlertsWaiting).toBe(0);
    const again = await h.ok<Exported>('sync.exportBatches', {});
    expect(again).toMatchObject({ alerts: 0 });
    expect(again.files.some((f) => f.fileName.startsWith('rsched-alerts-'))).toBe(false);

    const exportEntry = (await entriesOf(h, 'sync.push')).map((e) => e.entry?.details).find((d) => d?.['step'] === 'export' && d['alerts'] === 1);
    expect(exportEntry).toMatchObject({ transport: 'file', files: out.files.length, entries: out.entries });
  });
});
