import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { AuditActor, AuditEntry, AuditRecord } from '../../../shared/audit/entry';
import { AuditFilter, type AuditFilterCriteria, type AuditPage } from '../../../shared/audit/filter';
import { canonicalJson } from '../../../shared/canonical-json';
import { AppError } from '../../../shared/errors';
import { recordRead } from '../db/unit-of-work';
import type { AuditLog } from './log';

type Criteria = AuditFilterCriteria;

function iso(value: string, path: string): string {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new AppError('BAD_INPUT', undefined, { issues: [{ path, message: 'not a date-time' }] });
  // Stored times are toISOString() (fixed width, UTC), so they compare correctly as text.
  return new Date(ms).toISOString();
}

/** WHERE clause over the generated (hash-derived) columns; every value is a bound parameter. */
export function whereFor(c: Criteria): { sql: string; params: Array<string | number> } {
  const parts: string[] = [];
  const params: Array<string | number> = [];
  if (c.actorUserId !== undefined) {
    parts.push('actor_user_id = ?');
    params.push(c.actorUserId);
  }
  if (c.actorType !== undefined) {
    parts.push('actor_type = ?');
    params.push(c.actorType);
  }
  if (c.actions !== undefined) {
    parts.push(`action IN (${c.actions.map(() => '?').join(', ')})`);
    params.push(...c.actions);
  }
  if (c.actionPrefix !== undefined) {
    // "absence." -> ["absence.", "absence/"): an index range instead of LIKE.
    parts.push('action >= ? AND action < ?');
    params.push(c.actionPrefix, c.actionPrefix.slice(0, -1) + '/');
  }
  if (c.resourceType !== undefined) {
    parts.push('resource_type = ?');
    params.push(c.resourceType);
  }
  if (c.resourceId !== undefined) {
    parts.push('resource_id = ?');
    params.push(c.resourceId);
  }
  if (c.personId !== undefined) {
    parts.push('subject_id = ?');
    params.push(c.personId);
  }
  if (c.outcome !== undefined) {
    parts.push('outcome = ?');
    params.push(c.outcome);
    // Lets SQLite use the partial index of non-success entries.
    if (c.outcome !== 'success') parts.push("outcome <> 'success'");
  }
  if (c.from !== undefined) {
    parts.push('time >= ?');
    params.push(iso(c.from, 'from'));
  }
  if (c.to !== undefined) {
    parts.push('time < ?');
    params.push(iso(c.to, 'to'));
  }
  return { sql: parts.length > 0 ? parts.join(' AND ') : '1', params };
}

interface Row {
  seq: number;
  entry: string | null;
  leaf: Buffer | null;
}

export function toRecord(r: Row): AuditRecord {
  return {
    seq: r.seq,
    leafHash: r.leaf ? r.leaf.toString('base64') : '',
    entry: r.entry ? (JSON.parse(r.entry) as AuditEntry) : null,
  };
}

/**
 * Searches the audit trail, newest first, keyset-paginated on seq (stable while the log grows:
 * new entries never shift a page). Does not itself write an audit entry: use searchAuditAs.
 */
export function searchAudit(db: Database, filter: AuditFilter): AuditPage {
  const f = AuditFilter.parse(filter);
  const { sql, params } = whereFor(f);
  const cursor = f.beforeSeq !== undefined ? ' AND e.seq < ?' : '';
  const rows = db
    .prepare(
      `SELECT e.seq AS seq, e.entry AS entry, n.hash AS leaf FROM audit_entry e
       LEFT JOIN audit_node n ON n.level = 0 AND n.idx = e.seq
       WHERE ${sql}${cursor} ORDER BY e.seq DESC LIMIT ?`,
    )
    .all(...params, ...(f.beforeSeq !== undefined ? [f.beforeSeq] : []), f.limit + 1) as Row[];
  const more = rows.length > f.limit;
  const page = more ? rows.slice(0, f.limit) : rows;
  return { records: page.map(toRecord), nextCursor: more ? (page[page.length - 1] as Row).seq : null };
}

/** Searches and records who read the logs (audit.search), in one step. */
export function searchAuditAs(db: Database, log: AuditLog, actor: AuditActor, filter: AuditFilter): AuditPage {
  const page = searchAudit(db, filter);
  const f = AuditFilter.parse(filter);
  const { beforeSeq, limit, ...criteria } = f;
  recordRead(db, log, actor, {
    action: 'audit.search',
    resourceType: 'audit_log',
    resourceId: null,
    ...(criteria.personId !== undefined ? { subject: criteria.personId } : {}),
    details: {
      filter: canonicalJson(criteria).slice(0, 1000),
      beforeSeq: beforeSeq ?? null,
      limit,
      returned: page.records.length,
    },
  });
  return page;
}
