import { buildApi, type Api } from '../../../shared/contract/api';
import { CALL_NAMES } from '../../../shared/contract/index';
import type { WireResult } from '../../../shared/errors';

/**
 * The browser preview's stand-in for the Electron preload: the same `Api` shape, over HTTP to the
 * loopback bridge. The token travels as an HttpOnly cookie the page never sees; the client id only
 * separates pages (each page load is a new client, so a reload signs out, like the desktop lock).
 */
export function createHttpApi(): Api {
  const clientId = crypto.randomUUID();
  return buildApi(CALL_NAMES, (name) => async (input: unknown): Promise<WireResult<unknown>> => {
    try {
      const res = await fetch(`/rpc/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Rsched-Client': clientId },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
      return (await res.json()) as WireResult<unknown>;
    } catch {
      return { ok: false, error: { code: 'INTERNAL', message: 'The application core could not be reached.', correlationId: 'client' } };
    }
  });
}
