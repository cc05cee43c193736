import type { Database } from 'better-sqlite3-multiple-ciphers';
import { hash } from 'node:crypto';
import type { AuditActor, AuditEntry } from '../../../shared/audit/entry';
import { AuditExportRequest, type AuditExportItem, type AuditExportManifest } from '../../../shared/audit/export';
import { canonicalJson } from '../../../shared/canonical-json';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../clock';
import { recordRead } from '../db/unit-of-work';
import { yieldToEventLoop } from '../event-loop';
import { csvLine } from './csv';
import type { AuditLog } from './log';
import { whereFor } from './search';

/** Entries read per page: small enough that one page's proofs stay well inside a slice. */
const EXPORT_PAGE = 32;

export interface AuditExport {
  /** The export file (CSV or JSON). */
  data: Buffer;
  manifest: AuditExportManifest;
  /** The manifest file: canonical JSON of `manifest`. The signature covers exactly these bytes. */
  manifestBytes: Buffer;
  /** Detached Ed25519 signature of manifestBytes by the device key. */
  signature: Buffer;
}

export const CSV_COLUMNS = [
  'seq', 'time', 'actor_type', 'actor_user_id', 'actor_role', 'actor_session_id', 'actor_component', 'action',
  'resource_type', 'resource_id', 'subject', 'outcome', 'reason', 'before', 'after', 'details', 'device_id', 'leaf_hash',
] as const;

function csvRow(seq: number, e: AuditEntry | null, leaf: string): string {
  if (!e) return csvLine([seq, '', '', '', '', '', '', '', '', '', '', '', '(payload destroyed by retention)', '', '', '', '', leaf]);
  const a = e.actor;
  return csvLine([
    seq, e.time, a.type, a.type === 'user' ? a.userId : '', a.type === 'user' ? a.role : '', a.type === 'user' ? a.sessionId : '',
    a.type === 'system' ? a.component : '', e.action, e.resource.type, e.resource.id, e.subject, e.outcome, e.reason,
    e.before ? JSON.stringify(e.before) : '', e.after ? JSON.stringify(e.after) : '', e.details ? JSON.stringify(e.details) : '',
    e.deviceId, leaf,
  ]);
}

/**
 * Exports the entries matching a filter as CSV or JSON, with a manifest (range, count, tree size,
 * root and the signed checkpoint of that root, SHA-256 of the data) and a detached device
 * signature. JSON items carry the exact hashed text and an inclusion proof, so a reader can prove
 * offline that each exported entry is in the signed log. The export is itself audited.
 */
/**
 * One page of an export: the filter's entries from seq ? up to (not including) seq ?, with leaves.
 * CROSS JOIN fixes the loop order: audit_entry's seq range drives it, so a page is a range scan of
 * 32 rows. With a plain JOIN (no ANALYZE statistics) SQLite may start from audit_node and sort the
 * whole remaining range for every page, which makes an export quadratic.
 */
export function exportPageSql(filterSql: string): string {
  return `SELECT e.seq AS seq, e.entry AS entry, n.hash AS leaf FROM audit_entry e
     CROSS JOIN audit_node n ON n.level = 0 AND n.idx = e.seq WHERE ${filterSql} AND e.seq >= ? AND e.seq < ? ORDER BY e.seq LIMIT ${EXPORT_PAGE}`;
}

export async function exportAudit(
  db: Database,
  log: AuditLog,
  actor: Extract<AuditActor, { type: 'user' }>,
  request: AuditExportRequest,
  clock: Clock,
  opts: { sliceMs?: number } = {},
): Promise<AuditExport> {
  const req = AuditExportRequest.parse(request);
  // A fresh signed checkpoint: the export is pinned to the log as it is now.
  const cp = log.checkpoint();
  const { sql, params } = whereFor(req.filter);
  const count = db.prepare(`SELECT count(*) FROM audit_entry WHERE ${sql} AND seq < ?`).pluck().get(...params, cp.size) as number;
  if (count > req.maxEntries) {
    throw new AppError('BAD_INPUT', 'Too many entries for one export; narrow the filter.', { details: { count, maxEntries: req.maxEntries } });
  }
  // Read in pages by seq (no statement stays open across turns of the event loop) and hand the
  // loop back every slice: an inclusion proof per JSON entry makes a large export seconds of work,
  // and in the app this runs on the main process. Entries below the checkpoint never change, so
  // writes in between do not disturb it (retention only ever redacts what the server holds).
  const page = db.prepare(exportPageSql(sql));
  // 8 ms slices: with 20 ms ones the longest block of a 2716-entry export was 50-53 ms (ipc-blocks),
  // with 8 ms 30 ms, at about the same awaited time.
  const sliceMs = opts.sliceMs ?? 8;
  const parts: string[] = [];
  let n = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  if (req.format === 'csv') parts.push(csvLine([...CSV_COLUMNS]));
  else parts.push('{"items":[\n');
  let from = 0;
  let sliceStart = performance.now();
  for (;;) {
    const rows = page.all(...params, from, cp.size) as Array<{ seq: number; entry: string | null; leaf: Buffer }>;
    for (const r of rows) {
      firstSeq ??= r.seq;
      lastSeq = r.seq;
      const leaf = r.leaf.toString('base64');
      if (req.format === 'csv') {
        parts.push(csvRow(r.seq, r.entry ? (JSON.parse(r.entry) as AuditEntry) : null, leaf));
      } else {
        const item: AuditExportItem = {
          seq: r.seq,
          leafHash: leaf,
          entry: r.entry,
          inclusionProof: log.proveInclusion(r.seq, cp).proof.map((p) => p.toString('base64')),
        };
        parts.push((n > 0 ? ',\n' : '') + JSON.stringify(item));
      }
      n++;
    }
    if (rows.length < EXPORT_PAGE) break;
    from = rows[rows.length - 1]!.seq + 1;
    if (performance.now() - sliceStart >= sliceMs) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  // The assembly and signature, then the audit entry's commit (an fsync), each get a turn of their own.
  await yieldToEventLoop();
  if (req.format === 'json') parts.push('\n]}\n');
  const data = Buffer.from(parts.join(''), 'utf8');
  const dataSha256 = hash('sha256', data, 'base64');
  const manifest: AuditExportManifest = {
    kind: 'residency-scheduler/audit-export',
    version: 1,
    format: req.format,
    origin: log.origin,
    deviceId: log.deviceId,
    publicKeyPem: log.publicKeyPem,
    exportedAt: clock.now().toISOString(),
    exportedBy: { userId: actor.userId, role: actor.role },
    filter: req.filter,
    count: n,
    firstSeq,
    lastSeq,
    treeSize: cp.size,
    rootHash: cp.root.toString('base64'),
    checkpoint: { body: cp.body, signature: cp.signature.toString('base64') },
    dataSha256,
  };
  const manifestBytes = Buffer.from(canonicalJson(manifest), 'utf8');
  const signature = log.signDetached(manifestBytes);
  await yieldToEventLoop();
  recordRead(db, log, actor, {
    action: 'audit.export',
    resourceType: 'audit_log',
    resourceId: null,
    ...(req.filter.personId !== undefined ? { subject: req.filter.personId } : {}),
    details: { format: req.format, count: n, firstSeq, lastSeq, treeSize: cp.size, dataSha256, filter: canonicalJson(req.filter).slice(0, 1000) },
  });
  return { data, manifest, manifestBytes, signature };
}
