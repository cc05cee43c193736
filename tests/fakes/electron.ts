/**
 * A fake `electron` module for unit tests of the glue (vitest aliases `electron` to this file).
 * It records what the glue asked for, so tests can assert on window options, handlers and events.
 */
import { EventEmitter } from 'node:events';

type Listener = (...args: unknown[]) => void;

export const recorded = {
  sandboxEnabled: false,
  singleInstanceRequested: false,
  quitCalled: false,
  privilegedSchemes: [] as unknown[],
  protocolHandlers: new Map<string, (req: Request) => Promise<Response> | Response>(),
  ipcHandlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  exposed: new Map<string, unknown>(),
  invoked: [] as Array<{ channel: string; args: unknown[] }>,
  openedExternal: [] as string[],
  permissionRequestHandler: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
  permissionCheckHandler: null as null | (() => boolean),
  devicePermissionHandler: null as null | (() => boolean),
};

class FakeWebContents extends EventEmitter {
  static nextId = 1;
  id = FakeWebContents.nextId++;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  reloads = 0;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  reload(): void {
    this.reloads++;
  }
}

export class BrowserWindow extends EventEmitter {
  static all: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all;
  }
  readonly options: unknown;
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  shown = false;
  constructor(options: unknown) {
    super();
    this.options = options;
    BrowserWindow.all.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {
    this.shown = true;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
}

class FakeApp extends EventEmitter {
  isPackaged = true;
  private readyResolve: (() => void) | null = null;
  private readyPromise = new Promise<void>((r) => (this.readyResolve = r));
  userData = '/tmp/rsched-fake-userdata';
  enableSandbox(): void {
    recorded.sandboxEnabled = true;
  }
  requestSingleInstanceLock(): boolean {
    recorded.singleInstanceRequested = true;
    return true;
  }
  quit(): void {
    recorded.quitCalled = true;
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  /** Test hook: fire 'ready'. */
  fireReady(): void {
    this.readyResolve?.();
  }
  getPath(): string {
    return this.userData;
  }
}
export const app = new FakeApp();

export const ipcMain = {
  handle(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown): void {
    if (recorded.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    recorded.ipcHandlers.set(channel, fn);
  },
};

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    recorded.privilegedSchemes.push(...schemes);
  },
  handle(scheme: string, fn: (req: Request) => Promise<Response> | Response): void {
    recorded.protocolHandlers.set(scheme, fn);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(h: typeof recorded.permissionRequestHandler): void {
      recorded.permissionRequestHandler = h;
    },
    setPermissionCheckHandler(h: typeof recorded.permissionCheckHandler): void {
      recorded.permissionCheckHandler = h;
    },
    setDevicePermissionHandler(h: typeof recorded.devicePermissionHandler): void {
      recorded.devicePermissionHandler = h;
    },
  },
};

export const shell = {
  openExternal(url: string): Promise<void> {
    recorded.openedExternal.push(url);
    return Promise.resolve();
  },
};

export const powerMonitor = new EventEmitter();

export const contextBridge = {
  exposeInMainWorld(key: string, value: unknown): void {
    recorded.exposed.set(key, value);
  },
};

export const ipcRenderer = {
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    recorded.invoked.push({ channel, args });
    return Promise.resolve({ ok: true, value: { channel } });
  },
};

export type { Listener };
export default { app, BrowserWindow, ipcMain, protocol, session, shell, powerMonitor, contextBridge, ipcRenderer };
