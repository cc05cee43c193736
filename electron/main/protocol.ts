import type { Protocol } from 'electron';
import { SECURITY_HEADERS } from '../../shared/csp';
import { readRendererFile } from '../core/static-files';
import { APP_HOST, APP_SCHEME } from './security';

/** Must run before app 'ready': app:// behaves like a secure, standard origin. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: false, corsEnabled: false } },
  ]);
}

/** Serves the built renderer from app://residency-scheduler/ with the strict CSP on every response. */
export function serveRenderer(protocol: Protocol, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
    const file = await readRendererFile(rendererDir, url.pathname);
    if (!file) return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
    return new Response(new Uint8Array(file.body), { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': file.contentType } });
  });
}
