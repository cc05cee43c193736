import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { AlertRule } from '../../../shared/security/alerts';
import { minuteOfDay, type DetectionSettings, type WindowRule } from '../../../shared/security/settings';
import { weekdayOf } from '../../../shared/compliance/time/civil';
import { instantToLocal } from '../../../shared/compliance/time/zone';
import { listDeviceAlertsAfter } from '../sync/device-store';
import { lastAlertSeq } from './store';

/**
 * The detection rules (docs/security-operations.md, "Detection"). They read the audit stream in
 * order from a cursor, so every entry is looked at once whichever path triggered the evaluation
 * (the commit that wrote it, a security call, the periodic sweep). Window rules count events in
 * (t - T, t] that no earlier alert of the same rule and key already covered, so a burst raises one
 * alert, and the next alert needs `threshold` new events. Their counts are kept incrementally per
 * rule and key (DetectState), never recounted from the trail per entry.
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

/** One counted event of a window rule: its seq, effective time (ms) and weight (exports count people). */
interface Ev {
  seq: number;
  t: number;
  n: number;
}

/**
 * The incremental state of one window rule for one key (the device, a user, an account), kept per
 * vault connection: the events still inside the horizon and the last seq an alert already covered.
 * Seeded once from the trail (an indexed, window-bounded read), then updated entry by entry, so an
 * entry costs work proportional to the events in its window, never a scan of the trail's history.
 */
interface KeyWindow {
  covered: number;
  maxT: number;
  events: Ev[];
  /** mass_access: the latest read of each person record (a record counts once however often read). */
  subjects: Map<string, Ev>;
}

/** Window state of every rule and key, for one connection and one version of the settings. */
export interface DetectState {
  settingsKey: string;
  windows: Map<string, KeyWindow>;
}

export function newDetectState(settings: DetectionSettings): DetectState {
  return { settingsKey: JSON.stringify(settings), windows: new Map() };
}

export interface DetectContext {
  db: Database;
  settings: DetectionSettings;
  timeZone: string;
  state: DetectState;
}

interface SeedRow {
  action: string;
  seq: number;
  time: string;
  occ: string | null;
  subject: string | null;
  details: string | null;
}

