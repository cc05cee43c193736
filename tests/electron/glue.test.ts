import * as electron from 'electron';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CALL_NAMES } from '../../shared/contract/index';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { startDesktopApp } from '../../electron/main/bootstrap';
import { bindContract } from '../../electron/main/ipc';
import { hardenWebContents, isAllowedExternalUrl, mainWindowOptions } from '../../electron/main/security';
import { serveRenderer } from '../../electron/main/protocol';
import type { Dispatcher } from '../../electron/core/dispatcher';
import { resourcesDir, useResourcesDir } from '../../electron/core/resources';
import { bundledWorkersDir, useBundledWorkers } from '../../electron/core/workers/spawn';
import * as fake from '../fakes/electron';

const asElectron = electron as unknown as typeof electron;

function fakeDispatcher(): Dispatcher & { calls: Array<{ name: string; clientId: string }> } {
  const calls: Array<{ name: string; clientId: string }> = [];
  return {
    calls,
    callNames: CALL_NAMES,
    dispatch: (name, _input, caller) => {
      calls.push({ name, clientId: caller.clientId });
      return Promise.resolve({ ok: true, value: 'ran' });
    },
  };
}

describe('main window', () => {
  it('is sandboxed, context-isolated, without Node, and has no devtools in production', () => {
    const opts = mainWindowOptions('/app/preload.cjs', true);
    expect(opts.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      preload: '/app/preload.cjs',
    });
    expect(mainWindowOptions('/p', false).webPreferences?.devTools).toBe(true);
    // usable at 1280 x 800
    expect(opts.minWidth).toBe(1280);
  });
});

