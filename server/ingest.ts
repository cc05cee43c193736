import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json';
import { fromBase64, toBase64 } from '../shared/merkle/index';
import {
  DOMAINS,
  SYNC_VERSION,
  alertsBody,
  sealedEnvelope,
  SIGNATURE_BYTES,
  batchBody,
  type AlertsBody,
  type BatchBody,
  type Refusal,
  type SignedAlertReceipt,
  type SignedReceipt,
  type SyncRefusal,
} from '../shared/sync/protocol';
import type { Clock } from '../electron/core/clock';
import type { Logger } from '../electron/core/logger';
import { checkpointDigest, parseCheckpoint, verifyCheckpoint, type CheckpointFields } from '../electron/core/sync/protocol/checkpoint';
import { alertDigest } from '../electron/core/sync/protocol/alerts';
import { checkEntry } from '../electron/core/sync/protocol/entry';
import { publicKeyFromRaw, recipientId, signBody, verifyPayload } from '../electron/core/sync/protocol/keys';
import { bytesEqual, compactRange, emptyRoot, isConsistent, leafHashOf, rootOfLeaves } from '../electron/core/sync/protocol/merkle';
import { open } from '../electron/core/sync/protocol/seal';
import type { ServerIdentity } from './identity';
import type { AlertKind, DeviceAlert, DeviceRecord, NewEntry, ServerStore } from './storage/types';

/**
 * Verifying and storing one sealed batch. The same function serves HTTPS and file import, so both
 * transports run exactly the same checks, in this order (cheap and unauthenticated first):
 *   envelope shape -> device enrolled, not revoked -> sealed to us -> decrypts -> batch shape ->
 *   device signature -> checkpoint signature and origin -> (per device, serialized)
 *   already receipted? -> rollback / gap / fork checks against what we hold -> every leaf hash
 *   recomputed -> new root equals the signed checkpoint -> consistency proof -> store + receipt.
 * Nothing is stored unless every check passed; storing is one compare-and-set on the head size.
 */
export type IngestResult =
  | { ok: true; receipt: SignedReceipt; deviceId: string; storedEntries: number }
  | { ok: false; status: number; error: Refusal; deviceId: string | null };

export type AlertsIngestResult =
  | { ok: true; receipt: SignedAlertReceipt; deviceId: string; storedAlerts: number; duplicates: number }
  | { ok: false; status: number; error: Refusal; deviceId: string | null };

const STATUS: Record<SyncRefusal, number> = {
  BAD_REQUEST: 400,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNKNOWN_DEVICE: 403,
  DEVICE_REVOKED: 403,
  WRONG_RECIPIENT: 400,
  DECRYPT_FAILED: 400,
  BAD_SIGNATURE: 400,
  BAD_CHECKPOINT: 422,
  ROOT_MISMATCH: 422,
  BAD_PROOF: 422,
  SEQUENCE_GAP: 409,
  FORK_DETECTED: 409,
  ROLLBACK_DETECTED: 409,
  ALERT_CONFLICT: 409,
  BUSY: 503,
  INTERNAL: 500,
};

export function statusOf(r: SyncRefusal): number {
  return STATUS[r];
}

class Refused extends Error {
  constructor(
    readonly refusal: SyncRefusal,
    message: string,
    readonly extra: Partial<Refusal> = {},
  ) {
    super(message);
  }
}

