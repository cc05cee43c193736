import type { Database } from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../../shared/errors';
import type { CoreServices } from '../dispatcher';
import type { Workspace } from '../workspace';
import { SyncRuntime } from './runtime';

/**
 * Ties sync to the vault's lifecycle. The core has no "unlocked" event, but every unlock writes an
 * audit entry through the workspace of the new connection, so the core hands each workspace it
 * gives out to attach(): the first sight of a new connection schedules the start (receipt check,
 * then the agent) right after the current call, outside whatever transaction is running. lock()
 * in the core, and every lock the accounts module does on its own (idle, absolute timeout), call
 * stop(). A connection closed without either (a failed sign-in) is noticed by the device itself.
 */
export interface SyncLifecycleDeps {
  dataDir: string;
  services: CoreServices;
  /** The open vault's connection, or null when locked. */
  openDb(): Database | null;
  /** The workspace of the open vault (throws VAULT_LOCKED). */
  workspace(): Workspace;
  maxEntriesPerBatch?: number;
}

export interface SyncLifecycle {
  /** Sees every workspace the core hands out; returns it unchanged. */
  attach(ws: Workspace): Workspace;
  /** The runtime of the open vault, started if attach() has not got to it yet. */
  runtime(): SyncRuntime;
  /** The vault is locking: stop pushing, forget the connection. */
  stop(): void;
}

export function createSyncLifecycle(deps: SyncLifecycleDeps): SyncLifecycle {
  const logger = deps.services.logger.child({ module: 'sync' });
  let current: SyncRuntime | null = null;
  const scheduled = new WeakSet<Database>();

  const open = (ws: Workspace): SyncRuntime => {
    current?.stop();
    const rt = new SyncRuntime(ws, { dataDir: deps.dataDir, clock: deps.services.clock, logger, ...(deps.maxEntriesPerBatch ? { maxEntriesPerBatch: deps.maxEntriesPerBatch } : {}) });
    current = rt;
    try {
      rt.start();
    } catch (err) {
      // The vault stays usable; the status shows the device's own last error. Codes only in logs.
      logger.error('sync start failed', { code: err instanceof AppError ? err.code : 'INTERNAL' });
    }
    return rt;
  };

  return {
    attach(ws) {
      if (current?.ws.db === ws.db || scheduled.has(ws.db)) return ws;
      scheduled.add(ws.db);
      setImmediate(() => {
        // Locked (or replaced) before we got here: nothing to start.
        if (deps.openDb() !== ws.db || current?.ws.db === ws.db) return;
        open(ws);
      });
      return ws;
    },
    runtime() {
      const ws = deps.workspace();
      if (current?.ws.db === ws.db) return current;
      return open(ws);
    },
    stop() {
      current?.stop();
      current = null;
    },
  };
}
