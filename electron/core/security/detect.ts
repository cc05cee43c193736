import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { AlertRule } from '../../../shared/security/alerts';
import { minuteOfDay, type DetectionSettings, type WindowRule } from '../../../shared/security/settings';
import { weekdayOf } from '../../../shared/compliance/time/civil';
import { instantToLocal } from '../../../shared/compliance/time/zone';
import { listDeviceAlerts } from '../sync/device-store';
import { lastAlertSeq } from './store';

/**
 * The detection rules (docs/security-operations.md, "Detection"). They read the audit stream in
 * order from a cursor, so every entry is looked at once whichever path triggered the evaluation
 * (a security call, the periodic sweep, an explicit evaluate). Window rules count events in
 * (t - T, t] that no earlier alert of the same rule and key already covered, so a burst raises one
 * alert, and the next alert needs `threshold` new events.
 */

export interface Hit {
  rule: AlertRule;
  /** What counts as "the same" for suppression: the device, a user, one event. */
  dedupeKey: string;
  userId: string | null;
  occurredAt: string;
  count: number;
  firstSeq: number | null;
  lastSeq: number | null;
  details: Record<string, string | number | boolean | null>;
}

interface Entry {
  seq: number;
  time: string;
  action: string;
  outcome: string;
  actor: { type: string; userId?: string };
  resource: { type: string; id: string | null };
  subject?: string;
  details?: Record<string, unknown>;
}

/** Reads that show a person's record (or protected details) to the actor. */
export const PERSON_READ_ACTIONS = ['person.read_details', 'absence.read_details', 'breakglass.read'] as const;
/** Exports of identifiable data; `details.people` (else `count`) says how many person records. */
export const EXPORT_ACTION_PREFIX = 'export.';

/** Never evaluated: the detector's own output would otherwise feed itself. */
const OWN_ACTIONS = new Set(['alert.raise', 'alert.update']);

function effectiveTime(e: Entry): string {
  // Failures counted while the vault was locked are written at the next unlock with the time they
  // happened; the burst happened then, not at the unlock.
  const occ = e.details?.occurredAt;
  return typeof occ === 'string' ? occ : e.time;
}

function windowStart(t: string, rule: WindowRule): string {
  return new Date(Date.parse(t) - rule.windowMinutes * 60_000).toISOString();
}

export interface DetectContext {
  db: Database;
  settings: DetectionSettings;
  timeZone: string;
  /** Alerts raised earlier in this same evaluation (not yet in the table). */
  pending: Map<string, number>;
}

function coveredUpTo(ctx: DetectContext, rule: AlertRule, key: string): number {
  return Math.max(lastAlertSeq(ctx.db, rule, key), ctx.pending.get(`${rule}\u0000${key}`) ?? -1);
}

export function notePending(ctx: DetectContext, hit: Hit): void {
  if (hit.lastSeq !== null) ctx.pending.set(`${hit.rule}\u0000${hit.dedupeKey}`, hit.lastSeq);
}

interface Row {
  seq: number;
  time: string;
  occ: string | null;
}

/** Events of one kind in the window ending at `e`, after the last alert of the same rule and key. */
function windowEvents(ctx: DetectContext, rule: AlertRule, key: string, e: Entry, w: WindowRule, where: string, args: Array<string | number>): Row[] {
  const t = effectiveTime(e);
  const from = windowStart(t, w);
  const after = coveredUpTo(ctx, rule, key);
  // `time >= from` is a superset: an entry's own time is never before the time it records.
  const rows = ctx.db
    .prepare(`SELECT seq, time, json_extract(entry, '$.details.occurredAt') AS occ FROM audit_entry WHERE ${where} AND seq > ? AND seq <= ? AND time > ?`)
    .all(...args, after, e.seq, from) as Row[];
  return rows.filter((r) => {
    const rt = r.occ ?? r.time;
    return rt > from && rt <= t;
  });
}

