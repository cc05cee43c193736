import type { Database } from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/canonical-json';
import type { AuditActor } from '../../../shared/audit/entry';
import type { PurgeResult } from '../../../shared/contract/security';
import { AppError } from '../../../shared/errors';
import { RETENTION_TYPES, type RetentionType } from '../../../shared/security/settings';
import { localEpochDay } from '../../../shared/security/deadline';
import { civilFromDays } from '../../../shared/compliance/time/civil';
import type { AuditLog } from '../audit/log';
import type { Clock } from '../clock';
import { AUDIT_SCHEMA } from '../db/migrations/0011_audit_leaf_guard';
import { runChange } from '../db/unit-of-work';
import type { IdGenerator } from '../ids';
import { readOutbox } from '../sync/device-store';
import { readVaultInfo } from '../vault/index';
import { readSettings, setState } from './store';

/**
 * Retention and destruction (docs/security-operations.md, "Retention"). One purge run, in ONE
 * transaction: find what each retention period has expired, hold back anything the hospital
 * server has not acknowledged, delete it (secure_delete is on for vault connections, so freed
 * cells are zeroed), destroy expired audit payloads along the path audit-trail.md designed (leaf
 * hashes stay, so proofs and checkpoints still verify), and record a destruction certificate
 * signed with the device key. After the commit the WAL is checkpointed and truncated, so the old
 * pages do not linger in vault.db-wal.
 */

interface Candidate {
  type: RetentionType;
  cutoff: string;
  /** Ids (or seqs) to destroy, in order. */
  ids: Array<string | number>;
  heldUnsynced: number;
  /** SHA-256 over what is destroyed (NUL-separated), so a backup holder can prove what it was. */
  sha256: string;
  firstSeq?: number;
  beforeSeq?: number;
}

function sha(parts: Iterable<string>): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p, 'utf8');
    h.update('\u0000');
  }
  return h.digest('hex');
}

