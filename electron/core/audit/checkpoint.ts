import { AppError } from '../../../shared/errors';
import { verifyEd25519 } from './signer';

/**
 * Checkpoints in the C2SP tlog-checkpoint body format:
 *
 *   <origin>\n<size>\n<base64 root>\ntime <ISO-8601 UTC>\n
 *
 * The signature is Ed25519 over exactly these bytes. Text rather than JSON so the signed bytes are
 * unambiguous without a canonicalizer, and so standard tlog tooling can read the first three lines.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  time: string;
}

export interface SignedCheckpoint extends Checkpoint {
  body: string;
  signature: Buffer;
  deviceId: string;
  publicKeyPem: string;
}

export function originFor(deviceId: string): string {
  return `residency-scheduler/audit/${deviceId}`;
}

export function formatCheckpointBody(c: Checkpoint): string {
  if (/[\n\r]/.test(c.origin) || c.origin.length === 0) throw new Error('checkpoint origin must be one line');
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\ntime ${c.time}\n`;
}

const BODY = /^([^\n]+)\n(0|[1-9][0-9]{0,15})\n([A-Za-z0-9+/]{43}=)\ntime ([0-9T:.Z-]{20,30})\n$/;

export function parseCheckpointBody(body: string): Checkpoint {
  const m = BODY.exec(body);
  if (!m) throw new AppError('AUDIT_TAMPERED', 'A checkpoint is not in the expected format.');
  const size = Number(m[2]);
  if (!Number.isSafeInteger(size)) throw new AppError('AUDIT_TAMPERED', 'A checkpoint size is out of range.');
  return { origin: m[1] as string, size, root: Buffer.from(m[3] as string, 'base64'), time: m[4] as string };
}

/** Signature check plus "the parsed body says what the stored columns say". */
export function checkSignedCheckpoint(c: SignedCheckpoint): { ok: true } | { ok: false; why: 'signature' | 'body' } {
  if (!verifyEd25519(c.publicKeyPem, Buffer.from(c.body, 'utf8'), c.signature)) return { ok: false, why: 'signature' };
  let parsed: Checkpoint;
  try {
    parsed = parseCheckpointBody(c.body);
  } catch {
    return { ok: false, why: 'body' };
  }
  if (parsed.origin !== c.origin || parsed.size !== c.size || !parsed.root.equals(c.root) || parsed.time !== c.time) {
    return { ok: false, why: 'body' };
  }
  return { ok: true };
}
