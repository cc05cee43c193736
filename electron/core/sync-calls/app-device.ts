import type { AuditActor } from '../../../shared/audit/entry';
import { AppError } from '../../../shared/errors';
import { signedReceipt, type AlertsAnswer, type PushAnswer, type SealedEnvelope } from '../../../shared/sync/protocol';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { auditLogSource } from '../sync/adapters/audit-log';
import { deviceSigningKey } from '../sync/adapters/device-key';
import { securityOutbox } from '../sync/adapters/security-outbox';
import { DeviceSync, type AlertsInFlight, type AlertsOutcome, type AnswerOutcome, type SyncStatus } from '../sync/device';
import * as ds from '../sync/device-store';
import type { Workspace } from '../workspace';

/** Who acts when nobody asked: the periodic push. */
export const SYNC_ACTOR: AuditActor = { type: 'system', component: 'sync' };

/** Which path brought the receipt that acknowledged a range. */
export type PushTransport = 'https' | 'file';

export interface AppDeviceSyncOptions {
  clock: Clock;
  logger: Logger;
  /** Copy of the newest receipt beside the vault (sync-receipt.json). */
  receiptCopyPath: string;
  /** Kept small so building and sealing one batch stays well inside the 50 ms main-thread budget. */
  maxEntriesPerBatch: number;
  /** The vault connection closed under us (lock): the owner stops the agent. */
  onConnectionGone(): void;
}

/**
 * DeviceSync as the app runs it, on the workspace's own audit log (one log per connection: it
 * caches the tree's frontier). Three additions, all at the seams DeviceSync exposes:
 *
 * - every newly acknowledged range writes one `sync.push` audit entry (seq range, counts, receipt
 *   root; no PHI) through the unit of work, right after the receipt is stored;
 * - those `sync.push` entries are themselves audit entries the server must get, but pushing them
 *   alone would acknowledge them with yet another `sync.push`, forever. So a tail made only of
 *   `sync.push` entries is not pushed on its own: it rides with the next real change (status()
 *   reports it as nothing waiting, which is also what keeps the agent from re-running at once);
 * - a closed connection (the vault was locked mid-run) is reported instead of touching SQLite, and
 *   status() then says "halted" so the agent schedules nothing more.
 */
export class AppDeviceSync extends DeviceSync {
  private pushActor: AuditActor = SYNC_ACTOR;
  private manualRequests = 0;
  private via: PushTransport = 'file';

  constructor(
    private readonly ws: Workspace,
    private readonly opts: AppDeviceSyncOptions,
  ) {
    super({
      db: ws.db,
      log: auditLogSource(ws.audit),
      key: deviceSigningKey(ws.db),
      clock: opts.clock,
      logger: opts.logger,
      receiptCopyPath: opts.receiptCopyPath,
      maxEntriesPerBatch: opts.maxEntriesPerBatch,
      alerts: securityOutbox(ws.db),
    });
  }

  get connectionOpen(): boolean {
    return this.ws.db.open;
  }

  /**
   * Attributes the ranges acknowledged until the returned release is called to `actor` (a user's
   * "sync now" or receipt import); otherwise they are the system's (the periodic push).
   * Overlapping requests keep the latest requester until the last one ends.
   */
  requestedBy(actor: AuditActor): () => void {
    this.manualRequests++;
    this.pushActor = actor;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.manualRequests === 0) this.pushActor = SYNC_ACTOR;
    };
  }

  /** The log has entries past `from` other than sync's own push records. */
  private realChangesSince(from: number): boolean {
    const row = this.ws.db.prepare("SELECT 1 FROM audit_entry WHERE seq >= ? AND (action IS NULL OR action <> 'sync.push') LIMIT 1").get(from);
    return row !== undefined;
  }

  private gone(): boolean {
    if (this.ws.db.open) return false;
    this.opts.onConnectionGone();
    return true;
  }

  override status(): SyncStatus {
    if (this.gone()) return { ...CLOSED_STATUS };
    const s = super.status();
    if (s.pendingEntries > 0 && !s.inFlight && !this.realChangesSince(s.ackedSize)) return { ...s, pendingEntries: 0 };
    return s;
  }

  override nextBatch(): SealedEnvelope | null {
    if (this.gone()) throw new AppError('VAULT_LOCKED');
    const ob = ds.readOutbox(this.ws.db);
    if (!ob.halted && ob.pendingEnvelope === null && !this.realChangesSince(ob.ackedSize)) return null;
    return super.nextBatch();
  }

  override nextAlerts(): AlertsInFlight | null {
    if (this.gone()) throw new AppError('VAULT_LOCKED');
    return super.nextAlerts();
  }

  override applyAlertsAnswer(answer: AlertsAnswer, sent: AlertsInFlight): AlertsOutcome {
    if (this.gone()) throw new AppError('VAULT_LOCKED');
    return super.applyAlertsAnswer(answer, sent);
  }

  override applyAlertReceipt(value: unknown): { marked: number } {
    if (this.gone()) throw new AppError('VAULT_LOCKED');
    return super.applyAlertReceipt(value);
  }

  override noteAttempt(): void {
    if (!this.gone()) super.noteAttempt();
  }

  override noteTransportFailure(message: string): void {
    if (!this.gone()) super.noteTransportFailure(message);
  }

  override applyAnswer(answer: PushAnswer): AnswerOutcome {
    if (this.gone()) throw new AppError('VAULT_LOCKED');
    this.via = 'https';
    try {
      return super.applyAnswer(answer);
    } finally {
      this.via = 'file';
    }
  }

  /**
   * Stores the receipt (DeviceSync checks the server signature and that our log has that root at
   * that size), then records the newly acknowledged range. Two transactions: a tamper alert raised
   * inside applyReceipt must survive, so it cannot share a unit that would roll it back. A crash
   * between the two leaves a stored receipt without its audit entry (the receipt is the stronger
   * record of the two).
   */
  override applyReceipt(value: unknown): { size: number } {
    if (this.gone()) throw new AppError('VAULT_LOCKED');
    const before = ds.readOutbox(this.ws.db).ackedSize;
    const out = super.applyReceipt(value);
    if (out.size > before) {
      const receipt = signedReceipt.parse(value).receipt;
      this.ws.unit(this.pushActor, (tx) =>
        tx.record({
          action: 'sync.push',
          resourceType: 'sync_server',
          resourceId: receipt.serverId,
          details: {
            step: 'acknowledged',
            transport: this.via,
            fromSeq: before,
            toSeq: out.size - 1,
            entries: out.size - before,
            receiptSize: receipt.size,
            receiptRoot: receipt.root,
            receivedAt: receipt.receivedAt,
          },
        }),
      );
    }
    return out;
  }
}

const CLOSED_STATUS: SyncStatus = {
  enrolled: false,
  serverUrl: null,
  logSize: 0,
  ackedSize: 0,
  pendingEntries: 0,
  inFlight: false,
  lastAttemptAt: null,
  lastSuccessAt: null,
  lastError: 'the vault was locked',
  failures: 0,
  halted: true,
  alerts: 0,
  securityAlertsWaiting: 0,
};
