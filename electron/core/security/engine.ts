import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { AuditActor } from '../../../shared/audit/entry';
import { RULE_INFO, type SecurityAlert } from '../../../shared/security/alerts';
import type { AuditLog } from '../audit/log';
import { verifyAudit } from '../audit/verify';
import type { Clock } from '../clock';
import { recordRead, runChange } from '../db/unit-of-work';
import type { IdGenerator } from '../ids';
import { readVaultInfo } from '../vault/index';
import { clockHit, evaluateEntry, newDetectState, syncHits, type DetectContext, type DetectEntry, type DetectState, type Hit } from './detect';
import { enqueueOutbox, getState, insertAlert, readSettings, setState } from './store';

export const SECURITY_ACTOR: AuditActor = { type: 'system', component: 'security' };

export interface EngineDeps {
  db: Database;
  audit: AuditLog;
  clock: Clock;
  ids: IdGenerator;
}

const BATCH = 2000;

/**
 * Where evaluation stands on one vault connection: the tail cursor, the clock's high-water mark,
 * the sync-alert cursor and the rules' window state. Kept in memory so an evaluation after each
 * commit costs only the new entries; written to security_state with every alert, on the sweep and
 * on security calls (or after UNSAVED_MAX entries). A crash loses at most the unsaved progress, and
 * re-evaluating it raises nothing twice (alerts are suppressed by rule and key).
 */
interface TailState {
  cursor: number;
  maxTime: string | null;
  syncAlertCursor: number;
  detect: DetectState;
  unsaved: number;
}

const tails = new WeakMap<Database, TailState>();
const UNSAVED_MAX = 1000;

function tailOf(db: Database, settings: DetectContext['settings']): TailState {
  let st = tails.get(db);
  if (!st) {
    st = { cursor: Number(getState(db, 'cursor') ?? -1), maxTime: getState(db, 'maxTime'), syncAlertCursor: Number(getState(db, 'syncAlertCursor') ?? 0), detect: newDetectState(settings), unsaved: 0 };
    tails.set(db, st);
  }
  // Changed thresholds or windows: rebuild the windows from the trail under the new settings.
  if (st.detect.settingsKey !== JSON.stringify(settings)) st.detect = newDetectState(settings);
  return st;
}

function alertExists(db: Database, rule: string, key: string): boolean {
  return db.prepare('SELECT 1 FROM security_alert WHERE rule = ? AND dedupe_key = ?').get(rule, key) !== undefined;
}

/** What leaves the device in the outbox: no names, no record content. */
function outboxPayload(a: SecurityAlert): Record<string, unknown> {
  return { id: a.id, rule: a.rule, severity: a.severity, raisedAt: a.raisedAt, occurredAt: a.occurredAt, userId: a.userId, count: a.count, auditSeq: a.auditSeq, details: a.details };
}

/**
 * Evaluates the audit entries written since the last evaluation and raises an alert per hit: the
 * alert row, its outbox row and its alert.raise audit entry commit together with the moved cursor,
 * so a crash can neither lose an alert nor raise one twice. Without hits the cursor only moves in
 * memory unless `persist` (the sweep and security calls) or enough entries went by.
 */
