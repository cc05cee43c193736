import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { RECEIPT_COPY_FILE } from '../sync/adapters/vault-session';
import { SyncAgent, type SyncRunResult } from '../sync/agent';
import { httpsTransport } from '../sync/transport';
import type { Workspace } from '../workspace';
import { AppDeviceSync } from './app-device';
import { readIntervalMinutes } from './settings';

/**
 * Sync for one open vault connection: the device object and, when the vault is enrolled with a
 * server URL, the agent that pushes periodically. Dropped with the connection (lock), like the
 * workspace it is built on.
 */
export interface SyncRuntimeDeps {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  /** Entries per batch (see AppDeviceSyncOptions.maxEntriesPerBatch). */
  maxEntriesPerBatch?: number;
}

/** 1000 entries of a typical size build, sign and seal in a few ms; 5000 (the protocol cap) do not. */
const DEFAULT_BATCH = 250;

export class SyncRuntime {
  readonly device: AppDeviceSync;
  private agent: SyncAgent | null = null;
  private timerOn = false;

  constructor(
    readonly ws: Workspace,
    private readonly deps: SyncRuntimeDeps,
  ) {
    this.device = new AppDeviceSync(ws, {
      clock: deps.clock,
      logger: deps.logger,
      receiptCopyPath: join(deps.dataDir, RECEIPT_COPY_FILE),
      maxEntriesPerBatch: deps.maxEntriesPerBatch ?? DEFAULT_BATCH,
      onConnectionGone: () => this.stop(),
    });
  }

  get agentRunning(): boolean {
    return this.timerOn;
  }

  /**
   * At unlock (and after a change of enrollment, interval or halt): the receipt check, then the
   * periodic push when enrolled over HTTPS. A vault already halted is left alone: its alert stands,
   * and checking again would only repeat it on every unlock.
   */
  start(): void {
    this.stop();
    const st = this.device.status();
    if (st.halted) return;
    const server = st.enrolled ? this.device.server() : null;
    if (!server?.url) {
      // Not enrolled, or enrolled for files only: still verify the log against held receipts.
      this.device.checkLogExtendsReceipts();
      return;
    }
    this.agent = new SyncAgent(this.device, httpsTransport({ url: server.url, tlsSpkiSha256: server.tlsSpkiSha256 }), {
      intervalMs: readIntervalMinutes(this.ws.db) * 60_000,
      logger: this.deps.logger,
    });
    // SyncAgent.start runs checkLogExtendsReceipts first; a problem halts it before any push.
    this.agent.start();
    this.timerOn = !this.device.status().halted;
    if (this.timerOn) this.deps.logger.info('sync agent started');
    else this.agent.stop();
  }

  stop(): void {
    if (this.agent && this.timerOn) this.deps.logger.info('sync agent stopped');
    this.agent?.stop();
    this.timerOn = false;
  }

  /**
   * One push now, joining a periodic run in progress. The receipt check runs first (inside the
   * agent's run); a halted device is refused with the reason.
   */
  async pushNow(): Promise<SyncRunResult> {
    const st = this.device.status();
    if (!st.enrolled) throw new AppError('CONFLICT', 'This device is not enrolled with a hospital server yet.');
    if (st.halted) throw new AppError('AUDIT_TAMPERED', `Sync is halted: ${st.lastError ?? 'a tamper alert was raised'}. Investigate the alert, then resume sync.`);
    if (!this.agent) {
      if (!this.device.server().url) throw new AppError('CONFLICT', 'This device is enrolled for file transfer only: export sealed batch files instead.');
      this.start();
    }
    const agent = this.agent;
    if (!agent) throw new AppError('AUDIT_TAMPERED', `Sync is halted: ${this.device.status().lastError ?? 'a tamper alert was raised'}.`);
    const r = await agent.syncNow();
    if (r.halted && this.timerOn) this.stop();
    return r;
  }
}