function issuesText(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

export interface IngestDeps {
  store: ServerStore;
  identity: ServerIdentity;
  clock: Clock;
  logger: Logger;
}

export class Ingestor {
  /** Per-device chain of pending ingests: batches of one device are verified one at a time. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly keyCache = new Map<string, KeyObject>();

  constructor(private readonly deps: IngestDeps) {}

  /** Ingests one sealed envelope (already JSON-parsed). Never throws for a bad batch: it refuses. */
  async ingest(envelopeValue: unknown): Promise<IngestResult> {
    let deviceId: string | null = null;
    try {
      const opened = await this.openSigned(envelopeValue, DOMAINS.batch, 'batch', (id) => (deviceId = id));
      const { device, payloadJson } = opened;
      const parsedBatch = batchBody.safeParse(payloadJson);
      if (!parsedBatch.success) throw new Refused('BAD_REQUEST', `invalid batch: ${issuesText(parsedBatch.error.issues)}`);
      const batch = parsedBatch.data;
      if (batch.deviceId !== device.deviceId) throw new Refused('BAD_REQUEST', 'batch.deviceId does not match the envelope deviceId');
      const key = this.deviceKey(device);
      if (!verifyCheckpoint(batch.checkpoint, key)) throw new Refused('BAD_CHECKPOINT', 'checkpoint signature does not verify with the enrolled device key');
      const cp = parseCheckpoint(batch.checkpoint);
      if (!cp) throw new Refused('BAD_CHECKPOINT', 'checkpoint.body is not a checkpoint (origin, size, root, time lines)');
      if (cp.origin !== device.origin) throw new Refused('BAD_CHECKPOINT', 'checkpoint origin is not the origin enrolled for this device');
      if (cp.size !== batch.base.size + batch.entries.length) {
        throw new Refused('BAD_REQUEST', `invalid batch: checkpoint size ${cp.size} != base.size ${batch.base.size} + ${batch.entries.length} entries`);
      }
      return await this.serialized(device.deviceId, () => this.apply(device, batch, cp));
    } catch (err) {
      return this.refusal(err, deviceId, 'sync batch');
    }
  }

  /**
   * Ingests one sealed alerts message (POST /v1/alerts, issue 10): the same envelope, device and
   * signature checks as a batch (its own signing domain, so neither can pass for the other), then
   * every alert stored once per (device, alert id). A resend stores nothing new and gets a receipt
   * for the same alerts; an id held with other content refuses the whole message (ALERT_CONFLICT).
   */
  async ingestAlerts(envelopeValue: unknown): Promise<AlertsIngestResult> {
    let deviceId: string | null = null;
    try {
      const { device, payloadJson } = await this.openSigned(envelopeValue, DOMAINS.alerts, 'alerts message', (id) => (deviceId = id));
      const parsed = alertsBody.safeParse(payloadJson);
      if (!parsed.success) throw new Refused('BAD_REQUEST', `invalid alerts message: ${issuesText(parsed.error.issues)}`);
      const body: AlertsBody = parsed.data;
      if (body.deviceId !== device.deviceId) throw new Refused('BAD_REQUEST', 'alerts.deviceId does not match the envelope deviceId');
      const seen = new Set<string>();
      for (const a of body.alerts) {
        if (seen.has(a.id)) throw new Refused('BAD_REQUEST', `invalid alerts message: alert ${a.id} appears twice`);
        seen.add(a.id);
      }
      const receivedAt = this.deps.clock.now().toISOString();
      const rows: DeviceAlert[] = body.alerts.map((a) => ({
        deviceId: device.deviceId,
        alertId: a.id,
        rule: a.rule,
        severity: a.severity,
        raisedAt: a.raisedAt,
        occurredAt: a.occurredAt,
        userId: a.userId,
        count: a.count,
        auditSeq: a.auditSeq,
        details: canonicalJson(a.details),
        digest: alertDigest(a),
        receivedAt,
      }));
      const stored = await this.serialized(device.deviceId, () => this.deps.store.addDeviceAlerts(rows));
      if ('conflict' in stored) {
        throw new Refused('ALERT_CONFLICT', `alert ${stored.conflict} was received before with different content; nothing of this message was stored`);
      }
      const receipt = {
        format: 'rsched-sync-alert-receipt' as const,
        version: SYNC_VERSION,
        serverId: this.deps.identity.serverId,
        deviceId: device.deviceId,
        alerts: rows.map((r) => ({ id: r.alertId, digest: r.digest })),
        receivedAt,
      };
      if (stored.stored > 0) this.deps.logger.warn('device security alerts received', { deviceId: device.deviceId, stored: stored.stored, duplicates: stored.duplicates });
      return {
        ok: true,
        receipt: { receipt, signature: signBody(DOMAINS.alertReceipt, receipt, this.deps.identity.signingKey) },
        deviceId: device.deviceId,
        storedAlerts: stored.stored,
        duplicates: stored.duplicates,
      };
    } catch (err) {
      return this.refusal(err, deviceId, 'sync alerts');
    }
  }

  private refusal(err: unknown, deviceId: string | null, what: string): { ok: false; status: number; error: Refusal; deviceId: string | null } {
    if (err instanceof Refused) {
      const error: Refusal = { refusal: err.refusal, message: err.message, ...err.extra };
      this.deps.logger.warn(`${what} refused`, { deviceId, refusal: err.refusal, expectedSeq: err.extra.expectedSeq });
      return { ok: false, status: STATUS[err.refusal], error, deviceId };
    }
    this.deps.logger.error(`${what} ingest failed`, { deviceId, err });
    return { ok: false, status: 500, error: { refusal: 'INTERNAL', message: 'internal error' }, deviceId };
  }

  /**
   * Envelope shape -> device enrolled, not revoked -> sealed to us -> decrypts -> device signature
   * over the exact payload bytes under `domain` -> JSON. Cheap and unauthenticated checks first.
   */
  private async openSigned(envelopeValue: unknown, domain: string, what: string, sawDevice: (id: string) => void): Promise<{ device: DeviceRecord; payloadJson: unknown }> {
    const env = sealedEnvelope.safeParse(envelopeValue);
    if (!env.success) throw new Refused('BAD_REQUEST', `invalid sealed envelope: ${issuesText(env.error.issues)}`);
    const deviceId = env.data.deviceId;
    sawDevice(deviceId);
    const device = await this.deps.store.getDevice(deviceId);
    if (!device) throw new Refused('UNKNOWN_DEVICE', 'device is not enrolled on this server');
    if (device.revokedAt) throw new Refused('DEVICE_REVOKED', `device was revoked at ${device.revokedAt}`);
    if (env.data.recipient !== recipientId(this.deps.identity.sealingPublic)) {
      throw new Refused('WRONG_RECIPIENT', `${what} was sealed to a different server key`);
    }
    const plain = open(env.data, this.deps.identity.sealingKey, this.deps.identity.sealingPublic);
    if (!plain) throw new Refused('DECRYPT_FAILED', `sealed ${what} failed authentication (damaged or altered in transit)`);
    if (plain.length <= SIGNATURE_BYTES) throw new Refused('BAD_REQUEST', `sealed ${what} is too short to hold a signature and a payload`);
    const payload = plain.subarray(SIGNATURE_BYTES);
    // Verify the exact bytes first, parse after: nothing unauthenticated is interpreted.
    if (!verifyPayload(domain, payload, plain.subarray(0, SIGNATURE_BYTES), this.deviceKey(device))) {
      throw new Refused('BAD_SIGNATURE', `${what} signature does not verify with the enrolled device key`);
    }
    try {
      return { device, payloadJson: JSON.parse(payload.toString('utf8')) as unknown };
    } catch {
      throw new Refused('BAD_REQUEST', `signed ${what} payload is not JSON`);
    }
  }

  private deviceKey(device: DeviceRecord): KeyObject {
    let k = this.keyCache.get(device.signingKey);
    if (!k) {
      k = publicKeyFromRaw('ed25519', device.signingKey);
      this.keyCache.set(device.signingKey, k);
    }
    return k;
  }

  private serialized<T>(deviceId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(deviceId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.chains.set(deviceId, tail);
    void tail.then(() => {
      if (this.chains.get(deviceId) === tail) this.chains.delete(deviceId);
    });
    return next;
  }

  /** Root of the device's accepted tree at `size` (size <= head). Receipts first; leaves if needed. */
  private async rootAt(deviceId: string, size: number, head: { size: number; root: Uint8Array }): Promise<Uint8Array> {
    if (size === 0) return emptyRoot();
    if (size === head.size) return head.root;
    const r = await this.deps.store.getReceiptAtSize(deviceId, size);
    if (r) return fromBase64(r.receipt.root);
    return rootOfLeaves(await this.deps.store.getLeafHashes(deviceId, 0, size - 1));
  }

  private async alert(deviceId: string, kind: AlertKind, detail: string, batch: BatchBody, latest: SignedReceipt | null): Promise<void> {
    // Evidence holds signed checkpoints and receipts only: never entry content.
    const evidence = canonicalJson({ base: batch.base, checkpoint: batch.checkpoint, serverLatest: latest ?? null });
    await this.deps.store.addAlert({ deviceId, kind, at: this.deps.clock.now().toISOString(), detail, evidence });
    this.deps.logger.error('sync security alert', { deviceId, kind, detail });
  }

  private async refuseDivergence(
    deviceId: string,
    kind: 'fork' | 'rollback',
    detail: string,
    batch: BatchBody,
  ): Promise<never> {
    const latest = await this.deps.store.getLatestReceipt(deviceId);
    await this.alert(deviceId, kind, detail, batch, latest);
    throw new Refused(kind === 'fork' ? 'FORK_DETECTED' : 'ROLLBACK_DETECTED', detail, latest ? { latest } : {});
  }

  private async apply(device: DeviceRecord, batch: BatchBody, cp: CheckpointFields): Promise<IngestResult> {
    const { store } = this.deps;
    const deviceId = device.deviceId;
    const digest = checkpointDigest(batch.checkpoint);
    const again = await store.getReceiptByCheckpoint(deviceId, digest);
    if (again) return { ok: true, receipt: again, deviceId, storedEntries: 0 };

    const head = (await store.getHead(deviceId)) ?? { size: 0, root: emptyRoot(), frontier: [] };
    const S = head.size;
    const b = batch.base.size;
    const n = cp.size;
    const cpRoot = cp.root;

    if (n < S) {
      const ours = await this.rootAt(deviceId, n, head);
      if (!bytesEqual(ours, cpRoot)) {
        return this.refuseDivergence(deviceId, 'fork', `fork: checkpoint at size ${n} has a different root than the log accepted earlier (accepted size ${S})`, batch);
      }
      return this.refuseDivergence(deviceId, 'rollback', `rollback: new checkpoint at size ${n} is smaller than the accepted size ${S}`, batch);
    }
    if (b > S) {
      throw new Refused('SEQUENCE_GAP', `sequence gap: batch starts at seq ${b} but the server expects seq ${S}`, { expectedSeq: S });
    }
    if (!bytesEqual(await this.rootAt(deviceId, b, head), fromBase64(batch.base.root))) {
      return this.refuseDivergence(deviceId, 'fork', `fork: base at size ${b} differs from the tree the server accepted`, batch);
    }

    // Every leaf hash recomputed from the bytes, every entry checked.
    const leaves: Uint8Array[] = new Array<Uint8Array>(batch.entries.length);
    const times: Array<string | null> = new Array<string | null>(batch.entries.length);
    for (let i = 0; i < batch.entries.length; i++) {
      const text = batch.entries[i] as string;
      const c = checkEntry(text, b + i, deviceId);
      if (!c.ok) throw new Refused('BAD_REQUEST', `invalid batch: entries.${i} (seq ${b + i}) ${c.problem}`);
      times[i] = c.time;
      leaves[i] = leafHashOf(text);
    }

    // Overlap with what we already hold (a resend after a lost receipt) must be identical.
    const overlapEnd = Math.min(n, S); // exclusive
    if (overlapEnd > b) {
      const stored = await store.getLeafHashes(deviceId, b, overlapEnd - 1);
      for (let seq = b; seq < overlapEnd; seq++) {
        const mine = stored[seq - b];
        if (!mine || !bytesEqual(mine, leaves[seq - b] as Uint8Array)) {
          return this.refuseDivergence(deviceId, 'fork', `fork: entry ${seq} differs from the entry the server accepted earlier`, batch);
        }
      }
    }

    const range = compactRange(S, head.frontier);
    for (let i = S - b; i < leaves.length; i++) range.append(leaves[i] as Uint8Array);
    const newRoot = range.root();
    if (!bytesEqual(newRoot, cpRoot)) {
      await this.alert(deviceId, 'bad-batch', `entries do not hash to the signed checkpoint root (size ${n})`, batch, null);
      throw new Refused('ROOT_MISMATCH', `entries ${b}..${n - 1} do not hash to the checkpoint root`);
    }
    const proof = batch.consistency.map((h) => fromBase64(h));
    if (!isConsistent(b, fromBase64(batch.base.root), n, cpRoot, proof)) {
      await this.alert(deviceId, 'bad-batch', `consistency proof ${b} -> ${n} does not verify`, batch, null);
      throw new Refused('BAD_PROOF', `consistency proof from size ${b} to ${n} does not verify`);
    }
    if (n === S) {
      // Same tree as already accepted, newly signed: answer with the receipt we issued for it.
      const existing = await store.getReceiptAtSize(deviceId, S);
      if (existing) return { ok: true, receipt: existing, deviceId, storedEntries: 0 };
    }

    const receipt = this.signReceipt(deviceId, n, toBase64(newRoot));
    const entries: NewEntry[] = [];
    for (let seq = S; seq < n; seq++) {
      const i = seq - b;
      entries.push({ seq, leafHash: leaves[i] as Uint8Array, canonical: batch.entries[i] as string, entryTime: times[i] ?? null });
    }
    const done = await store.appendBatch({
      deviceId,
      expectedSize: S,
      entries,
      head: { size: n, root: newRoot, frontier: range.nodes().map((x) => x.hash) },
      checkpointDigest: digest,
      checkpointJson: canonicalJson(batch.checkpoint),
      receipt,
    });
    if (done === 'conflict') throw new Refused('BUSY', 'another batch for this device was stored meanwhile; retry', { retryAfterMs: 100 });
    this.deps.logger.info('sync batch accepted', { deviceId, fromSeq: S, toSeq: n - 1 });
    return { ok: true, receipt, deviceId, storedEntries: entries.length };
  }

  private signReceipt(deviceId: string, size: number, root: string): SignedReceipt {
    const receipt = {
      format: 'rsched-sync-receipt' as const,
      version: SYNC_VERSION,
      serverId: this.deps.identity.serverId,
      deviceId,
      size,
      root,
      receivedAt: this.deps.clock.now().toISOString(),
    };
    return { receipt, signature: signBody(DOMAINS.receipt, receipt, this.deps.identity.signingKey) };
  }
}