export function evaluateTail(deps: EngineDeps, opts: { persist?: boolean; maxRows?: number } = {}): { evaluated: number; raised: SecurityAlert[]; more: boolean } {
  const { db, audit, clock, ids } = deps;
  const settings = readSettings(db).detection;
  const tail = tailOf(db, settings);
  let timeZone: string | null = null;
  const ctx: DetectContext = {
    db,
    settings,
    get timeZone(): string {
      timeZone ??= readVaultInfo(db).timeZone;
      return timeZone;
    },
    state: tail.detect,
  };
  let cursor = tail.cursor;
  let maxTime = tail.maxTime;
  const hits: Hit[] = [];
  const seenKeys = new Set<string>();
  const push = (h: Hit, windowed: boolean): void => {
    const k = `${h.rule}\u0000${h.dedupeKey}`;
    if (!windowed && (seenKeys.has(k) || alertExists(db, h.rule, h.dedupeKey))) return;
    seenKeys.add(k);
    hits.push(h);
  };
  let evaluated = 0;
  // A bounded slice when asked (after a commit on the main thread): the rest is `more`.
  let budget = opts.maxRows ?? Number.POSITIVE_INFINITY;
  let more = false;
  try {
    const next = db.prepare('SELECT seq, entry FROM audit_entry WHERE seq > ? ORDER BY seq LIMIT ?');
    for (;;) {
      if (budget <= 0) {
        more = next.all(cursor, 1).length > 0;
        break;
      }
      const rows = next.all(cursor, Math.min(BATCH, budget)) as Array<{ seq: number; entry: string | null }>;
      if (rows.length === 0) break;
      budget -= rows.length;
      for (const r of rows) {
        cursor = r.seq;
        // A payload destroyed by retention has nothing left to evaluate.
        if (r.entry === null) continue;
        const e = JSON.parse(r.entry) as DetectEntry;
        evaluated++;
        const back = clockHit(maxTime, e.time, settings.clockBackwardsToleranceSeconds, e);
        if (back) push(back, false);
        if (maxTime === null || e.time > maxTime) maxTime = e.time;
        // Window rules suppress through their covered seq; single-event rules by their key.
        for (const h of evaluateEntry(ctx, e)) push(h, !h.dedupeKey.startsWith('seq:'));
      }
    }
    // The clock can be wound back while nothing is written: compare now with the high-water mark.
    const nowIso = clock.now().toISOString();
    const backNow = clockHit(maxTime, nowIso, settings.clockBackwardsToleranceSeconds, null);
    if (backNow) push(backNow, false);
    const sync = syncHits(db, tail.syncAlertCursor);
    for (const h of sync.hits) push(h, false);

    const saveCursors = (): void => {
      setState(db, 'cursor', String(cursor));
      if (maxTime !== null) setState(db, 'maxTime', maxTime);
      setState(db, 'syncAlertCursor', String(sync.lastId));
    };
    const advance = (): void => {
      tail.cursor = cursor;
      tail.maxTime = maxTime;
      tail.syncAlertCursor = sync.lastId;
    };
    if (hits.length === 0) {
      tail.unsaved += evaluated;
      if (opts.persist || tail.unsaved >= UNSAVED_MAX) {
        // Bookkeeping only (no data changed): no audit entry of its own.
        db.transaction(saveCursors).immediate();
        tail.unsaved = 0;
      }
      advance();
      return { evaluated, raised: [], more };
    }
    const raised = runChange(db, audit, SECURITY_ACTOR, (tx) => {
      const out: SecurityAlert[] = [];
      for (const h of hits) {
        const id = ids.id();
        const info = RULE_INFO[h.rule];
        const appended = tx.record({
          action: 'alert.raise',
          resourceType: 'security_alert',
          resourceId: id,
          details: { rule: h.rule, severity: info.severity, count: h.count, userId: h.userId, firstSeq: h.firstSeq, lastSeq: h.lastSeq, ...h.details },
        });
        const alert: SecurityAlert = {
          id,
          rule: h.rule,
          severity: info.severity,
          title: info.title,
          status: 'open',
          raisedAt: nowIso,
          occurredAt: h.occurredAt,
          userId: h.userId,
          count: h.count,
          firstSeq: h.firstSeq,
          lastSeq: h.lastSeq,
          auditSeq: appended.seq,
          incidentId: null,
          details: h.details,
        };
        insertAlert(db, alert, h.dedupeKey);
        enqueueOutbox(db, 'alert', id, nowIso, outboxPayload(alert));
        out.push(alert);
      }
      saveCursors();
      return out;
    });
    tail.unsaved = 0;
    advance();
    return { evaluated, raised, more };
  } catch (err) {
    // The window state may already count what was not committed: rebuild it from the database.
    tails.delete(db);
    throw err;
  }
}

/** Full verification of the trail, recorded as audit.verify (a failure then raises its alert). */
export async function verifyNow(deps: EngineDeps & { anchorPath: string }): Promise<boolean> {
  const report = await verifyAudit(deps.db, { anchorPath: deps.anchorPath });
  recordRead(deps.db, deps.audit, SECURITY_ACTOR, {
    action: 'audit.verify',
    resourceType: 'audit_log',
    resourceId: null,
    details: { ok: report.ok, size: report.size, firstBadSeq: report.firstBadSeq, problems: report.problems.length, scheduled: true },
  });
  setState(deps.db, 'lastVerifyAt', deps.clock.now().toISOString());
  return report.ok;
}

/** Whether the periodic verification is due. */
export function verifyDue(db: Database, clock: Clock): boolean {
  const every = readSettings(db).detection.verifyEveryHours;
  if (every === 0) return false;
  const last = getState(db, 'lastVerifyAt');
  return last === null || clock.nowMs() - Date.parse(last) >= every * 3_600_000;
}
