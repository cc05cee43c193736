import { z } from 'zod';
import {
  b64Bytes,
  deviceIdSchema,
  ed25519PublicKeyB64,
  ed25519SignatureB64,
  isoInstant,
  sha256B64,
  treeSize,
  x25519PublicKeyB64,
} from './encoding';

/**
 * The sync protocol's messages (issue 8). Pure schemas: both the device and the server parse every
 * message with these before acting on it. Every object is strict, so an unknown field is refused
 * (a field an old server would silently ignore could otherwise change meaning in a newer one).
 *
 * Signing always covers `DOMAIN + '\n' + canonicalJson(body)` (shared/canonical-json.ts), with a
 * distinct domain per message kind so a signature made for one kind can never be replayed as
 * another (an enrollment request can never pass for a batch).
 */
export const SYNC_VERSION = 1 as const;

export const DOMAINS = {
  enrollRequest: 'rsched-sync/v1/enroll-request',
  enrollResponse: 'rsched-sync/v1/enroll-response',
  batch: 'rsched-sync/v1/batch',
  receipt: 'rsched-sync/v1/receipt',
  seal: 'rsched-sync/v1/seal',
  alerts: 'rsched-sync/v1/alerts',
  alertReceipt: 'rsched-sync/v1/alert-receipt',
} as const;

/** Hard limits, enforced by the schemas on both sides and by the server before parsing. */
export const LIMITS = {
  /** Entries per batch: bounds the server's work per request and the size of one file. */
  maxEntriesPerBatch: 5000,
  /** Bytes of one audit entry's canonical JSON. */
  maxEntryBytes: 64 * 1024,
  /** Sealed request body the server will read at all (bytes on the wire). */
  maxBodyBytes: 16 * 1024 * 1024,
  /** A consistency proof has at most ~2*log2(2^53) hashes. */
  maxProofHashes: 128,
  maxOriginLength: 256,
  /** Security alerts in one alerts message (a longer queue goes in several). */
  maxAlertsPerMessage: 200,
} as const;

// ---------------------------------------------------------------------------------------------
// Enrollment

export const enrollRequestBody = z.strictObject({
  format: z.literal('rsched-enroll-request'),
  version: z.literal(SYNC_VERSION),
  deviceId: deviceIdSchema,
  /** The audit log's origin line: the server checks every checkpoint names it. */
  origin: z.string().min(1).max(LIMITS.maxOriginLength),
  signingKey: ed25519PublicKeyB64,
  sealingKey: x25519PublicKeyB64,
  requestedAt: isoInstant,
});
export type EnrollRequestBody = z.infer<typeof enrollRequestBody>;

/** Self-signed with the device key: proves the requester holds the private half. */
export const enrollRequestFile = z.strictObject({ request: enrollRequestBody, signature: ed25519SignatureB64 });
export type EnrollRequestFile = z.infer<typeof enrollRequestFile>;

export const enrollResponseBody = z.strictObject({
  format: z.literal('rsched-enroll-response'),
  version: z.literal(SYNC_VERSION),
  serverId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
  deviceId: deviceIdSchema,
  /** Echo of the approved device key: binds the response to exactly this request. */
  deviceSigningKey: ed25519PublicKeyB64,
  serverSigningKey: ed25519PublicKeyB64,
  serverSealingKey: x25519PublicKeyB64,
  /** SHA-256 of the server certificate's SubjectPublicKeyInfo (DER); null for file-only sync. */
  tlsSpkiSha256: sha256B64('TLS certificate pin').nullable(),
  /** Where the device pushes, e.g. https://sync.hospital.example:8443; null for file-only sync. */
  url: z.string().regex(/^https?:\/\/[A-Za-z0-9.[\]:-]+(:\d{1,5})?\/?$/, 'url must be http(s)://host[:port]').nullable(),
  approvedAt: isoInstant,
});
export type EnrollResponseBody = z.infer<typeof enrollResponseBody>;

export const enrollResponseFile = z.strictObject({ response: enrollResponseBody, signature: ed25519SignatureB64 });
export type EnrollResponseFile = z.infer<typeof enrollResponseFile>;

// ---------------------------------------------------------------------------------------------
// Batches

/**
 * A checkpoint exactly as the device's audit log signed it: the C2SP tlog-checkpoint body
 * (`<origin>\n<size>\n<base64 root>\ntime <ISO>\n`) and the Ed25519 signature over those bytes.
 * The body is parsed by the audit trail's own parser (electron/core/sync/protocol/checkpoint.ts).
 */