function isoDate(epochDay: number): string {
  const c = civilFromDays(epochDay);
  return `${String(c.year).padStart(4, '0')}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
}

/**
 * The audit seq of the newest entry about a record; null when no readable entry mentions it (its
 * entries were all redacted, which only ever happens below the acknowledged size).
 */
function lastSeqAbout(db: Database, resourceType: string, id: string): number | null {
  return db.prepare('SELECT max(seq) FROM audit_entry WHERE resource_type = ? AND resource_id = ?').pluck().get(resourceType, id) as number | null;
}

function dataCandidates(db: Database, type: RetentionType, cutoff: string, syncedSize: number): Candidate {
  const spec: Record<Exclude<RetentionType, 'auditPayloads'>, { sql: string; resourceType: string }> = {
    absences: { sql: 'SELECT id, data FROM absences WHERE end_date < ? ORDER BY id', resourceType: 'absence' },
    shiftAssignments: { sql: 'SELECT id, data FROM shift_assignments WHERE date < ? ORDER BY id', resourceType: 'shift' },
    securityAlerts: { sql: 'SELECT id, data FROM security_alert WHERE raised_at < ? ORDER BY id', resourceType: 'security_alert' },
    closedIncidents: { sql: "SELECT id, data FROM security_incident WHERE status = 'closed' AND closed_at < ? ORDER BY id", resourceType: 'security_incident' },
  };
  if (type === 'auditPayloads') throw new AppError('INTERNAL');
  const s = spec[type];
  const rows = db.prepare(s.sql).all(cutoff) as Array<{ id: string; data: string }>;
  const ids: string[] = [];
  const texts: string[] = [];
  let held = 0;
  const unsentAlert = db.prepare('SELECT 1 FROM security_outbox WHERE ref_id = ? AND sent_at IS NULL');
  for (const r of rows) {
    const last = lastSeqAbout(db, s.resourceType, r.id);
    const unsynced = (last !== null && last >= syncedSize) || (type === 'securityAlerts' && unsentAlert.get(r.id) !== undefined);
    if (unsynced) {
      held++;
      continue;
    }
    ids.push(r.id);
    texts.push(`${r.id}\u0001${r.data}`);
  }
  return { type, cutoff, ids, heldUnsynced: held, sha256: sha(texts) };
}

function auditCandidates(db: Database, cutoff: string, syncedSize: number, size: number): Candidate {
  // The first entry still young enough bounds the range (a clock that went back cannot pull a
  // young entry into it), and so does what the server has acknowledged.
  const firstYoung = db.prepare('SELECT min(seq) FROM audit_entry WHERE entry IS NOT NULL AND time >= ?').pluck().get(cutoff) as number | null;
  const beforeSeq = Math.min(firstYoung ?? size, syncedSize);
  const rows = db.prepare('SELECT seq, entry FROM audit_entry WHERE seq < ? AND entry IS NOT NULL ORDER BY seq').all(beforeSeq) as Array<{ seq: number; entry: string }>;
  const held = db.prepare('SELECT count(*) FROM audit_entry WHERE entry IS NOT NULL AND time < ? AND seq >= ?').pluck().get(cutoff, beforeSeq) as number;
  return {
    type: 'auditPayloads',
    cutoff,
    ids: rows.map((r) => r.seq),
    heldUnsynced: held,
    sha256: sha(rows.map((r) => r.entry)),
    ...(rows[0] ? { firstSeq: rows[0].seq } : {}),
    beforeSeq,
  };
}

export interface PurgeDeps {
  db: Database;
  audit: AuditLog;
  clock: Clock;
  ids: IdGenerator;
}

const TRIGGER = AUDIT_SCHEMA.find((s) => s.name === 'audit_entry_no_update');

/** Runs (or, with dryRun, only plans) a purge. */
export function runPurge(deps: PurgeDeps, actor: AuditActor, opts: { dryRun: boolean }): PurgeResult {
  const { db, audit, clock } = deps;
  if (!TRIGGER) throw new AppError('INTERNAL');
  const settings = readSettings(db);
  const now = clock.now();
  const at = now.toISOString();
  // The sync device store knows what the server acknowledged; a vault never enrolled has synced
  // nothing, so nothing at all is purged there (documented; an unsynced device keeps everything).
  const syncedSize = readOutbox(db).ackedSize;
  const zone = readVaultInfo(db).timeZone;
  const today = localEpochDay(zone, now.getTime());

  const plan = (): Candidate[] =>
    RETENTION_TYPES.map((type) => {
      const days = settings.retention[type];
      if (type === 'auditPayloads') return auditCandidates(db, new Date(now.getTime() - days * 86_400_000).toISOString(), syncedSize, audit.size);
      // Schedule records carry local dates; alerts and incidents carry instants.
      const cutoff = type === 'absences' || type === 'shiftAssignments' ? isoDate(today - days) : new Date(now.getTime() - days * 86_400_000).toISOString();
      return dataCandidates(db, type, cutoff, syncedSize);
    });

  const toResult = (cands: Candidate[], certificateSeq: number | null, walCheckpointed: boolean, beforeSeq: number): PurgeResult => ({
    dryRun: opts.dryRun,
    at,
    auditBeforeSeq: beforeSeq,
    syncedSize,
    items: cands.map((c) => ({ type: c.type, count: c.ids.length, cutoff: c.cutoff, heldUnsynced: c.heldUnsynced, sha256: c.sha256 })),
    certificateSeq,
    walCheckpointed,
  });

  if (opts.dryRun) {
    // A dry run deletes nothing but shows what is due: it is recorded like the run it previews.
    const cands = runChange(db, audit, actor, (tx) => {
      const planned = plan();
      tx.record({
        action: 'retention.preview',
        resourceType: 'retention',
        resourceId: null,
        details: { dryRun: true, candidates: planned.reduce((n, c) => n + c.ids.length, 0) },
      });
      return planned;
    });
    return toResult(cands, null, false, cands.find((c) => c.type === 'auditPayloads')?.beforeSeq ?? 0);
  }

  if (Number(db.pragma('secure_delete', { simple: true })) !== 1) db.pragma('secure_delete = ON');
  const purgeId = deps.ids.id();
  const outcome = runChange(db, audit, actor, (tx) => {
    // Planned inside the write transaction: nothing can become unsynced or change in between.
    const cands = plan();
    const del: Record<Exclude<RetentionType, 'auditPayloads'>, string> = {
      absences: 'DELETE FROM absences WHERE id = ?',
      shiftAssignments: 'DELETE FROM shift_assignments WHERE id = ?',
      securityAlerts: 'DELETE FROM security_alert WHERE id = ?',
      closedIncidents: 'DELETE FROM security_incident WHERE id = ?',
    };
    let beforeSeq = 0;
    for (const c of cands) {
      if (c.type === 'auditPayloads') {
        beforeSeq = c.beforeSeq ?? 0;
        if (c.ids.length === 0) continue;
        // The one deletion path of the audit trail (docs/audit-trail.md, "Retention"): lift the
        // append-only trigger for this statement only, inside this transaction, and restore it
        // byte for byte, so verification finds the schema unchanged.
        tx.db.exec('DROP TRIGGER audit_entry_no_update');
        tx.db.prepare('UPDATE audit_entry SET entry = NULL WHERE seq < ? AND entry IS NOT NULL').run(beforeSeq);
        tx.db.exec(TRIGGER.sql);
        tx.record({
          action: 'audit.retention_redact',
          resourceType: 'audit_log',
          resourceId: null,
          details: { beforeSeq, count: c.ids.length, firstSeq: c.firstSeq ?? null, payloadSha256: c.sha256, purgeId },
        });
        continue;
      }
      const stmt = tx.db.prepare(del[c.type]);
      for (const id of c.ids) stmt.run(id);
      if (c.type === 'securityAlerts' && c.ids.length > 0) {
        const out = tx.db.prepare('DELETE FROM security_outbox WHERE ref_id = ? AND sent_at IS NOT NULL');
        for (const id of c.ids) out.run(id);
      }
    }
    const certificate = {
      kind: 'rsched-destruction-certificate/1',
      purgeId,
      at,
      device: audit.deviceId,
      actor: actor.type === 'user' ? actor.userId : actor.component,
      method: 'SQLite DELETE / payload NULL with secure_delete=ON in one transaction, then wal_checkpoint(TRUNCATE); audit leaf hashes kept',
      syncedSize,
      items: cands.map((c) => ({
        type: c.type,
        cutoff: c.cutoff,
        count: c.ids.length,
        heldUnsynced: c.heldUnsynced,
        sha256: c.sha256,
        ...(c.type === 'auditPayloads' ? { seqRange: c.ids.length > 0 ? [c.firstSeq ?? 0, beforeSeq] : null } : {}),
      })),
    };
    const text = canonicalJson(certificate);
    const signature = audit.signDetached(Buffer.from(text, 'utf8')).toString('base64');
    tx.db.prepare('INSERT INTO security_purge (id, at, certificate, signature) VALUES (?, ?, ?, ?)').run(purgeId, at, text, signature);
    const details: Record<string, string | number | null> = {
      purgeId,
      certificateSha256: createHash('sha256').update(text, 'utf8').digest('hex'),
      signature,
      syncedSize,
    };
    for (const c of cands) {
      details[`${c.type}Count`] = c.ids.length;
      details[`${c.type}Held`] = c.heldUnsynced;
      details[`${c.type}Sha256`] = c.sha256;
    }
    const appended = tx.record({ action: 'retention.purge', resourceType: 'retention', resourceId: purgeId, details });
    setState(tx.db, 'lastPurgeAt', at);
    return { cands, seq: appended.seq, beforeSeq };
  });
  // After the commit: move the WAL into the database and truncate it, so destroyed pages do not
  // survive in vault.db-wal. A reader holding an old snapshot makes it busy; reported, not hidden.
  const ck = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
  return toResult(outcome.cands, outcome.seq, ck[0]?.busy === 0, outcome.beforeSeq);
}

export function purgeDue(db: Database, clock: Clock, lastPurgeAt: string | null): boolean {
  const every = readSettings(db).purgeEveryDays;
  if (every === 0) return false;
  return lastPurgeAt === null || clock.nowMs() - Date.parse(lastPurgeAt) >= every * 86_400_000;
}

/** The stored certificate of a purge run and its signature (for auditors and tests). */
export function readCertificate(db: Database, purgeId: string): { certificate: string; signature: string } | null {
  const r = db.prepare('SELECT certificate, signature FROM security_purge WHERE id = ?').get(purgeId) as { certificate: string; signature: string } | undefined;
  return r ?? null;
}