describe('navigation guard', () => {
  const contents = new (fake.BrowserWindow)({}).webContents;
  const opened: string[] = [];
  hardenWebContents(contents as unknown as electron.WebContents, { devServerOrigin: null, openExternal: (u) => opened.push(u) });

  const navigate = (url: string): boolean => {
    const event = { preventDefault: vi.fn() };
    contents.emit('will-navigate', event, url);
    return event.preventDefault.mock.calls.length === 0;
  };

  it('allows the app origin and refuses everything else', () => {
    expect(navigate('app://residency-scheduler/index.html')).toBe(true);
    expect(navigate('https://evil.example/')).toBe(false);
    expect(navigate('file:///etc/passwd')).toBe(false);
    expect(navigate('app://other-host/index.html')).toBe(false);
  });

  it('denies every new window and sends only allow-listed https links to the OS browser', () => {
    expect(contents.windowOpenHandler?.({ url: 'https://www.acgme.org/faq' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'http://www.acgme.org/' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://www.acgme.org/faq']);
    expect(isAllowedExternalUrl('https://user:pw@www.acgme.org/')).toBe(false);
  });

  it('refuses webview attachment', () => {
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('app:// protocol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rsched-renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  serveRenderer(asElectron.protocol, dir);
  const handler = fake.recorded.protocolHandlers.get('app');

  it('serves the renderer with the strict CSP header', async () => {
    const res = await handler!(new Request('app://residency-scheduler/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses paths outside the renderer folder and foreign hosts', async () => {
    expect((await handler!(new Request('app://residency-scheduler/..%2f..%2fetc%2fpasswd'))).status).toBe(404);
    expect((await handler!(new Request('app://elsewhere/index.html'))).status).toBe(404);
  });
});

describe('IPC binding', () => {
  it('binds exactly one channel per contract call', () => {
    fake.recorded.ipcHandlers.clear();
    const dispatcher = fakeDispatcher();
    const channels = bindContract(asElectron.ipcMain, dispatcher, null);
    expect([...fake.recorded.ipcHandlers.keys()].sort()).toEqual(CALL_NAMES.map((n) => `rsched:${n}`).sort());
    expect(channels).toHaveLength(CALL_NAMES.length);
  });

  it('refuses a sender frame that is not the app page, without running the dispatcher', async () => {
    fake.recorded.ipcHandlers.clear();
    const dispatcher = fakeDispatcher();
    bindContract(asElectron.ipcMain, dispatcher, null);
    const handler = fake.recorded.ipcHandlers.get('rsched:system.status')!;
    const event = (url: string, parent: unknown = null) => ({ sender: { id: 7 }, senderFrame: { url, parent } });

    const foreign = (await handler(event('https://evil.example/'), {})) as { ok: boolean; error?: { code: string } };
    expect(foreign).toMatchObject({ ok: false, error: { code: 'FOREIGN_ORIGIN' } });
    const subframe = (await handler(event('app://residency-scheduler/index.html', {}), {})) as { ok: boolean };
    expect(subframe.ok).toBe(false);
    const noFrame = (await handler({ sender: { id: 7 }, senderFrame: null }, {})) as { ok: boolean };
    expect(noFrame.ok).toBe(false);
    expect(dispatcher.calls).toHaveLength(0);

    const own = (await handler(event('app://residency-scheduler/index.html'), {})) as { ok: boolean };
    expect(own.ok).toBe(true);
    expect(dispatcher.calls).toEqual([{ name: 'system.status', clientId: 'wc:7' }]);
  });
});

describe('preload bridge', () => {
  it('exposes only window.api, with one function per contract call bound to its own channel', async () => {
    await import('../../electron/preload/index');
    expect([...fake.recorded.exposed.keys()]).toEqual(['api']);
    const api = fake.recorded.exposed.get('api') as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
    const exposed = Object.entries(api).flatMap(([ns, fns]) => Object.keys(fns).map((f) => `${ns}.${f}`));
    expect(exposed.sort()).toEqual([...CALL_NAMES].sort());
    await api.system!.status!({});
    expect(fake.recorded.invoked.at(-1)).toEqual({ channel: 'rsched:system.status', args: [{}] });
    expect(api).not.toHaveProperty('invoke');
  });
});

describe('desktop bootstrap', () => {
  it('enables the sandbox, takes the single-instance lock, denies permissions, and locks on OS lock-screen', async () => {
    fake.recorded.ipcHandlers.clear();
    fake.app.userData = mkdtempSync(join(tmpdir(), 'rsched-userdata-'));
    expect(bundledWorkersDir()).toBeNull();
    const sourceResources = resourcesDir();
    const { ready } = startDesktopApp(asElectron, { preload: '/p.cjs', rendererDir: '/nowhere', workersDir: '/app/out/main/workers', resourcesDir: '/opt/rsched/resources/resources' });
    // The desktop build has no sources: worker threads start from the bundled entries, and the core
    // reads the packaged app's resources, both set before the core exists.
    expect(bundledWorkersDir()).toBe('/app/out/main/workers');
    expect(resourcesDir()).toBe('/opt/rsched/resources/resources');
    // This test runs from sources, where no bundle exists: workers (the password worker at setup) start
    // from the sources again, and the notice comes from the repository's resources/.
    useBundledWorkers(null);
    useResourcesDir(null);
    expect(resourcesDir()).toBe(sourceResources);
    expect(fake.recorded.sandboxEnabled).toBe(true);
    expect(fake.recorded.singleInstanceRequested).toBe(true);
    expect(fake.recorded.privilegedSchemes).toEqual([expect.objectContaining({ scheme: 'app' })]);
    fake.app.fireReady();
    const core = await ready;
    expect(core).not.toBeNull();

    let granted: boolean | null = null;
    fake.recorded.permissionRequestHandler?.({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    expect(fake.recorded.permissionCheckHandler?.()).toBe(false);

    const win = fake.BrowserWindow.all.at(-1)!;
    expect(win.loadedUrl).toBe('app://residency-scheduler/index.html');
    const lock = vi.spyOn(core!, 'lock');
    fake.powerMonitor.emit('lock-screen');
    expect(lock).toHaveBeenLastCalledWith('os-lock-screen');
    fake.powerMonitor.emit('suspend');
    expect(lock).toHaveBeenLastCalledWith('os-suspend');
    // The core reports each lock of an open vault; the glue reloads the window so no schedule data stays in it.
    const admin = { username: 'ada.admin', displayName: 'Ada Admin', email: 'ada@example.org', password: 'quietly fossil tangerine orbit' };
    const client = { clientId: 'wc:1', transport: 'electron' as const };
    expect((await core!.dispatcher.dispatch('auth.setup', { programName: 'Glue Test Program', timeZone: 'UTC', admin }, client)).ok).toBe(true);
    expect((await core!.dispatcher.dispatch('auth.login', { username: admin.username, password: admin.password }, client)).ok).toBe(true);
    const reloadsBefore = win.webContents.reloads;
    core!.lock('idle');
    expect(win.webContents.reloads).toBe(reloadsBefore + 1);
    core!.shutdown();
    useBundledWorkers(null);
  });
});
