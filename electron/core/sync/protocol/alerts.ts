import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../../shared/canonical-json';
import type { WireAlert } from '../../../../shared/sync/protocol';

/**
 * SHA-256 (base64) of one security alert's canonical JSON. The server stores it and lists it in the
 * signed alert receipt; the device marks an alert sent only when the digest equals its own, so a
 * receipt proves the server holds that alert exactly as it left.
 */
export function alertDigest(alert: WireAlert): string {
  return createHash('sha256').update(canonicalJson(alert), 'utf8').digest('base64');
}
