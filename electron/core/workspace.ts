import { AppError } from '../../shared/errors';
import type { Database } from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { AuditLog } from './audit/log';
import { signerFromKey } from './audit/signer';
import type { Clock } from './clock';
import type { IdGenerator } from './ids';
import type { Logger } from './logger';
import { bindUnit, type RecordRead, type Unit } from './schedule/change';
import { ScheduleService } from './schedule/service';
import { openScheduleStore, type ScheduleStore } from './schedule/store';
import { getDeviceSigningKey } from './vault/index';

/**
 * Everything bound to one open vault connection: its audit log (exactly one per connection, since the
 * log caches the tree's frontier), the audited unit of work, and the scheduling services. Created on
 * first use after unlock and dropped with the connection, so a lock leaves nothing behind.
 */
export interface Workspace {
  db: Database;
  audit: AuditLog;
  unit: Unit;
  read: RecordRead;
  store: ScheduleStore;
  service: ScheduleService;
}

export interface WorkspaceDeps {
  dataDir: string;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** Sees the workspace after each unit of work that wrote audit entries (security detection). */
  afterUnit?: (ws: Workspace) => void;
}

const workspaces = new WeakMap<Database, Workspace>();

/**
 * After an await: the vault may have been locked (and another opened, or a rekey replaced the
 * connection) meanwhile; work read from `ws` must not go on against another database.
 */
export function assertSameVault(current: () => Workspace, ws: Workspace): void {
  if (current().db !== ws.db) throw new AppError('VAULT_LOCKED');
}

export function workspaceFor(db: Database, deps: WorkspaceDeps): Workspace {
  const cached = workspaces.get(db);
  if (cached) return cached;
  const afterUnit = deps.afterUnit;
  const audit = AuditLog.open(db, {
    clock: deps.clock,
    signer: signerFromKey(getDeviceSigningKey(db)),
    anchorPath: join(deps.dataDir, 'audit-anchor.json'),
    logger: deps.logger.child({ module: 'audit' }),
    ...(afterUnit
      ? {
          afterUnit: () => {
            const ws = workspaces.get(db);
            if (ws) afterUnit(ws);
          },
        }
      : {}),
  });
  const { unit, read } = bindUnit(db, audit);
  const store = openScheduleStore(db);
  // The logger masks every person name the vault holds, wherever a careless message would carry one.
  const names = (list: ReadonlyArray<{ displayName: string }>) => deps.logger.redactor.addNames(list.map((p) => p.displayName));
  names(store.people.all());
  const service = new ScheduleService(store, unit, deps.ids, deps.clock, (person) => names([person]));
  const ws: Workspace = { db, audit, unit, read, store, service };
  workspaces.set(db, ws);
  return ws;
}
