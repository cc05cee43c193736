import type { Database } from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../../shared/errors';
import { SecurityAlert, type AlertStatus } from '../../../shared/security/alerts';
import { DEFAULT_SECURITY_SETTINGS, SecuritySettings } from '../../../shared/security/settings';

/** The security tables (migration 60) as plain functions over the vault connection. */

export function readSettings(db: Database): SecuritySettings {
  const raw = db.prepare('SELECT data FROM security_settings WHERE id = 1').pluck().get() as string | undefined;
  if (raw === undefined) return DEFAULT_SECURITY_SETTINGS;
  const parsed = SecuritySettings.safeParse(JSON.parse(raw));
  // Something this code did not write (or a floor lowered by hand): refuse rather than run with it.
  if (!parsed.success) throw new AppError('DATABASE_DAMAGED', undefined, { details: { table: 'security_settings' } });
  return parsed.data;
}

export function writeSettings(db: Database, s: SecuritySettings): void {
  const valid = SecuritySettings.parse(s);
  db.prepare('INSERT INTO security_settings (id, data) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data').run(JSON.stringify(valid));
}

export type StateKey =
  | 'cursor'
  | 'syncAlertCursor'
  | 'maxTime'
  | 'lastVerifyAt'
  | 'lastPurgeAt'
  | 'incidentCounter'
  // The tamper-evidence file beside the vault (evidence.ts): its MAC key, lines consumed, last line's hash.
  | 'evidenceKey'
  | 'evidenceCount'
  | 'evidenceHead'
  | 'anchorFlagged';

export function getState(db: Database, key: StateKey): string | null {
  const v = db.prepare('SELECT value FROM security_state WHERE key = ?').pluck().get(key) as string | undefined;
  return v ?? null;
}

export function setState(db: Database, key: StateKey, value: string): void {
  db.prepare('INSERT INTO security_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

export function insertAlert(db: Database, a: SecurityAlert, dedupeKey: string): void {
  db.prepare('INSERT INTO security_alert (id, rule, dedupe_key, raised_at, last_seq, status, data) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    a.id,
    a.rule,
    dedupeKey,
    a.raisedAt,
    a.lastSeq,
    a.status,
    JSON.stringify(a),
  );
}

export function updateAlert(db: Database, a: SecurityAlert): void {
  db.prepare('UPDATE security_alert SET status = ?, data = ? WHERE id = ?').run(a.status, JSON.stringify(a), a.id);
}

function parseAlert(raw: string): SecurityAlert {
  const parsed = SecurityAlert.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new AppError('DATABASE_DAMAGED', undefined, { details: { table: 'security_alert' } });
  return parsed.data;
}

export function getAlert(db: Database, id: string): SecurityAlert | null {
  const raw = db.prepare('SELECT data FROM security_alert WHERE id = ?').pluck().get(id) as string | undefined;
  return raw === undefined ? null : parseAlert(raw);
}

export function listAlerts(db: Database, opts: { status?: AlertStatus; limit: number }): SecurityAlert[] {
  const rows = (
    opts.status
      ? db.prepare('SELECT data FROM security_alert WHERE status = ? ORDER BY raised_at DESC, rowid DESC LIMIT ?').pluck().all(opts.status, opts.limit)
      : db.prepare('SELECT data FROM security_alert ORDER BY raised_at DESC, rowid DESC LIMIT ?').pluck().all(opts.limit)
  ) as string[];
  return rows.map(parseAlert);
}

/** The highest audit seq already covered by an alert of this rule and key (events are counted once). */
export function lastAlertSeq(db: Database, rule: string, dedupeKey: string): number {
  const v = db.prepare('SELECT max(last_seq) FROM security_alert WHERE rule = ? AND dedupe_key = ?').pluck().get(rule, dedupeKey) as number | null;
  return v ?? -1;
}

/** Queues an alert for the hospital server (see docs/security-operations.md, "Outbox"). */
export function enqueueOutbox(db: Database, kind: 'alert', refId: string, at: string, payload: Record<string, unknown>): void {
  db.prepare('INSERT INTO security_outbox (kind, ref_id, created_at, payload) VALUES (?, ?, ?, ?)').run(kind, refId, at, JSON.stringify(payload));
}

export interface OutboxItem {
  id: number;
  kind: string;
  refId: string;
  createdAt: string;
  payload: string;
}

/** For the sync module: unsent items in order. */
export function readSecurityOutbox(db: Database, limit = 500): OutboxItem[] {
  return db
    .prepare('SELECT id, kind, ref_id AS refId, created_at AS createdAt, payload FROM security_outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?')
    .all(limit) as OutboxItem[];
}

/** For the sync module: marks these rows sent once a verified alert receipt named them. */
export function markSecurityOutboxRowsSent(db: Database, ids: readonly number[], at: string): number {
  const mark = db.prepare('UPDATE security_outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL');
  return db.transaction(() => ids.reduce((n, id) => n + mark.run(at, id).changes, 0))();
}

export function countSecurityOutboxUnsent(db: Database): number {
  return db.prepare('SELECT count(*) FROM security_outbox WHERE sent_at IS NULL').pluck().get() as number;
}

/** For the sync module: marks items up to `upToId` sent once the server acknowledged them. */
export function markSecurityOutboxSent(db: Database, upToId: number, at: string): number {
  return db.prepare('UPDATE security_outbox SET sent_at = ? WHERE id <= ? AND sent_at IS NULL').run(at, upToId).changes;
}
