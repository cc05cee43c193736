import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { AuditAction } from '../../../shared/audit/actions';
import type { AuditActor, AuditDetails } from '../../../shared/audit/entry';
import { AppError } from '../../../shared/errors';
import type { Role } from '../../../shared/rbac';
import type { AuditLog } from '../audit/log';
import { recordOutcome, recordRead, runChange, type ChangeRecord } from '../db/unit-of-work';
import type { AccountsAuditAction, AccountsAuditEntry, AuditPort } from './audit-port';

/**
 * Binds the accounts audit port to the audit module's unit of work (electron/core/db/
 * unit-of-work.ts) and its enumerated actions. The accounts module speaks in its own event names
 * (which say failure vs success, lock-out vs update); this table is the one place they meet.
 * Severity and the break-glass flag travel as details, since the log's entry has no such fields.
 */
const ACTION: Record<AccountsAuditAction, AuditAction> = {
  'auth.vault_created': 'vault.create',
  'auth.vault_restored': 'vault.restore',
  'auth.login': 'auth.login',
  'auth.login_failed': 'auth.login',
  'auth.logout': 'auth.logout',
  'auth.lock': 'vault.lock',
  'auth.session_expired': 'auth.session_expired',
  'auth.password_changed': 'auth.password_change',
  'auth.recovered': 'vault.recovery_used',
  'auth.mfa_enrolled': 'auth.mfa_enroll',
  'auth.mfa_disabled': 'auth.mfa_reset',
  'auth.breakglass_started': 'breakglass.start',
  'auth.breakglass_ended': 'breakglass.end',
  'auth.breakglass_action': 'breakglass.read',
  'auth.consent_accepted': 'auth.consent_accept',
  'auth.signin_file_tampered': 'vault.unlock',
  'auth.access_denied': 'access.denied',
  'users.created': 'user.create',
  'users.updated': 'user.update',
  'users.role_changed': 'user.role_change',
  'users.status_changed': 'user.update',
  'users.password_reset': 'user.password_reset',
  'users.unlocked': 'user.unlock',
  'users.locked_out': 'user.update',
  'users.mfa_reset': 'auth.mfa_reset',
  'users.policies_changed': 'settings.update',
};

function actionFor(e: AccountsAuditEntry): AuditAction {
  if (e.action === 'users.status_changed') return e.after?.status === 'disabled' ? 'user.disable' : 'user.enable';
  return ACTION[e.action];
}

function actorFor(db: Database, userId: string | null): AuditActor {
  if (!userId) return { type: 'system', component: 'accounts' };
  const role = db.prepare('SELECT role FROM users WHERE id = ?').pluck().get(userId) as Role | undefined;
  return role ? { type: 'user', userId, role, sessionId: null } : { type: 'system', component: 'accounts' };
}

function toChange(e: AccountsAuditEntry): ChangeRecord {
  const details: AuditDetails = { event: e.action, severity: e.severity };
  if (e.flags?.length) details.flags = e.flags.join(',');
  if (e.occurredAt) details.occurredAt = e.occurredAt;
  if (e.correlationId) details.correlationId = e.correlationId;
  let reason: string | undefined;
  for (const [k, v] of Object.entries(e.details ?? {})) {
    // A break-glass reason is the person's free text: it belongs in the entry's reason field.
    if (k === 'reason' && e.action === 'auth.breakglass_started' && typeof v === 'string' && v.length > 0) reason = v;
    else details[k] = v;
  }
  const isCall = e.action === 'auth.access_denied' || e.action === 'auth.breakglass_action';
  const call = typeof e.details?.call === 'string' ? e.details.call : null;
  return {
    action: actionFor(e),
    resourceType: isCall ? 'call' : 'user',
    resourceId: isCall ? call : (e.subjectUserId ?? e.actorUserId ?? null),
    ...(e.before !== undefined ? { before: e.before } : {}),
    ...(e.after !== undefined ? { after: e.after } : {}),
    ...(reason ? { reason } : {}),
    details,
  };
}

/**
 * `tap` sees each entry after its transaction committed (tests and diagnostics); production passes
 * none, so nothing of the trail is kept in memory.
 */
export function createAuditLogPort(logFor: (db: Database) => AuditLog, tap?: (entry: AccountsAuditEntry) => void): AuditPort {
  return {
    unitOfWork(db, fn) {
      const log = logFor(db);
      // The writes and every entry in one transaction; each entry is appended as its own actor
      // (runChange nests as a savepoint), looked up after the writes so a new account can act.
      const staged: AccountsAuditEntry[] = [];
      const out = db.transaction(() => {
        const result = fn((e) => staged.push(e));
        if (staged.length === 0) throw new AppError('INTERNAL', 'A change must record at least one audit entry.');
        for (const e of staged) runChange(db, log, actorFor(db, e.actorUserId), (tx) => tx.record(toChange(e)));
        return result;
      }).immediate();
      // Committed: a checkpoint the nested units signed may now reach the anchor.
      log.writePendingAnchor();
      for (const e of staged) tap?.(e);
      return out;
    },
    recordOutcome(db, e) {
      const log = logFor(db);
      const change = toChange(e);
      const actor = actorFor(db, e.actorUserId);
      if (e.action === 'auth.breakglass_action') recordRead(db, log, actor, change);
      else if (e.outcome === 'success') runChange(db, log, actor, (tx) => tx.record(change));
      else recordOutcome(db, log, actor, { ...change, outcome: e.outcome === 'denied' ? 'denied' : 'failed' });
      tap?.(e);
    },
  };
}