export const checkpointSchema = z.strictObject({
  body: z.string().min(8).max(LIMITS.maxOriginLength + 160),
  signature: ed25519SignatureB64,
});
export type WireCheckpoint = z.infer<typeof checkpointSchema>;

/** The last checkpoint the server acknowledged (the base the batch extends). */
export const treeHeadSchema = z.strictObject({ size: treeSize, root: sha256B64('tree root') });
export type TreeHead = z.infer<typeof treeHeadSchema>;

export const batchBody = z.strictObject({
  format: z.literal('rsched-sync-batch'),
  version: z.literal(SYNC_VERSION),
  deviceId: deviceIdSchema,
  base: treeHeadSchema,
  /**
   * Canonical JSON of audit entries seq = base.size .. checkpoint size - 1 (seq is the 0-based
   * leaf index), exactly the bytes the log hashed at write time: the server recomputes every leaf
   * hash from these. Positions are implied, so they cannot disagree with the tree; the server also
   * checks each entry's own `seq` field against its position.
   */
  entries: z.array(z.string().min(2).max(LIMITS.maxEntryBytes)).max(LIMITS.maxEntriesPerBatch),
  checkpoint: checkpointSchema,
  /** RFC 9162 consistency proof from base to checkpoint. */
  consistency: z.array(sha256B64('proof hash')).max(LIMITS.maxProofHashes),
  createdAt: isoInstant,
});
export type BatchBody = z.infer<typeof batchBody>;

/**
 * What the sealed envelope carries: `signature (64 bytes) || payload`, where payload is the UTF-8
 * canonical JSON of the batch body and the Ed25519 signature covers `DOMAIN + '\n' + payload`.
 * As in DSSE, the server verifies the exact bytes before it parses anything, never re-serializes a
 * large batch to check a signature, and parses the payload JSON once.
 */
export const SIGNATURE_BYTES = 64;

// ---------------------------------------------------------------------------------------------
// Sealing: the same envelope travels over HTTPS or as a file.

export const sealedHeader = z.strictObject({
  format: z.literal('rsched-sealed'),
  version: z.literal(SYNC_VERSION),
  /** Clear so the server can refuse unknown or revoked devices before any decryption work. */
  deviceId: deviceIdSchema,
  /** First 16 bytes of SHA-256 of the recipient's X25519 key: catches a batch sealed to another server. */
  recipient: b64Bytes(16, 'recipient key id'),
  ephemeralKey: x25519PublicKeyB64,
  iv: b64Bytes(12, 'iv'),
});
export type SealedHeader = z.infer<typeof sealedHeader>;

export const sealedEnvelope = sealedHeader.extend({
  /**
   * Length-checked only here: scanning megabytes of base64 in JS costs more than decrypting them.
   * The one place that decodes it (electron/core/sync/protocol/seal.ts open) refuses any string
   * that does not re-encode identically, and the GCM tag authenticates every byte.
   */
  ciphertext: z
    .string()
    .min(4)
    .max(Math.ceil(LIMITS.maxBodyBytes / 3) * 4)
    .refine((s) => s.length % 4 === 0, { message: 'ciphertext must be base64' }),
  tag: b64Bytes(16, 'GCM tag'),
});
export type SealedEnvelope = z.infer<typeof sealedEnvelope>;

// ---------------------------------------------------------------------------------------------
// Receipts

export const receiptBody = z.strictObject({
  format: z.literal('rsched-sync-receipt'),
  version: z.literal(SYNC_VERSION),
  serverId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
  deviceId: deviceIdSchema,
  size: treeSize,
  root: sha256B64('receipt root'),
  receivedAt: isoInstant,
});
export type ReceiptBody = z.infer<typeof receiptBody>;

export const signedReceipt = z.strictObject({ receipt: receiptBody, signature: ed25519SignatureB64 });
export type SignedReceipt = z.infer<typeof signedReceipt>;

// ---------------------------------------------------------------------------------------------
// Server answers

