import { createHash, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../../../shared/canonical-json';
import type { WireCheckpoint } from '../../../../shared/sync/protocol';
import { signBody, verifyBody } from './keys';

/**
 * Adapter over the audit trail's signed checkpoints {origin, size, root, time}: the one place sync
 * knows which bytes a checkpoint signature covers. The device passes the audit module's own signed
 * checkpoint through unchanged; the server verifies it with the enrolled device key.
 */
const CHECKPOINT_DOMAIN = 'rsched-audit/v1/checkpoint';

export function checkpointBody(cp: WireCheckpoint): { origin: string; size: number; root: string; time: string } {
  return { origin: cp.origin, size: cp.size, root: cp.root, time: cp.time };
}

export function verifyCheckpoint(cp: WireCheckpoint, devicePublicKey: KeyObject): boolean {
  return verifyBody(CHECKPOINT_DOMAIN, checkpointBody(cp), cp.signature, devicePublicKey);
}

/** Used only where sync itself must sign (tests and the bench's simulated devices). */
export function signCheckpoint(body: { origin: string; size: number; root: string; time: string }, privateKey: KeyObject): WireCheckpoint {
  return { ...body, signature: signBody(CHECKPOINT_DOMAIN, body, privateKey) };
}

/** Idempotency key of a checkpoint: the same signed checkpoint always gets the same receipt. */
export function checkpointDigest(cp: WireCheckpoint): string {
  return createHash('sha256').update(canonicalJson(cp)).digest('base64');
}
