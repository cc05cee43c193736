import { AppError } from '../../../shared/errors';
import { yieldToEventLoop } from '../event-loop';
import type { Logger } from '../logger';
import type { DeviceSync } from './device';
import { PinMismatchError, TransportError, type SyncTransport } from './transport';

/**
 * Drives DeviceSync over a transport: a periodic push, "sync now", and exponential backoff with
 * full jitter after failures (delay = random(0, min(max, base * 2^failures))), so a fleet of
 * devices coming back after a server outage does not hammer it in lockstep.
 */
export interface SyncAgentOptions {
  intervalMs: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Batches per run at most (a long backlog continues on the next run). */
  maxBatchesPerRun?: number;
  random?: () => number;
  logger: Logger;
}

export interface SyncRunResult {
  pushed: number;
  /** Security alerts the server acknowledged in this run. */
  alertsSent: number;
  ackedSize: number;
  caughtUp: boolean;
  error: string | null;
  halted: boolean;
}

export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 30));
  return Math.floor(random() * cap);
}

/**
 * What a sync failure says in `sync.now`, `sync.status` and the stored last error: the fixed messages
 * of our own errors (AppError, transport and pinning), never a raw SQLite or runtime message; the
 * rest goes to the (redacting) log.
 */
function failureText(err: unknown, logger: Logger): string {
  if (err instanceof AppError || err instanceof TransportError || err instanceof PinMismatchError) return err.message;
  logger.error('sync step failed', { err });
  return 'internal error during sync (see the application log)';
}

export class SyncAgent {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SyncRunResult> | null = null;
  private stopped = true;
  private readonly base: number;
  private readonly max: number;
  private readonly random: () => number;

  constructor(
    private readonly device: DeviceSync,
    private readonly transport: SyncTransport,
    private readonly o: SyncAgentOptions,
  ) {
    this.base = o.backoffBaseMs ?? 1000;
    this.max = o.backoffMaxMs ?? 5 * 60_000;
    this.random = o.random ?? Math.random;
  }

  /** Checks the log against the receipts, then pushes periodically. */
  start(): void {
    this.stopped = false;
    this.device.checkLogExtendsReceipts();
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Pushes now; joins a run already in progress rather than starting a second one. */
  syncNow(): Promise<SyncRunResult> {
    if (!this.running) {
      this.running = this.run().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** When the next periodic run should happen after a result. */
  nextDelay(result: SyncRunResult): number {
    if (result.error === null) return result.caughtUp ? this.o.intervalMs : 0;
    return backoffDelay(this.device.status().failures, this.base, this.max, this.random);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.syncNow().then(
        (r) => {
          if (!r.halted) this.schedule(this.nextDelay(r));
        },
        (err: unknown) => {
          this.o.logger.error('sync run failed', { err });
          this.schedule(backoffDelay(this.device.status().failures, this.base, this.max, this.random));
        },
      );
    }, ms);
    this.timer.unref();
  }

  /**
   * Sends the queued security alerts, a message at a time, until none is left or one fails. They go
   * first and regardless of a halt: a halt stops the log (it may no longer extend what the server
   * holds), while an alert is a separate signed message, often the very news of that tamper.
   */
  private async sendAlerts(): Promise<{ sent: number; error: string | null }> {
    let sent = 0;
    for (let i = 0; i < 20; i++) {
      await yieldToEventLoop();
      const msg = this.device.nextAlerts();
      if (!msg) return { sent, error: null };
      let answer;
      try {
        answer = await this.transport.pushAlerts(msg.envelope);
      } catch (err) {
        const text = failureText(err, this.o.logger);
        this.device.noteTransportFailure(text);
        if (err instanceof PinMismatchError || err instanceof TransportError || err instanceof AppError) return { sent, error: text };
        throw err;
      }
      const outcome = this.device.applyAlertsAnswer(answer, msg);
      if (outcome.kind !== 'acked') return { sent, error: outcome.refusal.message };
      sent += outcome.marked;
      if (outcome.marked < msg.items.length) return { sent, error: 'the server acknowledged only some of the security alerts' };
    }
    return { sent, error: null };
  }

  private async run(): Promise<SyncRunResult> {
    let alertsSent = 0;
    let alertsError: string | null = null;
    const result = (error: string | null, pushed: number, halted = false): SyncRunResult => {
      const s = this.device.status();
      return { pushed, alertsSent, ackedSize: s.ackedSize, caughtUp: s.pendingEntries === 0, error: error ?? alertsError, halted: halted || s.halted };
    };
    try {
      ({ sent: alertsSent, error: alertsError } = await this.sendAlerts());
    } catch (err) {
      // Not a transport problem (e.g. a receipt that does not verify): the alerts stay queued.
      alertsError = failureText(err, this.o.logger);
      this.device.noteTransportFailure(alertsError);
    }
    if (this.device.status().halted) return result('sync is halted after a tamper alert or revocation', 0, true);
    if (this.device.checkLogExtendsReceipts().length > 0) return result('tamper alert: the log no longer extends the server receipts', 0, true);
    let pushed = 0;
    const limit = this.o.maxBatchesPerRun ?? 100;
    for (let i = 0; i < limit; i++) {
      // Back to the event loop before each batch: building and sealing one, and storing the last
      // answer, are synchronous SQLite and crypto work; done back to back for a long backlog they
      // would hold the main thread (and every IPC call waiting on it) far beyond 50 ms.
      await yieldToEventLoop();
      let env;
      try {
        env = this.device.nextBatch();
      } catch (err) {
        return result(failureText(err, this.o.logger), pushed, err instanceof AppError && err.code === 'AUDIT_TAMPERED');
      }
      if (!env) return result(null, pushed);
      this.device.noteAttempt();
      let answer;
      try {
        answer = await this.transport.push(env);
      } catch (err) {
        const msg = failureText(err, this.o.logger);
        this.device.noteTransportFailure(msg);
        if (err instanceof PinMismatchError || err instanceof TransportError || err instanceof AppError) return result(msg, pushed);
        throw err;
      }
      const outcome = this.device.applyAnswer(answer);
      switch (outcome.kind) {
        case 'acked':
          pushed++;
          break;
        case 'gap':
          break; // rebuilt from the server's size on the next iteration
        case 'retry':
        case 'failed':
          return result(outcome.refusal.message, pushed);
        case 'halted':
          return result(outcome.reason, pushed, true);
      }
    }
    return result(null, pushed);
  }
}
