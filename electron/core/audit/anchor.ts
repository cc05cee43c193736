import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../vault/atomic-file';
import { parseCheckpointBody, type SignedCheckpoint } from './checkpoint';

/**
 * The local anchor: the last signed checkpoint, kept in a small file beside the vault
 * (audit-anchor.json), outside the database. If the database is truncated, or an older copy is
 * restored, its log is shorter than (or inconsistent with) the anchor, and verification says so.
 * It is written after the checkpoint's transaction commits, so it can lag the database (harmless:
 * an older checkpoint is still checked) but never lead it, except through tampering or rollback.
 */
export const ANCHOR_FILE = 'audit-anchor.json';

const AnchorFile = z
  .object({
    kind: z.literal('residency-scheduler/audit-anchor'),
    version: z.literal(1),
    deviceId: z.string().min(1),
    publicKeyPem: z.string().min(1),
    body: z.string().min(1),
    signature: z.string().min(1),
  })
  .strict();

export function writeAnchor(path: string, c: SignedCheckpoint): void {
  const file: z.infer<typeof AnchorFile> = {
    kind: 'residency-scheduler/audit-anchor',
    version: 1,
    deviceId: c.deviceId,
    publicKeyPem: c.publicKeyPem,
    body: c.body,
    signature: c.signature.toString('base64'),
  };
  writeFileAtomic(path, Buffer.from(JSON.stringify(file, null, 2) + '\n', 'utf8'));
}

/** null when there is no anchor file; throws when it exists but cannot be read as an anchor. */
export function readAnchor(path: string): SignedCheckpoint | null {
  if (!existsSync(path)) return null;
  const file = AnchorFile.parse(JSON.parse(readFileSync(path, 'utf8')));
  const parsed = parseCheckpointBody(file.body);
  return { ...parsed, body: file.body, signature: Buffer.from(file.signature, 'base64'), deviceId: file.deviceId, publicKeyPem: file.publicKeyPem };
}