function personCount(details: Record<string, unknown> | undefined): number {
  const n = details?.people ?? details?.count;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/**
 * The key's window, seeded at first use from the entries before `e` within two windows of it
 * (`where` selects the rule's events). The time index bounds the read; an entry's own time is
 * never before the time it records, so `time > from` is a superset of the effective times.
 */
function keyWindow(ctx: DetectContext, rule: AlertRule, key: string, e: Entry, w: WindowRule, where: string, args: Array<string | number>, mass: boolean): KeyWindow {
  const id = `${rule}\u0000${key}`;
  const have = ctx.state.windows.get(id);
  if (have) return have;
  const kw: KeyWindow = { covered: lastAlertSeq(ctx.db, rule, key), maxT: Number.NEGATIVE_INFINITY, events: [], subjects: new Map() };
  const from = new Date(Date.parse(effectiveTime(e)) - 2 * w.windowMinutes * 60_000).toISOString();
  const rows = ctx.db
    .prepare(
      `SELECT action, seq, time, json_extract(entry, '$.details.occurredAt') AS occ, subject_id AS subject, ${mass ? "json_extract(entry, '$.details')" : 'NULL'} AS details
         FROM audit_entry INDEXED BY audit_entry_time
        WHERE time > ? AND seq > ? AND seq < ? AND ${where} ORDER BY seq`,
    )
    .all(from, kw.covered, e.seq, ...args) as SeedRow[];
  for (const r of rows) {
    const ev: Ev = { seq: r.seq, t: Date.parse(r.occ ?? r.time), n: 1 };
    const exported = mass && r.action.startsWith(EXPORT_ACTION_PREFIX);
    if (exported) ev.n = personCount(r.details ? (JSON.parse(r.details) as Record<string, unknown>) : undefined);
    add(kw, ev, mass && !exported ? r.subject : null);
  }
  ctx.state.windows.set(id, kw);
  return kw;
}

function add(kw: KeyWindow, ev: Ev, subject: string | null): void {
  if (subject !== null) kw.subjects.set(subject, ev);
  else kw.events.push(ev);
  if (ev.t > kw.maxT) kw.maxT = ev.t;
}

/** Drops what no later window can reach: events more than two windows before the newest. */
function prune(kw: KeyWindow, w: WindowRule): void {
  const horizon = kw.maxT - 2 * w.windowMinutes * 60_000;
  let drop = 0;
  while (drop < kw.events.length && (kw.events[drop] as Ev).t <= horizon) drop++;
  if (drop > 0) kw.events.splice(0, drop);
  if (kw.subjects.size > 64) for (const [s, ev] of kw.subjects) if (ev.t <= horizon) kw.subjects.delete(s);
}

/** Adds `e` to its key's window and counts the window (t - T, t] after the last covered seq. */
function count(kw: KeyWindow, e: Entry, w: WindowRule, ev: Ev, subject: string | null): { total: number; firstSeq: number; distinct: number; weighted: number } {
  add(kw, ev, subject);
  const from = ev.t - w.windowMinutes * 60_000;
  let firstSeq = ev.seq;
  let weighted = 0;
  let distinct = 0;
  for (const x of kw.events) {
    if (x.seq <= kw.covered || x.seq > e.seq || x.t <= from || x.t > ev.t) continue;
    weighted += x.n;
    firstSeq = Math.min(firstSeq, x.seq);
  }
  for (const x of kw.subjects.values()) {
    if (x.seq <= kw.covered || x.seq > e.seq || x.t <= from || x.t > ev.t) continue;
    distinct++;
    firstSeq = Math.min(firstSeq, x.seq);
  }
  prune(kw, w);
  return { total: weighted + distinct, firstSeq, distinct, weighted };
}

/** An alert covers every event up to `e`: the next one needs `threshold` new events. */
function cover(kw: KeyWindow, e: Entry): void {
  kw.covered = e.seq;
  kw.events = [];
  kw.subjects.clear();
}

/** "At least `threshold` events of this kind for this key within T." */
function windowRule(ctx: DetectContext, rule: AlertRule, key: string, userId: string | null, e: Entry, w: WindowRule, where: string, args: Array<string | number>): Hit | null {
  const kw = keyWindow(ctx, rule, key, e, w, where, args, false);
  const t = effectiveTime(e);
  const c = count(kw, e, w, { seq: e.seq, t: Date.parse(t), n: 1 }, null);
  if (c.total < w.threshold) return null;
  cover(kw, e);
  return { rule, dedupeKey: key, userId, occurredAt: t, count: c.total, firstSeq: c.firstSeq, lastSeq: e.seq, details: { windowMinutes: w.windowMinutes, threshold: w.threshold } };
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

  const push = (h: Hit | null): void => {
    if (h) hits.push(h);
  };

  if (isLoginFailure(e)) {
    push(windowRule(ctx, 'failed_login_burst', 'device', null, e, s.failedLogins, "action = 'auth.login' AND outcome <> 'success' AND coalesce(json_extract(entry, '$.details.reason'), '') <> 'account_disabled'", []));
  }

  if (e.action === 'auth.login' && e.outcome !== 'success' && e.details?.reason === 'account_disabled') {
    const account = e.resource.id ?? 'unknown';
    push(windowRule(ctx, 'disabled_account_login', account, e.resource.id, e, s.disabledAccountLogins, "action = 'auth.login' AND outcome <> 'success' AND json_extract(entry, '$.details.reason') = 'account_disabled' AND coalesce(resource_id, 'unknown') = ?", [account]));
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
    push(windowRule(ctx, 'access_denied_burst', userId, userId, e, s.deniedAccess, "action = 'access.denied' AND outcome = 'denied' AND json_extract(entry, '$.details.code') = 'FORBIDDEN' AND actor_user_id = ?", [userId]));
  }

  const isRead = (PERSON_READ_ACTIONS as readonly string[]).includes(e.action) && e.subject !== undefined;
  const isExport = e.action.startsWith(EXPORT_ACTION_PREFIX);
  if (userId && (isRead || isExport)) push(massAccess(ctx, e, userId, isRead));

  if ((e.action === 'audit.verify' && e.details?.ok === false) || e.action === 'audit.checkpoint_refused') {
    hits.push(single('audit_verification_failed', e, userId, { action: e.action, size: typeof e.details?.size === 'number' ? e.details.size : null }));
  }

  const finding = typeof e.details?.finding === 'string' ? e.details.finding : null;
  if (e.action === 'vault.tamper_evidence') {
    // Found before unlock (keystore, database), or at it (anchor, the evidence file itself).
    hits.push(single('tamper_detected', e, null, { source: typeof e.details?.source === 'string' ? e.details.source : 'vault', finding }));
  } else if (e.details?.event === 'auth.signin_file_tampered' || (e.action === 'vault.unlock' && e.outcome !== 'success')) {
    hits.push(single('tamper_detected', e, null, { source: 'signin_file', finding }));
  }

  if (e.action === 'breakglass.start' && e.outcome === 'success') hits.push(single('break_glass_used', e, userId, {}));
  return hits;
}

/** More than K person records read or exported by one user within T. */
function massAccess(ctx: DetectContext, e: Entry, userId: string, isRead: boolean): Hit | null {
  const w = ctx.settings.massAccess;
  const reads = PERSON_READ_ACTIONS.map((a) => `'${a}'`).join(', ');
  const kw = keyWindow(ctx, 'mass_access', userId, e, w, `actor_user_id = ? AND ((action IN (${reads}) AND subject_id IS NOT NULL) OR action LIKE 'export.%')`, [userId], true);
  const t = effectiveTime(e);
  const ev: Ev = { seq: e.seq, t: Date.parse(t), n: isRead ? 1 : personCount(e.details) };
  const c = count(kw, e, w, ev, isRead ? (e.subject ?? null) : null);
  if (c.total <= w.threshold) return null;
  cover(kw, e);
  return {
    rule: 'mass_access',
    dedupeKey: userId,
    userId,
    occurredAt: t,
    count: c.total,
    firstSeq: c.firstSeq,
    lastSeq: e.seq,
    details: { windowMinutes: w.windowMinutes, threshold: w.threshold, distinctRead: c.distinct, exported: c.weighted },
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
  for (const a of listDeviceAlertsAfter(db, afterId)) {
    lastId = Math.max(lastId, a.id);
    // The sync module's free-text detail stays on the device; the alert carries the kind only.
    hits.push({ rule: 'sync_fork_or_rollback', dedupeKey: `sync:${a.id}`, userId: null, occurredAt: a.at, count: 1, firstSeq: null, lastSeq: null, details: { kind: a.kind, syncAlertId: a.id } });
  }
  return { hits, lastId };
}

export type { Entry as DetectEntry };
