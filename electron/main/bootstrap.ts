import type * as ElectronModule from 'electron';
import { join } from 'node:path';
import { createCore, type Core } from '../core/app';
import { useResourcesDir } from '../core/resources';
import { useBundledWorkers } from '../core/workers/spawn';
import { bindContract } from './ipc';
import { lockOnPowerEvents } from './power';
import { registerAppScheme, serveRenderer } from './protocol';
import { APP_ORIGIN, denyAllPermissions, hardenWebContents, isAllowedExternalUrl, mainWindowOptions } from './security';

type Electron = typeof ElectronModule;

export interface DesktopPaths {
  preload: string;
  rendererDir: string;
  /** The bundled worker threads, `<workersDir>/<id>.js` (the desktop build has no sources to run). */
  workersDir: string;
  /**
   * The shipped resources (notice, incident templates) of the packaged app, which keeps them under
   * process.resourcesPath; `null` in a development build, where the core finds them beside the app.
   */
  resourcesDir: string | null;
}

/**
 * Starts the desktop app: the Electron lifecycle around the core, and nothing else. Everything the
 * user can do is in the core, reached through the contract over IPC.
 */
export function startDesktopApp(electron: Electron, paths: DesktopPaths): { ready: Promise<Core | null> } {
  const { app, BrowserWindow, ipcMain, powerMonitor, protocol, session, shell } = electron;
  const isProduction = app.isPackaged;
  const devServerOrigin = !isProduction && process.env.ELECTRON_RENDERER_URL ? new URL(process.env.ELECTRON_RENDERER_URL).origin : null;

  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { ready: Promise.resolve(null) };
  }
  registerAppScheme(protocol);
  useBundledWorkers(paths.workersDir);
  useResourcesDir(paths.resourcesDir);

  const openExternal = (url: string): void => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
  };
  let mainWindow: ElectronModule.BrowserWindow | null = null;

  const createWindow = (): ElectronModule.BrowserWindow => {
    const win = new BrowserWindow(mainWindowOptions(paths.preload, isProduction));
    hardenWebContents(win.webContents, { devServerOrigin, openExternal });
    win.once('ready-to-show', () => win.show());
    void win.loadURL(devServerOrigin ?? `${APP_ORIGIN}/index.html`);
    return win;
  };

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { devServerOrigin, openExternal }));
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  const ready = app.whenReady().then(() => {
    denyAllPermissions(session.defaultSession);
    serveRenderer(protocol, paths.rendererDir);
    const core = createCore({
      dataDir: join(app.getPath('userData'), 'vault'),
      transport: 'electron',
      // Every lock (idle, OS lock screen, suspend, sign-out) reloads the renderer, which drops every
      // byte of schedule data it held; unlocking is a full sign-in.
      onLocked: () => {
        for (const win of BrowserWindow.getAllWindows()) win.webContents.reload();
      },
    });
    bindContract(ipcMain, core.dispatcher, devServerOrigin);
    lockOnPowerEvents(powerMonitor, (reason) => {
      core.services.logger.info('locking on power event', { trigger: reason });
      core.lock(reason);
    });
    mainWindow = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
    app.on('window-all-closed', () => app.quit());
    app.on('before-quit', () => core.shutdown());
    return core;
  });
  return { ready };
}
