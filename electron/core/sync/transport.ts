import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { createHash, X509Certificate } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { z } from 'zod';
import { alertsAnswer, pushAnswer, type AlertsAnswer, type PushAnswer, type SealedEnvelope } from '../../../shared/sync/protocol';

/**
 * Pushing a sealed batch over HTTPS with the server certificate pinned.
 *
 * We open the TLS connection ourselves and check the pin (SHA-256 of the certificate's SPKI, from
 * the enrollment response) in 'secureConnect' BEFORE handing the socket to the HTTP client, so not
 * one byte of the request is written to a server that fails the pin. The CA chain and host name are
 * deliberately not what we trust: a hospital server usually has a self-signed certificate, and the
 * pin, exchanged out of band at enrollment, is stronger than any CA.
 */
export interface SyncTransport {
  push(envelope: SealedEnvelope): Promise<PushAnswer>;
  /** A sealed security-alerts message (POST /v1/alerts). */
  pushAlerts(envelope: SealedEnvelope): Promise<AlertsAnswer>;
}

/** Connection-level failure: the batch may or may not have arrived; resend the same bytes. */
export class TransportError extends Error {
  override name = 'TransportError';
}

export class PinMismatchError extends AppError {
  constructor(got: string) {
    super('FORBIDDEN', `server certificate does not match the enrolled pin (got SHA-256 SPKI ${got})`);
  }
}

export interface HttpsTransportOptions {
  url: string;
  /** base64 SHA-256 of the server certificate's SPKI; required for https. */
  tlsSpkiSha256: string | null;
  timeoutMs?: number;
  /** Plain http is accepted only for loopback URLs and only when this is set (tests). */
  allowInsecureLoopbackHttp?: boolean;
}

function spkiPin(socket: TLSSocket): string | null {
  const peer = socket.getPeerCertificate(true);
  if (!peer || !peer.raw) return null;
  const spki = new X509Certificate(peer.raw).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

function readAnswer<S extends z.ZodType>(res: IncomingMessage, maxBytes: number, schema: S): Promise<z.output<S>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    res.on('data', (c: Buffer) => {
      total += c.length;
      if (total > maxBytes) {
        res.destroy();
        reject(new TransportError('server answer too large'));
        return;
      }
      chunks.push(c);
    });
    res.on('end', () => {
      let value: unknown;
      try {
        value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        reject(new TransportError(`server answered HTTP ${res.statusCode ?? '?'} without a sync answer`));
        return;
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) reject(new TransportError(`server answered HTTP ${res.statusCode ?? '?'} with a malformed sync answer`));
      else resolve(parsed.data);
    });
    res.on('error', (e) => reject(new TransportError(`connection lost while reading the answer: ${e.message}`)));
    res.on('aborted', () => reject(new TransportError('connection lost while reading the answer')));
  });
}

export function httpsTransport(opts: HttpsTransportOptions): SyncTransport {
  const url = new URL(opts.url);
  const isHttps = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost';
  if (!isHttps && !(opts.allowInsecureLoopbackHttp && loopback)) throw new AppError('BAD_INPUT', 'sync server URL must be https (plain http only to loopback in tests)');
  if (isHttps && !opts.tlsSpkiSha256) throw new AppError('BAD_INPUT', 'no certificate pin for the sync server: enroll again');
  const port = Number(url.port || (isHttps ? 443 : 80));
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const pin = opts.tlsSpkiSha256;

  const connectPinned = (): Promise<TLSSocket> =>
    new Promise((resolve, reject) => {
      const socket = tlsConnect({ host, port, servername: loopback ? undefined : host, rejectUnauthorized: false, minVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'] });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError(`TLS connection to ${url.host} timed out`));
      }, timeoutMs);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        const got = spkiPin(socket);
        if (got !== pin) {
          socket.destroy();
          reject(new PinMismatchError(got ?? 'none'));
          return;
        }
        resolve(socket);
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new TransportError(`cannot reach the sync server at ${url.host}: ${e.message}`));
      });
    });

  const post = async <S extends z.ZodType>(path: string, envelope: SealedEnvelope, schema: S): Promise<z.output<S>> => {
    const body = Buffer.from(JSON.stringify(envelope), 'utf8');
    const socket = isHttps ? await connectPinned() : null;
    return new Promise<z.output<S>>((resolve, reject) => {
      const headers = { 'content-type': 'application/json', 'content-length': String(body.length), 'x-rsched-device': envelope.deviceId, connection: 'close' };
      const common = { host, port, method: 'POST', path, headers, timeout: timeoutMs };
      // With the pinned socket we hand HTTP/1.1 an already-verified TLS stream: no agent (an
      // agent would open its own connection, bypassing the pin check).
      const req = socket ? httpRequest({ ...common, createConnection: () => socket }) : httpRequest({ ...common, agent: false });
      req.on('response', (res) => {
        readAnswer(res, 1024 * 1024, schema).then(resolve, reject);
      });
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.on('error', (e) => reject(e instanceof AppError ? e : new TransportError(`sync upload to ${url.host} failed: ${e.message}`)));
      req.end(body);
    });
  };

  return {
    push: (envelope): Promise<PushAnswer> => post('/v1/batches', envelope, pushAnswer),
    pushAlerts: (envelope): Promise<AlertsAnswer> => post('/v1/alerts', envelope, alertsAnswer),
  };
}
