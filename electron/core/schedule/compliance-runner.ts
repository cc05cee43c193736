import type { Worker } from 'node:worker_threads';
import { AppError } from '../../../shared/errors';
import type { Logger } from '../logger';
import { spawnWorker } from '../workers/spawn';
import type { Finding, YearCheckInput } from './compliance';

type Result = { findings: Finding[]; people: number };

/**
 * Runs full-year compliance checks in one long-lived worker thread, so a check of a large program
 * (hundreds of milliseconds) never holds the main process and its IPC. Started on first use; the
 * thread does not keep the process alive.
 */
export class ComplianceRunner {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();

  constructor(private readonly logger: Logger) {}

  check(input: YearCheckInput): Promise<Result> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, input });
    });
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnWorker('compliance-check');
    worker.unref();
    worker.on('message', (msg: { id: number; ok: boolean; result?: Result; error?: string }) => {
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (msg.ok && msg.result) waiter.resolve(msg.result);
      else {
        this.logger.error('compliance worker failed a check', { error: msg.error ?? 'unknown' });
        waiter.reject(new AppError('INTERNAL'));
      }
    });
    const failAll = (err: unknown): void => {
      this.logger.error('compliance worker stopped', { error: err });
      for (const w of this.pending.values()) w.reject(new AppError('INTERNAL'));
      this.pending.clear();
      this.worker = null;
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (this.pending.size > 0) failAll(new Error(`exit ${code}`));
      this.worker = null;
    });
    this.worker = worker;
    return worker;
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
