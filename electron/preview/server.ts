import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SECURITY_HEADERS } from '../../shared/csp';
import { AppError } from '../../shared/errors';
import type { Dispatcher } from '../core/dispatcher';
import type { Logger } from '../core/logger';
import { readRendererFile } from '../core/static-files';

/**
 * The browser preview: the built renderer and the contract over HTTP on 127.0.0.1 only, for
 * development and end-to-end tests. Never packaged. Every request needs the random 256-bit token
 * (as a cookie set from the one-time ?token= link); RPC requests also need the app's own Origin and
 * Host, which defeats other local pages and DNS rebinding.
 */
export interface PreviewOptions {
  dispatcher: Dispatcher;
  rendererDir: string;
  logger: Logger;
  port?: number;
  /** Fixed token for tests; random otherwise. */
  token?: string;
  maxBodyBytes?: number;
}

export interface PreviewServer {
  /** The link to open: carries the token once, then the cookie takes over. */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'rsched_token';
const CLIENT_ID = /^[A-Za-z0-9-]{8,64}$/;
const CALL_NAME = /^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/;

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
}

function send(res: ServerResponse, status: number, body: string | Buffer, contentType: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': contentType, ...extra });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function refuse(res: ServerResponse, status: number, code: 'FOREIGN_ORIGIN' | 'UNAUTHENTICATED' | 'BAD_INPUT' | 'UNKNOWN_CALL', message?: string): void {
  const err = new AppError(code, message);
  sendJson(res, status, { ok: false, error: { code, message: err.message, correlationId: 'transport' } });
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startPreview(opts: PreviewOptions): Promise<PreviewServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  let origin = '';
  let host = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.logger.error('preview request failed', { error: err });
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: new AppError('INTERNAL').message, correlationId: 'transport' } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    if (req.headers.host !== host) return refuse(res, 403, 'FOREIGN_ORIGIN', 'Request refused: unexpected Host.');

    const queryToken = url.searchParams.get('token');
    if (req.method === 'GET' && url.pathname === '/' && queryToken !== null) {
      if (!tokensEqual(queryToken, token)) return refuse(res, 401, 'UNAUTHENTICATED', 'Request refused: missing or wrong token.');
      // Trade the one-time link for a cookie and drop the token from the address bar and history.
      res.writeHead(302, { ...SECURITY_HEADERS, Location: '/', 'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` });
      res.end();
      return;
    }
    const presented = cookieToken(req);
    if (presented === null || !tokensEqual(presented, token)) {
      return refuse(res, 401, 'UNAUTHENTICATED', 'Request refused: missing or wrong token.');
    }

    if (url.pathname.startsWith('/rpc/')) {
      if (req.method !== 'POST') return refuse(res, 405 as number, 'BAD_INPUT', 'Use POST for calls.');
      if (req.headers.origin !== origin) return refuse(res, 403, 'FOREIGN_ORIGIN');
      const name = url.pathname.slice('/rpc/'.length);
      if (!CALL_NAME.test(name)) return refuse(res, 404, 'UNKNOWN_CALL');
      const clientId = req.headers['x-rsched-client'];
      if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) {
        return refuse(res, 400, 'BAD_INPUT', 'Request refused: missing client id.');
      }
      const body = await readBody(req, maxBody);
      if (body === null) return refuse(res, 413, 'BAD_INPUT', 'Request refused: body too large.');
      let input: unknown;
      try {
        input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        return refuse(res, 400, 'BAD_INPUT', 'Request refused: body is not JSON.');
      }
      const result = await opts.dispatcher.dispatch(name, input, { clientId: `preview:${clientId}`, transport: 'preview' });
      return sendJson(res, 200, result);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'BAD_INPUT', 'Method not allowed.');
    const file = (await readRendererFile(opts.rendererDir, url.pathname)) ?? (url.pathname.includes('.') ? null : await readRendererFile(opts.rendererDir, '/'));
    if (!file) return send(res, 404, 'Not found', 'text/plain; charset=utf-8');
    send(res, 200, file.body, file.contentType);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  host = `127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