/** Why the server refused a batch. `expectedSeq` (the next 0-based seq the server expects = its tree size) accompanies SEQUENCE_GAP. */
export const SYNC_REFUSALS = [
  'BAD_REQUEST',
  'TOO_LARGE',
  'RATE_LIMITED',
  'UNKNOWN_DEVICE',
  'DEVICE_REVOKED',
  'WRONG_RECIPIENT',
  'DECRYPT_FAILED',
  'BAD_SIGNATURE',
  'BAD_CHECKPOINT',
  'ROOT_MISMATCH',
  'BAD_PROOF',
  'SEQUENCE_GAP',
  'FORK_DETECTED',
  'ROLLBACK_DETECTED',
  /** A security alert id the server already holds with different content (nothing of the message is stored). */
  'ALERT_CONFLICT',
  'BUSY',
  'INTERNAL',
] as const;
export type SyncRefusal = (typeof SYNC_REFUSALS)[number];

export const refusalSchema = z.strictObject({
  refusal: z.enum(SYNC_REFUSALS),
  message: z.string().max(2000),
  expectedSeq: treeSize.optional(),
  retryAfterMs: z.number().int().nonnegative().optional(),
  /** On fork/rollback: the server's latest signed receipt, so the device can prove the divergence. */
  latest: signedReceipt.optional(),
});
export type Refusal = z.infer<typeof refusalSchema>;

export const pushAnswer = z.union([z.strictObject({ ok: z.literal(true), receipt: signedReceipt }), z.strictObject({ ok: z.literal(false), error: refusalSchema })]);
export type PushAnswer = z.infer<typeof pushAnswer>;

// ---------------------------------------------------------------------------------------------
// Security alerts (issue 10): the device's detection rules raise them; they travel sealed and
// signed like batches, to POST /v1/alerts, and come back acknowledged by a signed alert receipt.

const alertScalar = z.union([z.string().max(200), z.number(), z.boolean(), z.null()]);

/** One alert as queued in the device's security outbox: ids, counts and codes, never names or record content. */
export const wireAlert = z.strictObject({
  /** The device's alert id: the idempotency key on the server, per device. */
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,80}$/, 'alert id must be 1-80 of [A-Za-z0-9._:-]'),
  rule: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'rule must be a lower-case rule name'),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  raisedAt: isoInstant,
  /** When the triggering event happened (an audit entry's time, or the time a locked vault recorded). */
  occurredAt: z.string().max(40).refine((s) => Number.isFinite(Date.parse(s)), { message: 'occurredAt must be a date-time' }),
  userId: z.string().max(128).nullable(),
  count: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** Seq of the device's alert.raise audit entry (it reaches the server with a later batch). */
  auditSeq: treeSize.nullable(),
  details: z.record(z.string().max(64), alertScalar).refine((d) => Object.keys(d).length <= 32, { message: 'at most 32 details' }),
});
export type WireAlert = z.infer<typeof wireAlert>;

export const alertsBody = z.strictObject({
  format: z.literal('rsched-sync-alerts'),
  version: z.literal(SYNC_VERSION),
  deviceId: deviceIdSchema,
  alerts: z.array(wireAlert).min(1).max(LIMITS.maxAlertsPerMessage),
  createdAt: isoInstant,
});
export type AlertsBody = z.infer<typeof alertsBody>;

/**
 * The server's acknowledgement: every alert of the message by id with the SHA-256 of its canonical
 * JSON, so the device marks sent only what the server holds exactly as sent.
 */
export const alertReceiptBody = z.strictObject({
  format: z.literal('rsched-sync-alert-receipt'),
  version: z.literal(SYNC_VERSION),
  serverId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
  deviceId: deviceIdSchema,
  alerts: z.array(z.strictObject({ id: wireAlert.shape.id, digest: sha256B64('alert digest') })).max(LIMITS.maxAlertsPerMessage),
  receivedAt: isoInstant,
});
export type AlertReceiptBody = z.infer<typeof alertReceiptBody>;

export const signedAlertReceipt = z.strictObject({ receipt: alertReceiptBody, signature: ed25519SignatureB64 });
export type SignedAlertReceipt = z.infer<typeof signedAlertReceipt>;

export const alertsAnswer = z.union([z.strictObject({ ok: z.literal(true), receipt: signedAlertReceipt }), z.strictObject({ ok: z.literal(false), error: refusalSchema })]);
export type AlertsAnswer = z.infer<typeof alertsAnswer>;

/** Refusals after which resending the same bytes later may succeed. */
export function isRetryable(r: SyncRefusal): boolean {
  return r === 'RATE_LIMITED' || r === 'BUSY' || r === 'INTERNAL';
}
