import { join } from 'node:path';
import { contract, type AppContract } from '../../shared/contract/index';
import { auditHandlers } from './audit-calls/handlers';
import { createAccounts, type Accounts, type LockReason } from './accounts/index';
import { createAuditLogPort } from './accounts/audit-log-port';
import type { AccountsAuditEntry } from './accounts/audit-port';
import { createFieldFilter } from './accounts/field-filter';
import { systemClock, type Clock } from './clock';
import { demoHandlers } from './demo/index';
import { exchangeHandlers } from './exchange/index';
import { generateHandlers } from './generate/index';
import { createDispatcher, type CoreServices, type Dispatcher, type Handlers } from './dispatcher';
import { randomIds, type IdGenerator } from './ids';
import { createLogger, type Logger } from './logger';
import { ComplianceRunner } from './schedule/compliance-runner';
import { scheduleHandlers } from './schedule/handlers';
import { createVaultPort } from './accounts/vault-port';
import { liveDetection, securityHandlers, withTamperEvidence } from './security/index';
import { createSyncLifecycle, syncHandlers } from './sync-calls/index';
import { systemHandlers } from './system/handlers';
import { vaultHandlers } from './vault-calls/handlers';
import { APP_VERSION } from './version';
import { workspaceFor } from './workspace';

export interface CoreOptions {
  /** Folder holding the vault (vault.db, keystore, anchors). */
  dataDir: string;
  transport: 'electron' | 'preview' | 'in-process';
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  /** The vault was locked (idle, OS lock screen, logout): the shell reloads the renderer. */
  onLocked?: (reason: LockReason) => void;
  /** How often idle and absolute timeouts are checked (ms); 0 = only on calls and sweep(). */
  sweepEveryMs?: number;
  /** Sees each accounts audit entry after it committed (tests, diagnostics); off in production. */
  auditTap?: (entry: AccountsAuditEntry) => void;
}

export interface Core {
  readonly dispatcher: Dispatcher;
  readonly services: CoreServices;
  readonly accounts: Accounts;
  /** Whether the vault is open (someone is signed in). */
  isUnlocked(): boolean;
  /**
   * Locks now: ends every session, closes the database, zeroes keys, then calls onLocked so the
   * shell reloads the renderer. The Electron glue calls it on lock-screen and suspend.
   */
  lock(reason?: LockReason): void;
  /** Same as lock() (kept for the Electron glue). */
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
  // Sync follows the vault: it sees each connection's workspace (the unlock) and stops at every lock.
  const sync = createSyncLifecycle({
    dataDir: opts.dataDir,
    services,
    openDb: () => (accounts.isUnlocked() ? accounts.vault().db : null),
    workspace: () => workspace(),
  });
  // Detection rules run on the entries each committed unit of work wrote (security/live.ts).
  const afterUnit = liveDetection({ ...services, dataDir: opts.dataDir });
  const workspaceOf = (db: Parameters<typeof workspaceFor>[0]) => sync.attach(workspaceFor(db, { dataDir: opts.dataDir, ...services, afterUnit }));
  const accounts = createAccounts({
    dataDir: opts.dataDir,
    services,
    // Keystore or database damage found before unlock is kept beside the vault until the next one.
    vault: withTamperEvidence(createVaultPort(services), services),
    audit: createAuditLogPort((db) => workspaceOf(db).audit, opts.auditTap),
    onLocked: (reason) => {
      sync.stop();
      // After an emergency destruction the renderer shows the certificate summary, then reloads itself.
      if (reason !== 'destroyed') opts.onLocked?.(reason);
    },
    ...(opts.sweepEveryMs !== undefined ? { sweepEveryMs: opts.sweepEveryMs } : {}),
  });
  // Everything bound to the open vault (audit log, unit of work, scheduling services).
  const workspace = () => workspaceOf(accounts.vault().db);
  const complianceRunner = new ComplianceRunner(services.logger.child({ module: 'compliance' }));
  const handlers: Handlers<AppContract> = {
    ...systemHandlers({ version: APP_VERSION, dataDir: opts.dataDir, transport: opts.transport, isUnlocked: accounts.isUnlocked }),
    ...accounts.handlers,
    ...scheduleHandlers({ workspace, runner: complianceRunner }),
    ...auditHandlers({ workspace, anchorPath: join(opts.dataDir, 'audit-anchor.json') }),
    ...demoHandlers({ workspace }),
    ...exchangeHandlers({ workspace, runner: complianceRunner }),
    ...generateHandlers({ workspace }),
    ...securityHandlers({ workspace, vault: accounts.vault, isUnlocked: accounts.isUnlocked, anchorPath: join(opts.dataDir, 'audit-anchor.json'), services, sweepEveryMs: opts.sweepEveryMs ?? 60_000 }),
    ...syncHandlers({ sync, onDenied: accounts.onDenied }),
    ...vaultHandlers({
      vault: accounts.vault,
      workspace,
      reauthenticate: accounts.reauthenticate,
      secretContext: accounts.secretContext,
      // The lock inside stops sync (onLocked below) and, for 'destroyed', does not reload the renderer.
      beginDestruction: accounts.beginDestruction,
      destructionFailed: () => opts.onLocked?.('destruction_failed'),
    }),
  };
  const dispatcher = createDispatcher({
    contract,
    handlers,
    services,
    sessions: accounts.sessions,
    onDenied: accounts.onDenied,
    onBreakGlassCall: accounts.onBreakGlassCall,
    filterOutput: createFieldFilter(contract, () => clock.nowMs()),
    allowedWhilePending: accounts.allowedWhilePending,
  });
  const lock = (reason: LockReason = 'user'): void => {
    sync.stop();
    accounts.lock(reason);
  };
  return {
    dispatcher,
    services,
    accounts,
    isUnlocked: accounts.isUnlocked,
    lock,
    lockAll: () => lock('os-lock-screen'),
    shutdown: () => {
      lock('shutdown');
      accounts.dispose();
      void complianceRunner.stop();
    },
  };
}
