import type { BrowserWindowConstructorOptions, Event as ElectronEvent, Session, WebContents } from 'electron';

/** The app's own origin. Everything the window loads comes from here. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'residency-scheduler';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Hosts that shell.openExternal may open (help pages only); everything else is refused. */
export const EXTERNAL_HOST_ALLOW_LIST: readonly string[] = ['www.acgme.org', 'www.hhs.gov'];

export function mainWindowOptions(preloadPath: string, isProduction: boolean): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 1280,
    minHeight: 800,
    show: false,
    title: 'Residency Scheduler',
    backgroundColor: '#f7f8fa',
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      devTools: !isProduction,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}

/** True when a URL belongs to the app itself (or the dev server in development only). */
export function isAppUrl(url: string, devServerOrigin: string | null): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
  return devServerOrigin !== null && parsed.origin === devServerOrigin;
}

/** Only https links to allow-listed hosts leave the app, and only through the OS browser. */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && !parsed.username && !parsed.password && EXTERNAL_HOST_ALLOW_LIST.includes(parsed.hostname);
  } catch {
    return false;
  }
}

/**
 * Navigation and new windows are denied; allow-listed https links open in the OS browser.
 * Applied to every WebContents the app creates.
 */
export function hardenWebContents(
  contents: WebContents,
  opts: { devServerOrigin: string | null; openExternal: (url: string) => void },
): void {
  contents.on('will-navigate', (event: ElectronEvent, url: string) => {
    if (!isAppUrl(url, opts.devServerOrigin)) event.preventDefault();
  });
  contents.on('will-redirect', (event: ElectronEvent, url: string) => {
    if (!isAppUrl(url, opts.devServerOrigin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event: ElectronEvent) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) opts.openExternal(url);
    return { action: 'deny' };
  });
}

/** Camera, microphone, notifications, geolocation...: the app needs none, so all are denied. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