function windowHit(rule: AlertRule, key: string, userId: string | null, e: Entry, rows: Row[], w: WindowRule, extra: Hit['details'] = {}): Hit {
  return {
    rule,
    dedupeKey: key,
    userId,
    occurredAt: effectiveTime(e),
    count: rows.length,
    firstSeq: rows[0]?.seq ?? e.seq,
    lastSeq: e.seq,
    details: { windowMinutes: w.windowMinutes, threshold: w.threshold, ...extra },
  };
}

function single(rule: AlertRule, e: Entry, userId: string | null, details: Hit['details']): Hit {
  return { rule, dedupeKey: `seq:${e.seq}`, userId, occurredAt: effectiveTime(e), count: 1, firstSeq: e.seq, lastSeq: e.seq, details };
}

function isLoginFailure(e: Entry): boolean {
  return e.action === 'auth.login' && e.outcome !== 'success' && e.details?.reason !== 'account_disabled';
}

/** Runs every entry rule on one entry. */
export function evaluateEntry(ctx: DetectContext, e: Entry): Hit[] {
  if (OWN_ACTIONS.has(e.action)) return [];
  const s = ctx.settings;
  const hits: Hit[] = [];
  const userId = e.actor.type === 'user' ? (e.actor.userId ?? null) : null;

  if (isLoginFailure(e)) {
    const rows = windowEvents(ctx, 'failed_login_burst', 'device', e, s.failedLogins, "action = 'auth.login' AND outcome <> 'success' AND coalesce(json_extract(entry, '$.details.reason'), '') <> 'account_disabled'", []);
    if (rows.length >= s.failedLogins.threshold) hits.push(windowHit('failed_login_burst', 'device', null, e, rows, s.failedLogins));
  }

  if (e.action === 'auth.login' && e.outcome !== 'success' && e.details?.reason === 'account_disabled') {
    const account = e.resource.id ?? 'unknown';
    const rows = windowEvents(ctx, 'disabled_account_login', account, e, s.disabledAccountLogins, "action = 'auth.login' AND outcome <> 'success' AND json_extract(entry, '$.details.reason') = 'account_disabled' AND coalesce(resource_id, 'unknown') = ?", [account]);
    if (rows.length >= s.disabledAccountLogins.threshold) {
      hits.push(windowHit('disabled_account_login', account, e.resource.id, e, rows, s.disabledAccountLogins));
    }
  }

  if (e.action === 'auth.login' && e.outcome === 'success' && s.loginHours.enabled && userId) {
    const local = instantToLocal(ctx.timeZone, Math.floor(Date.parse(e.time) / 60_000));
    const weekday = weekdayOf(local.epochDay) + 1;
    const start = minuteOfDay(s.loginHours.start);
    const end = minuteOfDay(s.loginHours.end);
    const inHours = s.loginHours.weekdays.includes(weekday) && local.minuteOfDay >= start && local.minuteOfDay < end;
    if (!inHours) hits.push(single('login_outside_hours', e, userId, { localMinute: local.minuteOfDay, weekday, method: typeof e.details?.method === 'string' ? e.details.method : null }));
  }

  if (e.action === 'access.denied' && e.outcome === 'denied' && e.details?.code === 'FORBIDDEN' && userId) {
    const rows = windowEvents(ctx, 'access_denied_burst', userId, e, s.deniedAccess, "action = 'access.denied' AND outcome = 'denied' AND json_extract(entry, '$.details.code') = 'FORBIDDEN' AND actor_user_id = ?", [userId]);
    if (rows.length >= s.deniedAccess.threshold) hits.push(windowHit('access_denied_burst', userId, userId, e, rows, s.deniedAccess));
  }

  const isRead = (PERSON_READ_ACTIONS as readonly string[]).includes(e.action) && e.subject !== undefined;
  const isExport = e.action.startsWith(EXPORT_ACTION_PREFIX);
  if (userId && (isRead || isExport)) {
    const hit = massAccess(ctx, e, userId);
    if (hit) hits.push(hit);
  }

  if ((e.action === 'audit.verify' && e.details?.ok === false) || e.action === 'audit.checkpoint_refused') {
    hits.push(single('audit_verification_failed', e, userId, { action: e.action, size: typeof e.details?.size === 'number' ? e.details.size : null }));
  }

  if (e.details?.event === 'auth.signin_file_tampered' || (e.action === 'vault.unlock' && e.outcome !== 'success')) {
    hits.push(single('tamper_detected', e, null, { source: 'signin_file', finding: typeof e.details?.finding === 'string' ? e.details.finding : null }));
  }

  if (e.action === 'breakglass.start' && e.outcome === 'success') hits.push(single('break_glass_used', e, userId, {}));
  return hits;
}

