import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Clock } from '../electron/core/clock';
import { createLogger, type Logger } from '../electron/core/logger';
import { loadOrCreateIdentity, type ServerIdentity } from './identity';
import { Ingestor } from './ingest';
import { SqliteServerStore } from './storage/sqlite';
import type { ServerStore } from './storage/types';

/** Composition root of the hospital server: one data folder, one store, one identity. */
export const STORE_FILE = 'server.db';

export interface ServerApp {
  dataDir: string;
  store: ServerStore;
  identity: ServerIdentity;
  ingestor: Ingestor;
  clock: Clock;
  logger: Logger;
  close(): Promise<void>;
}

export function openServerApp(dataDir: string, opts: { clock?: Clock; logger?: Logger; store?: ServerStore } = {}): ServerApp {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger({ clock }).child({ component: 'sync-server' });
  const identity = loadOrCreateIdentity(dataDir);
  const store = opts.store ?? new SqliteServerStore(join(dataDir, STORE_FILE));
  const ingestor = new Ingestor({ store, identity, clock, logger });
  return { dataDir, store, identity, ingestor, clock, logger, close: () => store.close() };
}
