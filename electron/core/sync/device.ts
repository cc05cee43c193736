import { existsSync, readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3-multiple-ciphers';
import { canonicalJson } from '../../../shared/canonical-json';
import { AppError } from '../../../shared/errors';
import { bytesEqual, fromBase64, toBase64 } from '../../../shared/merkle/index';
import { parseJsonText, parseMessage } from '../../../shared/sync/parse';
import {
  DOMAINS,
  LIMITS,
  SYNC_VERSION,
  enrollResponseFile,
  isRetryable as isRetryableRefusal,
  sealedEnvelope,
  signedAlertReceipt,
  signedReceipt,
  wireAlert,
  type AlertsAnswer,
  type EnrollRequestFile,
  type SignedAlertReceipt,
  type PushAnswer,
  type Refusal,
  type SealedEnvelope,
  type SignedReceipt,
  type TreeHead,
  type WireCheckpoint,
} from '../../../shared/sync/protocol';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { writeFileAtomic } from '../vault/atomic-file';
import type { SyncLogSource } from './adapters/audit-log';
import type { SyncSigningKey } from './adapters/device-key';
import * as ds from './device-store';
import { alertDigest } from './protocol/alerts';
import { parseCheckpoint, signCheckpoint } from './protocol/checkpoint';
import { fingerprint, generateKeyPair, publicKeyFromRaw, signBody, signPayload, verifyBody } from './protocol/keys';
import { emptyRoot } from './protocol/merkle';
import { seal } from './protocol/seal';

/**
 * The device side of sync, transport-free: enrollment, building sealed batches from the audit log,
 * applying the server's answers, and the tamper checks. The HTTPS agent and the file export both
 * drive this one object, so both transports share its state (the outbox in the vault).
 *
 * Invariants:
 * - a batch in flight is stored as its exact sealed bytes before it is sent, and resent unchanged
 *   until answered: an interrupted upload resumes with the same checkpoint, hence the same receipt;
 * - a receipt is accepted only if the server signed it AND our own log has that root at that size;
 * - before every push (and at startup) the log must still extend the newest receipt, both the one
 *   in the vault and the copy kept beside it (a restored older vault brings back older receipts,
 *   but not an older copy file); otherwise a tamper alert is raised and pushing halts.
 */
export interface DeviceSyncOptions {
  db: Database;
  log: SyncLogSource;
  key: SyncSigningKey;
  clock: Clock;
  logger: Logger;
  /** Copy of the newest receipt kept outside the database (beside the vault); null disables it. */
  receiptCopyPath: string | null;
  /** Largest batch; the protocol's limit by default. */
  maxEntriesPerBatch?: number;
  /** The security alerts queued for the server (issue 10); none travel without it. */
  alerts?: SyncAlertOutbox;
}

/**
 * The security outbox as sync sees it (electron/core/sync/adapters/security-outbox.ts): queued
 * alerts in order, and a way to mark rows sent once a verified receipt names them.
 */
export interface SyncAlertOutbox {
  pending(limit: number): Array<{ outboxId: number; payload: string }>;
  markSent(outboxIds: number[], at: string): void;
  waiting(): number;
}

/** The alerts of one message: outbox row, alert id and the digest the receipt must name. */
export interface AlertsInFlight {
  envelope: SealedEnvelope;
  items: Array<{ outboxId: number; id: string; digest: string }>;
}

export type AlertsOutcome = { kind: 'acked'; marked: number } | { kind: 'retry'; refusal: Refusal } | { kind: 'failed'; refusal: Refusal };

export interface SyncStatus {
  enrolled: boolean;
  serverUrl: string | null;
  logSize: number;
  ackedSize: number;
  pendingEntries: number;
  inFlight: boolean;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  failures: number;
  halted: boolean;
  alerts: number;
  /** Security alerts queued for the server and not yet acknowledged by an alert receipt. */
  securityAlertsWaiting: number;
}

export type AnswerOutcome =
  | { kind: 'acked'; size: number }
  | { kind: 'gap'; expectedSeq: number }
  | { kind: 'retry'; refusal: Refusal }
  | { kind: 'failed'; refusal: Refusal }
  | { kind: 'halted'; reason: string };

export class DeviceSync {
  private readonly db: Database;
  private readonly maxBatch: number;

  constructor(private readonly o: DeviceSyncOptions) {
    this.db = o.db;
    this.maxBatch = Math.min(o.maxEntriesPerBatch ?? LIMITS.maxEntriesPerBatch, LIMITS.maxEntriesPerBatch);
    ds.assertSyncSchema(this.db);
  }

  get deviceId(): string {
    return this.o.key.deviceId;
  }

  // -------------------------------------------------------------------------------------------
  // Enrollment

  /** Writes nothing but the sealing key (created once); returns the self-signed request. */
  enrollmentRequest(): { file: EnrollRequestFile; fingerprint: string } {
    const id = this.ensureIdentity();
    const request = {
      format: 'rsched-enroll-request' as const,
      version: SYNC_VERSION,
      deviceId: this.o.key.deviceId,
      origin: this.o.log.origin,
      signingKey: this.o.key.publicRaw,
      sealingKey: id.sealingPublic,
      requestedAt: this.o.clock.now().toISOString(),
    };
    return {
      file: { request, signature: signBody(DOMAINS.enrollRequest, request, this.o.key.privateKey) },
      fingerprint: fingerprint({ signingKey: this.o.key.publicRaw, sealingKey: id.sealingPublic }),
    };
  }

  /** Verifies and stores the server's response; returns the server fingerprint to compare by phone. */
  acceptEnrollment(value: unknown): { serverFingerprint: string; serverId: string; url: string | null } {
    const file = parseMessage(enrollResponseFile, value, 'enrollment response');
    const r = file.response;
    if (!verifyBody(DOMAINS.enrollResponse, r, file.signature, publicKeyFromRaw('ed25519', r.serverSigningKey))) {
      throw new AppError('BAD_INPUT', 'invalid enrollment response: signature does not verify with serverSigningKey');
    }
    if (r.deviceId !== this.o.key.deviceId || r.deviceSigningKey !== this.o.key.publicRaw) {
      throw new AppError('BAD_INPUT', 'invalid enrollment response: it was issued for another device');
    }
    const id = this.ensureIdentity();
    if (id.server && id.server.serverId !== r.serverId) {
      throw new AppError('CONFLICT', `this vault is already enrolled with server ${id.server.serverId}`);
    }
    ds.saveServer(this.db, {
      serverId: r.serverId,
      signingKey: r.serverSigningKey,
      sealingKey: r.serverSealingKey,
      tlsSpkiSha256: r.tlsSpkiSha256,
      url: r.url,
      approvedAt: r.approvedAt,
      enrolledAt: this.o.clock.now().toISOString(),
    });
    return { serverFingerprint: fingerprint({ signingKey: r.serverSigningKey, sealingKey: r.serverSealingKey, tlsSpkiSha256: r.tlsSpkiSha256 }), serverId: r.serverId, url: r.url };
  }

  server(): NonNullable<ds.SyncIdentityRow['server']> {
    const s = ds.readIdentity(this.db)?.server;
    if (!s) throw new AppError('CONFLICT', 'this vault is not enrolled with a hospital server (rsched sync enroll)');
    return s;
  }

  private ensureIdentity(): ds.SyncIdentityRow {
    const existing = ds.readIdentity(this.db);
    if (existing) return existing;
    const kp = generateKeyPair('x25519');
    try {
      ds.insertIdentity(this.db, { deviceId: this.o.key.deviceId, sealingPublic: kp.publicRaw, sealingPrivatePkcs8: kp.privatePkcs8, createdAt: this.o.clock.now().toISOString() });
    } finally {
      kp.privatePkcs8.fill(0);
    }
    return ds.readIdentity(this.db) as ds.SyncIdentityRow;
  }

  // -------------------------------------------------------------------------------------------
  // Status and tamper checks

  status(): SyncStatus {
    const ob = ds.readOutbox(this.db);
    const server = ds.readIdentity(this.db)?.server ?? null;
    const size = this.o.log.size();
    return {
      enrolled: server !== null,
      serverUrl: server?.url ?? null,
      logSize: size,
      ackedSize: ob.ackedSize,
      pendingEntries: Math.max(0, size - ob.ackedSize),
      inFlight: ob.pendingEnvelope !== null,
      lastAttemptAt: ob.lastAttemptAt,
      lastSuccessAt: ob.lastSuccessAt,
      lastError: ob.lastError,
      failures: ob.failures,
      halted: ob.halted,
      alerts: ds.listDeviceAlerts(this.db).length,
      securityAlertsWaiting: this.o.alerts?.waiting() ?? 0,
    };
  }

  alerts(): Array<{ id: number; at: string; kind: string; detail: string }> {
    return ds.listDeviceAlerts(this.db);
  }

  /** Records a tamper alert and stops automatic pushing until an administrator looks. */
  private raiseAlert(kind: string, detail: string): void {
    this.db.transaction(() => {
      ds.addDeviceAlert(this.db, this.o.clock.now().toISOString(), kind, detail);
      ds.updateOutbox(this.db, { halted: true, lastError: detail });
    })();
    this.o.logger.error('sync tamper alert', { kind, detail });
  }

  /** True when the log holds `root` at `size`. */
  private logHas(size: number, root: Uint8Array): boolean {
    if (size > this.o.log.size()) return false;
    return bytesEqual(this.o.log.rootAt(size), root);
  }

  /**
   * Does the log still extend every receipt we hold? Checks the newest receipt in the vault and the
   * copy beside it. Returns the problems found (also raised as alerts).
   */
  checkLogExtendsReceipts(): string[] {
    const problems: string[] = [];
    const server = ds.readIdentity(this.db)?.server ?? null;
    const inVault = ds.latestReceipt(this.db);
    if (inVault && !this.logHas(inVault.receipt.size, fromBase64(inVault.receipt.root))) {
      problems.push(`the audit log no longer extends the server receipt for size ${inVault.receipt.size}`);
    }
    if (this.o.receiptCopyPath && server && existsSync(this.o.receiptCopyPath)) {
      const copy = this.readReceiptCopy(server.signingKey);
      if (!copy) problems.push('the receipt copy beside the vault is unreadable or not signed by the server');
      else if (!this.logHas(copy.receipt.size, fromBase64(copy.receipt.root))) {
        problems.push(
          copy.receipt.size > this.o.log.size()
            ? `the audit log (size ${this.o.log.size()}) is shorter than the server acknowledged (size ${copy.receipt.size}): an older copy of the vault may have been restored`
            : `the audit log differs from what the server acknowledged at size ${copy.receipt.size}`,
        );
      }
    }
    for (const p of problems) this.raiseAlert('log-does-not-extend-receipt', p);
    return problems;
  }

  private readReceiptCopy(serverSigningKey: string): SignedReceipt | null {
    try {
      const r = signedReceipt.parse(JSON.parse(readFileSync(this.o.receiptCopyPath as string, 'utf8')));
      if (r.receipt.deviceId !== this.o.key.deviceId) return null;
      return verifyBody(DOMAINS.receipt, r.receipt, r.signature, publicKeyFromRaw('ed25519', serverSigningKey)) ? r : null;
    } catch {
      return null;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Building batches

  /** A signed checkpoint at exactly `size` (the log's own when it has one). */
  private checkpointAt(size: number): WireCheckpoint {
    const own = this.o.log.storedCheckpoint(size) ?? ds.cachedCheckpoint(this.db, size);
    if (own) return own;
    if (size === this.o.log.size()) return this.o.log.checkpointHead();
    // An intermediate size the log never signed (a backlog longer than one batch): sign it in the
    // log's format and keep it, so this size is never signed twice.
    const cp = signCheckpoint({ origin: this.o.log.origin, size, root: this.o.log.rootAt(size), time: this.o.clock.now().toISOString() }, this.o.key.privateKey);
    ds.cacheCheckpoint(this.db, size, cp);
    return cp;
  }

  /**
   * Where the next batch from `base` ends: the whole backlog when it fits, else the largest size
   * the log already signed within reach, else base + max. Reusing signed sizes keeps boundaries
   * stable across re-exports.
   */
  private nextEnd(base: number): number {
    const head = this.o.log.size();
    if (head - base <= this.maxBatch) return head;
    const limit = base + this.maxBatch;
    const signed = [...this.o.log.checkpointSizes(base, limit), ...ds.cachedCheckpointSizes(this.db, base, limit)];
    return signed.length > 0 ? Math.max(...signed) : limit;
  }

  private head(size: number): TreeHead {
    return { size, root: toBase64(size === 0 ? emptyRoot() : this.o.log.rootAt(size)) };
  }

  /** Builds and seals the batch (base -> end). Pure with respect to the outbox. */
  private buildSealed(base: number, end: number, server: { sealingKey: string }): SealedEnvelope {
    const checkpoint = this.checkpointAt(end);
    const parsed = parseCheckpoint(checkpoint);
    if (!parsed || parsed.size !== end) throw new AppError('AUDIT_TAMPERED', 'a stored checkpoint does not match its size');
    const batch = {
      format: 'rsched-sync-batch' as const,
      version: SYNC_VERSION,
      deviceId: this.o.key.deviceId,
      base: this.head(base),
      entries: this.o.log.entries(base, end),
      checkpoint,
      consistency: base === 0 ? [] : this.o.log.consistencyProof(base, end).map((h) => toBase64(h)),
      createdAt: this.o.clock.now().toISOString(),
    };
    const payload = Buffer.from(canonicalJson(batch), 'utf8');
    const signature = signPayload(DOMAINS.batch, payload, this.o.key.privateKey);
    return seal(Buffer.concat([signature, payload]), { deviceId: this.o.key.deviceId, recipientSealingKey: server.sealingKey });
  }

  /**
   * The batch to push now: the one in flight if any (same bytes), else a new one from the last
   * acknowledged size, stored in the outbox before it leaves. null when there is nothing to send.
   */
  nextBatch(): SealedEnvelope | null {
    const server = this.server();
    const ob = ds.readOutbox(this.db);
    if (ob.halted) throw new AppError('AUDIT_TAMPERED', `sync is halted: ${ob.lastError ?? 'tamper alert'}`);
    if (ob.pendingEnvelope) return sealedEnvelope.parse(JSON.parse(ob.pendingEnvelope));
    const base = ob.ackedSize;
    const head = this.o.log.size();
    if (head <= base) return null;
    const end = this.nextEnd(base);
    const env = this.buildSealed(base, end, server);
    ds.updateOutbox(this.db, { pendingEnvelope: JSON.stringify(env), pendingBase: base, pendingSize: end });
    return env;
  }

  /**
   * For file transport: every batch from the last acknowledged size to the head, chained (each
   * batch's base is the previous batch's checkpoint), without waiting for receipts.
   */
  exportBatches(): Array<{ base: number; size: number; envelope: SealedEnvelope }> {
    const server = this.server();
    const ob = ds.readOutbox(this.db);
    if (ob.halted) throw new AppError('AUDIT_TAMPERED', `sync is halted: ${ob.lastError ?? 'tamper alert'}`);
    const out: Array<{ base: number; size: number; envelope: SealedEnvelope }> = [];
    let base = ob.ackedSize;
    while (base < this.o.log.size()) {
      const end = this.nextEnd(base);
      out.push({ base, size: end, envelope: this.buildSealed(base, end, server) });
      base = end;
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Answers

  noteAttempt(): void {
    ds.updateOutbox(this.db, { lastAttemptAt: this.o.clock.now().toISOString() });
  }

  /** A transport failure (server down, connection cut): keep the batch in flight, count the failure. */
  noteTransportFailure(message: string): void {
    const ob = ds.readOutbox(this.db);
    ds.updateOutbox(this.db, { failures: ob.failures + 1, lastError: message });
  }

  /** Verifies a signed receipt against the server key and our own log; stores it. */
  applyReceipt(value: unknown): { size: number } {
    const server = this.server();
    const r = parseMessage(signedReceipt, value, 'receipt');
    if (!verifyBody(DOMAINS.receipt, r.receipt, r.signature, publicKeyFromRaw('ed25519', server.signingKey))) {
      throw new AppError('BAD_INPUT', 'invalid receipt: signature does not verify with the server key');
    }
    if (r.receipt.deviceId !== this.o.key.deviceId || r.receipt.serverId !== server.serverId) {
      throw new AppError('BAD_INPUT', 'invalid receipt: issued for another device or by another server');
    }
    const root = fromBase64(r.receipt.root);
    if (!this.logHas(r.receipt.size, root)) {
      const detail = `the server acknowledged size ${r.receipt.size} with a root this log does not have`;
      this.raiseAlert('receipt-mismatch', detail);
      throw new AppError('AUDIT_TAMPERED', detail);
    }
    const now = this.o.clock.now().toISOString();
    const ob = ds.readOutbox(this.db);
    this.db.transaction(() => {
      ds.storeReceipt(this.db, r, now);
      const patch: Partial<ds.OutboxRow> = { lastSuccessAt: now, lastError: null, failures: 0 };
      if (r.receipt.size > ob.ackedSize) {
        patch.ackedSize = r.receipt.size;
        patch.ackedRoot = root;
      }
      if (ob.pendingSize !== null && r.receipt.size >= ob.pendingSize) {
        patch.pendingEnvelope = null;
        patch.pendingBase = null;
        patch.pendingSize = null;
      }
      ds.updateOutbox(this.db, patch);
    })();
    if (this.o.receiptCopyPath) {
      const newest = ds.latestReceipt(this.db);
      if (newest) writeFileAtomic(this.o.receiptCopyPath, Buffer.from(JSON.stringify(newest, null, 2) + '\n', 'utf8'));
    }
    return { size: r.receipt.size };
  }

  /** Applies the server's answer to the batch in flight. */
  applyAnswer(answer: PushAnswer): AnswerOutcome {
    if (answer.ok) return { kind: 'acked', size: this.applyReceipt(answer.receipt).size };
    const e = answer.error;
    const ob = ds.readOutbox(this.db);
    const clearPending: Partial<ds.OutboxRow> = { pendingEnvelope: null, pendingBase: null, pendingSize: null };
    switch (e.refusal) {
      case 'SEQUENCE_GAP': {
        const expected = e.expectedSeq ?? 0;
        if (expected > this.o.log.size()) {
          const detail = `the server holds ${expected} entries but this log has only ${this.o.log.size()}: an older copy of the vault may have been restored`;
          this.raiseAlert('server-ahead-of-log', detail);
          return { kind: 'halted', reason: detail };
        }
        // The server has fewer entries than we thought (it lost a batch, or a file was not
        // imported): resend from where it is. Our own log supplies the base root.
        ds.updateOutbox(this.db, { ...clearPending, ackedSize: expected, ackedRoot: expected === 0 ? emptyRoot() : this.o.log.rootAt(expected), lastError: e.message });
        return { kind: 'gap', expectedSeq: expected };
      }
      case 'FORK_DETECTED':
      case 'ROLLBACK_DETECTED': {
        this.raiseAlert(e.refusal === 'FORK_DETECTED' ? 'fork' : 'rollback', `server refused the log: ${e.message}`);
        return { kind: 'halted', reason: e.message };
      }
      case 'DEVICE_REVOKED':
      case 'UNKNOWN_DEVICE':
        ds.updateOutbox(this.db, { halted: true, lastError: e.message, failures: ob.failures + 1 });
        return { kind: 'halted', reason: e.message };
      case 'RATE_LIMITED':
      case 'BUSY':
      case 'INTERNAL':
        ds.updateOutbox(this.db, { failures: ob.failures + 1, lastError: e.message });
        return { kind: 'retry', refusal: e };
      default:
        // The server could not use this batch: drop it and rebuild from the acknowledged size.
        ds.updateOutbox(this.db, { ...clearPending, failures: ob.failures + 1, lastError: e.message });
        return { kind: 'failed', refusal: e };
    }
  }

  // -------------------------------------------------------------------------------------------
  // Security alerts (POST /v1/alerts)

  /**
   * The next alerts message: the oldest queued alerts, signed under the alerts domain and sealed to
   * the server. Nothing is marked here; a lost answer simply sends the same alerts again, and the
   * server stores each id once. A queued row this build cannot parse stays queued (and is logged)
   * rather than block the others. null when nothing is waiting.
   */
  nextAlerts(): AlertsInFlight | null {
    if (!this.o.alerts) return null;
    const items: AlertsInFlight['items'] = [];
    const alerts = [];
    // Read past a few unsendable rows so they cannot hold back the alerts queued after them.
    for (const row of this.o.alerts.pending(LIMITS.maxAlertsPerMessage * 4)) {
      if (alerts.length >= LIMITS.maxAlertsPerMessage) break;
      let value: unknown;
      try {
        value = JSON.parse(row.payload);
      } catch {
        value = null;
      }
      const parsed = wireAlert.safeParse(value);
      if (!parsed.success) {
        this.o.logger.error('security alert not sendable', { outboxId: row.outboxId });
        continue;
      }
      alerts.push(parsed.data);
      items.push({ outboxId: row.outboxId, id: parsed.data.id, digest: alertDigest(parsed.data) });
    }
    if (alerts.length === 0) return null;
    const server = this.server();
    const body = { format: 'rsched-sync-alerts' as const, version: SYNC_VERSION, deviceId: this.o.key.deviceId, alerts, createdAt: this.o.clock.now().toISOString() };
    const payload = Buffer.from(canonicalJson(body), 'utf8');
    const signature = signPayload(DOMAINS.alerts, payload, this.o.key.privateKey);
    return { envelope: seal(Buffer.concat([signature, payload]), { deviceId: this.o.key.deviceId, recipientSealingKey: server.sealingKey }), items };
  }

  /**
   * Applies the server's answer to an alerts message. A receipt counts only if the server signed it
   * for this device, and marks sent only the alerts it names with the digest we sent; a refusal
   * leaves every alert queued (and is shown as the last error).
   */
  applyAlertsAnswer(answer: AlertsAnswer, sent: AlertsInFlight): AlertsOutcome {
    if (!answer.ok) {
      const ob = ds.readOutbox(this.db);
      ds.updateOutbox(this.db, { failures: ob.failures + 1, lastError: `security alerts: ${answer.error.message}` });
      return { kind: isRetryableRefusal(answer.error.refusal) ? 'retry' : 'failed', refusal: answer.error };
    }
    const r = this.verifyAlertReceipt(answer.receipt);
    const acked = new Set(r.receipt.alerts.map((a) => `${a.id}\u0000${a.digest}`));
    const ids = sent.items.filter((i) => acked.has(`${i.id}\u0000${i.digest}`)).map((i) => i.outboxId);
    if (ids.length > 0) this.o.alerts?.markSent(ids, this.o.clock.now().toISOString());
    return { kind: 'acked', marked: ids.length };
  }

  /**
   * File transport: an alert receipt file brought back from `rsched server import`. Marks the queued
   * alerts it names whose content still has the digest it acknowledges; the rest stay queued.
   */
  applyAlertReceipt(value: unknown): { marked: number } {
    const r = this.verifyAlertReceipt(value);
    const acked = new Set(r.receipt.alerts.map((a) => `${a.id}\u0000${a.digest}`));
    const ids: number[] = [];
    for (const row of this.o.alerts?.pending(100_000) ?? []) {
      let parsed;
      try {
        parsed = wireAlert.safeParse(JSON.parse(row.payload));
      } catch {
        continue;
      }
      if (parsed.success && acked.has(`${parsed.data.id}\u0000${alertDigest(parsed.data)}`)) ids.push(row.outboxId);
    }
    if (ids.length > 0) this.o.alerts?.markSent(ids, this.o.clock.now().toISOString());
    return { marked: ids.length };
  }

  /** An alert receipt counts only if the enrolled server signed it, for this device. */
  private verifyAlertReceipt(value: unknown): SignedAlertReceipt {
    const server = this.server();
    const r = parseMessage(signedAlertReceipt, value, 'alert receipt');
    if (!verifyBody(DOMAINS.alertReceipt, r.receipt, r.signature, publicKeyFromRaw('ed25519', server.signingKey))) {
      throw new AppError('BAD_INPUT', 'invalid alert receipt: signature does not verify with the server key');
    }
    if (r.receipt.deviceId !== this.o.key.deviceId || r.receipt.serverId !== server.serverId) {
      throw new AppError('BAD_INPUT', 'invalid alert receipt: issued for another device or by another server');
    }
    return r;
  }

  /** Clears a halt after an administrator investigated (the alerts stay). */
  resume(): void {
    ds.updateOutbox(this.db, { halted: false, failures: 0 });
  }

  /** Parses a receipt file's text (file transport). */
  static parseReceiptText(text: string): unknown {
    return parseJsonText(text, 'receipt file');
  }
}
