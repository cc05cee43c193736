import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../../../shared/canonical-json';
import type { WireCheckpoint } from '../../../../shared/sync/protocol';
import { formatCheckpointBody, originFor, parseCheckpointBody } from '../../audit/checkpoint';

/**
 * Adapter over the audit trail's signed checkpoints (electron/core/audit/checkpoint.ts): the one
 * place sync knows their format (C2SP tlog-checkpoint body, Ed25519 over the body bytes). The
 * device forwards the audit log's own signed checkpoint unchanged; the server verifies it with the
 * enrolled device key and parses it with the audit trail's parser.
 */
export interface CheckpointFields {
  origin: string;
  size: number;
  root: Uint8Array;
  time: string;
}

export { originFor };

/** Parsed fields, or null when the body is not a checkpoint. */
export function parseCheckpoint(cp: WireCheckpoint): CheckpointFields | null {
  try {
    const c = parseCheckpointBody(cp.body);
    return { origin: c.origin, size: c.size, root: new Uint8Array(c.root), time: c.time };
  } catch {
    return null;
  }
}

export function verifyCheckpoint(cp: WireCheckpoint, devicePublicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(cp.body, 'utf8'), devicePublicKey, Buffer.from(cp.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Signs a checkpoint in the audit trail's format (for sizes the log itself never signed). */
export function signCheckpoint(fields: CheckpointFields, privateKey: KeyObject): WireCheckpoint {
  const body = formatCheckpointBody({ origin: fields.origin, size: fields.size, root: Buffer.from(fields.root), time: fields.time });
  return { body, signature: sign(null, Buffer.from(body, 'utf8'), privateKey).toString('base64') };
}

/** Idempotency key of a checkpoint: the same signed checkpoint always gets the same receipt. */
export function checkpointDigest(cp: WireCheckpoint): string {
  return createHash('sha256').update(canonicalJson(cp)).digest('base64');
}
