import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { AuditActor } from '../../shared/audit/entry';
import type { AuditAction } from '../../shared/audit/actions';
import { AppError } from '../../shared/errors';
import { ROLES, roleHas, type Permission, type Role } from '../../shared/rbac';
import type { Clock } from './clock';
import { randomIds } from './ids';
import type { Logger } from './logger';
import { workspaceFor } from './workspace';

/**
 * Administration commands open the vault with a key slot's password rather than through the app's
 * sign-in. A password proves only that its holder owns the slot, so the command must still check
 * that the slot's account may do what is asked (the app's own permission matrix), and record it.
 * The recovery slot stands for the program's recovery key holder and may do every key operation.
 */
export function authorizeSlot(db: Database, slotId: string, permission: Permission): AuditActor {
  if (slotId === 'recovery') return { type: 'system', component: 'cli-recovery-key' };
  const userId = slotId.startsWith('user:') ? slotId.slice('user:'.length) : '';
  const hasUsers = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'users'").get();
  const row = userId && hasUsers
    ? (db.prepare('SELECT role, status FROM users WHERE id = ?').get(userId) as { role: string; status: string } | undefined)
    : undefined;
  // A vault created by `rsched vault init` has no accounts yet: its first slot is its administrator.
  const anyUsers = hasUsers ? db.prepare('SELECT 1 FROM users LIMIT 1').get() : undefined;
  if (!anyUsers) return { type: 'system', component: 'cli-first-slot' };
  if (!row || row.status !== 'active' || !(ROLES as readonly string[]).includes(row.role) || !roleHas(row.role as Role, permission)) {
    throw new AppError('FORBIDDEN', `The account of key slot ${slotId} may not do this (needs ${permission}).`);
  }
  return { type: 'user', userId, role: row.role as Role, sessionId: null };
}

/** Writes the audit entry of a key operation done from the command line. */
export function recordKeyOperation(
  db: Database,
  deps: { dataDir: string; clock: Clock; logger: Logger },
  actor: AuditActor,
  action: AuditAction,
  vaultId: string,
  details: Record<string, string | number | boolean | null> = {},
): void {
  const ws = workspaceFor(db, { ...deps, ids: randomIds });
  ws.unit(actor, (tx) => tx.record({ action, resourceType: 'vault', resourceId: vaultId, details: { via: 'cli', ...details } }));
}
