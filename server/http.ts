import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AppError } from '../shared/errors';
import { deviceIdSchema } from '../shared/sync/encoding';
import { LIMITS, type AlertsAnswer, type PushAnswer, type Refusal } from '../shared/sync/protocol';
import type { Clock } from '../electron/core/clock';
import type { Logger } from '../electron/core/logger';
import type { Ingestor } from './ingest';
import { RateLimiter } from './rate-limit';

/**
 * The sync endpoint. Two routes do the work, each a sealed envelope as JSON: POST /v1/batches
 * (audit entries) and POST /v1/alerts (security alerts, issue 10).
 * Defences before any crypto: device header required and rate-limited per device; Content-Length
 * and streamed size capped; a cap on requests in flight; header, request and idle timeouts so a
 * slow client cannot hold sockets. TLS is required except on loopback with an explicit flag (tests,
 * a reverse proxy on the same host).
 */
export interface SyncServerOptions {
  ingestor: Ingestor;
  clock: Clock;
  logger: Logger;
  host: string;
  port: number;
  tls?: { key: Buffer; cert: Buffer };
  insecureLoopbackHttp?: boolean;
  maxBodyBytes?: number;
  /** Burst and sustained requests per second allowed per device. */
  rate?: { capacity: number; perSec: number };
  maxInFlight?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  idleTimeoutMs?: number;
}

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export const DEVICE_HEADER = 'x-rsched-device';

function send(res: ServerResponse, status: number, body: PushAnswer | AlertsAnswer | { ok: true; status: string }, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...extraHeaders });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, error: Refusal): void {
  const headers: Record<string, string> = {};
  if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  if (status === 413 || status === 400) headers.connection = 'close';
  send(res, status, { ok: false, error }, headers);
}

/** Reads the body up to `max` bytes; resolves null (after stopping the read) when it is larger. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      total += c.length;
      if (total > max) {
        done = true;
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks, total));
      }
    });
    req.on('error', (e) => {
      if (!done) {
        done = true;
        reject(e);
      }
    });
  });
}

export async function startSyncServer(opts: SyncServerOptions): Promise<RunningServer> {
  if (!opts.tls && !(opts.insecureLoopbackHttp && isLoopbackHost(opts.host))) {
    throw new AppError('BAD_INPUT', 'plain HTTP is allowed only on a loopback address with --insecure-loopback-http; give --tls-key and --tls-cert');
  }
  const maxBody = opts.maxBodyBytes ?? LIMITS.maxBodyBytes;
  const limiter = new RateLimiter(opts.clock, opts.rate?.capacity ?? 60, opts.rate?.perSec ?? 20);
  const maxInFlight = opts.maxInFlight ?? 64;
  let inFlight = 0;
  const log = opts.logger;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res).catch((err: unknown) => {
      log.error('sync request failed', { err });
      if (!res.headersSent) refuse(res, 500, { refusal: 'INTERNAL', message: 'internal error' });
      else res.destroy();
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/v1/health') return send(res, 200, { ok: true, status: 'up' });
    if (path !== '/v1/batches' && path !== '/v1/alerts') return refuse(res, 404, { refusal: 'BAD_REQUEST', message: 'no such endpoint' });
    if (req.method !== 'POST') return refuse(res, 405, { refusal: 'BAD_REQUEST', message: 'use POST' });
    const device = deviceIdSchema.safeParse(req.headers[DEVICE_HEADER]);
    if (!device.success) return refuse(res, 400, { refusal: 'BAD_REQUEST', message: `missing or invalid ${DEVICE_HEADER} header` });
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBody) {
      return refuse(res, 413, { refusal: 'TOO_LARGE', message: `body of ${declared} bytes exceeds the limit of ${maxBody}` });
    }
    const wait = limiter.take(device.data);
    if (wait > 0) return refuse(res, 429, { refusal: 'RATE_LIMITED', message: 'too many requests from this device', retryAfterMs: wait });
    if (inFlight >= maxInFlight) return refuse(res, 503, { refusal: 'BUSY', message: 'server busy', retryAfterMs: 1000 });
    inFlight++;
    try {
      const body = await readBody(req, maxBody);
      if (!body) return refuse(res, 413, { refusal: 'TOO_LARGE', message: `body exceeds the limit of ${maxBody} bytes` });
      let value: unknown;
      try {
        value = JSON.parse(body.toString('utf8'));
      } catch {
        return refuse(res, 400, { refusal: 'BAD_REQUEST', message: 'body is not JSON' });
      }
      const envDevice = (value as { deviceId?: unknown } | null)?.deviceId;
      if (envDevice !== device.data) return refuse(res, 400, { refusal: 'BAD_REQUEST', message: `${DEVICE_HEADER} header does not match the envelope deviceId` });
      if (path === '/v1/alerts') {
        const result = await opts.ingestor.ingestAlerts(value);
        if (result.ok) send(res, 200, { ok: true, receipt: result.receipt });
        else refuse(res, result.status, result.error);
        return;
      }
      const result = await opts.ingestor.ingest(value);
      if (result.ok) send(res, 200, { ok: true, receipt: result.receipt });
      else refuse(res, result.status, result.error);
    } finally {
      inFlight--;
    }
  };

  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2' }, handler) : createHttpServer(handler);
  server.headersTimeout = opts.headersTimeoutMs ?? 10_000;
  server.requestTimeout = opts.requestTimeoutMs ?? 60_000;
  server.keepAliveTimeout = 5_000;
  server.setTimeout(opts.idleTimeoutMs ?? 30_000, (socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const scheme = opts.tls ? 'https' : 'http';
  log.info('sync server listening', { host: opts.host, port, scheme });
  return {
    port,
    url: `${scheme}://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
