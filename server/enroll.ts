import { AppError } from '../shared/errors';
import { parseMessage } from '../shared/sync/parse';
import { DOMAINS, SYNC_VERSION, enrollRequestFile, type EnrollResponseFile } from '../shared/sync/protocol';
import type { Clock } from '../electron/core/clock';
import { fingerprint, publicKeyFromRaw, signBody, verifyBody } from '../electron/core/sync/protocol/keys';
import type { ServerIdentity } from './identity';
import type { ServerStore } from './storage/types';

/**
 * Approving a device. The request is self-signed (proof that the device holds its signing key);
 * the admin compares the device fingerprint printed here with the one the device shows, by phone,
 * before handing back the response (whose server fingerprint the device owner compares in turn).
 */
export interface EnrollOutcome {
  response: EnrollResponseFile;
  deviceFingerprint: string;
  serverFingerprint: string;
}

export async function approveEnrollment(
  value: unknown,
  deps: { store: ServerStore; identity: ServerIdentity; clock: Clock },
  opts: { url: string | null; tlsSpkiSha256: string | null },
): Promise<EnrollOutcome> {
  const file = parseMessage(enrollRequestFile, value, 'enrollment request');
  const req = file.request;
  if (!verifyBody(DOMAINS.enrollRequest, req, file.signature, publicKeyFromRaw('ed25519', req.signingKey))) {
    throw new AppError('BAD_INPUT', 'invalid enrollment request: signature does not verify with the request signingKey');
  }
  const existing = await deps.store.getDevice(req.deviceId);
  if (existing) {
    const same = existing.signingKey === req.signingKey && existing.sealingKey === req.sealingKey && existing.origin === req.origin;
    if (!same) throw new AppError('CONFLICT', `device ${req.deviceId} is already enrolled with different keys`);
    if (existing.revokedAt) throw new AppError('CONFLICT', `device ${req.deviceId} was revoked; a revoked device cannot be re-enrolled`);
  } else {
    const r = await deps.store.insertDevice({
      deviceId: req.deviceId,
      origin: req.origin,
      signingKey: req.signingKey,
      sealingKey: req.sealingKey,
      enrolledAt: deps.clock.now().toISOString(),
      revokedAt: null,
    });
    if (r === 'exists') throw new AppError('CONFLICT', `device ${req.deviceId} was enrolled concurrently`);
  }
  const response = {
    format: 'rsched-enroll-response' as const,
    version: SYNC_VERSION,
    serverId: deps.identity.serverId,
    deviceId: req.deviceId,
    deviceSigningKey: req.signingKey,
    serverSigningKey: deps.identity.signingPublic,
    serverSealingKey: deps.identity.sealingPublic,
    tlsSpkiSha256: opts.tlsSpkiSha256,
    url: opts.url,
    approvedAt: deps.clock.now().toISOString(),
  };
  return {
    response: { response, signature: signBody(DOMAINS.enrollResponse, response, deps.identity.signingKey) },
    deviceFingerprint: fingerprint({ signingKey: req.signingKey, sealingKey: req.sealingKey }),
    serverFingerprint: deps.identity.fingerprint(opts.tlsSpkiSha256),
  };
}