function personCount(details: Record<string, unknown> | undefined): number {
  const n = details?.people ?? details?.count;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/** More than K person records read or exported by one user within T. */
function massAccess(ctx: DetectContext, e: Entry, userId: string): Hit | null {
  const w = ctx.settings.massAccess;
  const t = effectiveTime(e);
  const from = windowStart(t, w);
  const after = coveredUpTo(ctx, 'mass_access', userId);
  const reads = PERSON_READ_ACTIONS.map(() => '?').join(', ');
  const rows = ctx.db
    .prepare(
      `SELECT seq, action, subject_id AS subject, json_extract(entry, '$.details') AS details FROM audit_entry
       WHERE actor_user_id = ? AND seq > ? AND seq <= ? AND time > ? AND ((action IN (${reads}) AND subject_id IS NOT NULL) OR action LIKE 'export.%')`,
    )
    .all(userId, after, e.seq, from, ...PERSON_READ_ACTIONS) as Array<{ seq: number; action: string; subject: string | null; details: string | null }>;
  const subjects = new Set<string>();
  let exported = 0;
  for (const r of rows) {
    if (r.action.startsWith(EXPORT_ACTION_PREFIX)) exported += personCount(r.details ? (JSON.parse(r.details) as Record<string, unknown>) : undefined);
    else if (r.subject) subjects.add(r.subject);
  }
  const total = subjects.size + exported;
  if (total <= w.threshold) return null;
  return {
    rule: 'mass_access',
    dedupeKey: userId,
    userId,
    occurredAt: t,
    count: total,
    firstSeq: rows[0]?.seq ?? e.seq,
    lastSeq: e.seq,
    details: { windowMinutes: w.windowMinutes, threshold: w.threshold, distinctRead: subjects.size, exported },
  };
}

/** The clock moved back: an entry (or now) earlier than the latest time already seen. */
export function clockHit(maxTime: string | null, t: string, toleranceSeconds: number, e: { seq: number } | null): Hit | null {
  if (!maxTime) return null;
  const back = Date.parse(maxTime) - Date.parse(t);
  if (back <= toleranceSeconds * 1000) return null;
  return {
    rule: 'clock_backwards',
    // One alert per high-water mark: until the clock catches up, every entry would repeat it.
    dedupeKey: `max:${maxTime}`,
    userId: null,
    occurredAt: t,
    count: 1,
    firstSeq: e?.seq ?? null,
    lastSeq: e?.seq ?? null,
    details: { secondsBack: Math.round(back / 1000), toleranceSeconds },
  };
}

/** Sync tamper alerts (fork, rollback, receipt problems) the sync module recorded after `afterId`. */
export function syncHits(db: Database, afterId: number): { hits: Hit[]; lastId: number } {
  let lastId = afterId;
  const hits: Hit[] = [];
  for (const a of listDeviceAlerts(db)) {
    if (a.id <= afterId) continue;
    lastId = Math.max(lastId, a.id);
    // The sync module's free-text detail stays on the device; the alert carries the kind only.
    hits.push({ rule: 'sync_fork_or_rollback', dedupeKey: `sync:${a.id}`, userId: null, occurredAt: a.at, count: 1, firstSeq: null, lastSeq: null, details: { kind: a.kind, syncAlertId: a.id } });
  }
  return { hits, lastId };
}

export type { Entry as DetectEntry };
