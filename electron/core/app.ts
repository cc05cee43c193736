import { contract, type AppContract } from '../../shared/contract/index';
import { systemClock, type Clock } from './clock';
import { createDispatcher, type CoreServices, type Dispatcher, type Handlers } from './dispatcher';
import { randomIds, type IdGenerator } from './ids';
import { createLogger, type Logger } from './logger';
import { MemorySessions } from './session';
import { systemHandlers } from './system/handlers';
import { APP_VERSION } from './version';

export interface CoreOptions {
  /** Folder holding the vault (vault.db, keystore, anchors). */
  dataDir: string;
  transport: 'electron' | 'preview' | 'in-process';
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
}

export interface Core {
  readonly dispatcher: Dispatcher;
  readonly services: CoreServices;
  readonly sessions: MemorySessions;
  /** Ends every session and closes the vault (lock, quit, suspend). */
  lockAll(): void;
  shutdown(): void;
}

/**
 * The composition root of the core: every domain module's handlers are wired here, once, with
 * explicit dependencies. Electron, the preview bridge, the CLI and tests all build the core this way.
 */
export function createCore(opts: CoreOptions): Core {
  const clock = opts.clock ?? systemClock;
  const services: CoreServices = {
    clock,
    ids: opts.ids ?? randomIds,
    logger: opts.logger ?? createLogger({ clock }),
  };
  const sessions = new MemorySessions();
  const handlers: Handlers<AppContract> = {
    ...systemHandlers({ version: APP_VERSION, dataDir: opts.dataDir, transport: opts.transport, isUnlocked: () => false }),
  };
  const dispatcher = createDispatcher({ contract, handlers, services, sessions });
  return {
    dispatcher,
    services,
    sessions,
    lockAll: () => sessions.endAll(),
    shutdown: () => sessions.endAll(),
  };
}
