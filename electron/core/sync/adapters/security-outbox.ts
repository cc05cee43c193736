import type { Database } from 'better-sqlite3-multiple-ciphers';
import { countSecurityOutboxUnsent, markSecurityOutboxRowsSent, readSecurityOutbox } from '../../security/store';
import type { SyncAlertOutbox } from '../device';

/**
 * Adapter over the security module's outbox (security_outbox, migration 60): the alerts its
 * detection rules queued, read in order and marked sent only after a verified alert receipt.
 */
export function securityOutbox(db: Database): SyncAlertOutbox {
  return {
    pending: (limit) => readSecurityOutbox(db, limit).map((r) => ({ outboxId: r.id, payload: r.payload })),
    markSent: (ids, at) => void markSecurityOutboxRowsSent(db, ids, at),
    waiting: () => countSecurityOutboxUnsent(db),
  };
}
