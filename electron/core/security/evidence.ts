import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../../../shared/canonical-json';
import { AppError } from '../../../shared/errors';
import type { VaultPort } from '../accounts/vault-port';
import { ANCHOR_FILE, readAnchor } from '../audit/anchor';
import { checkSignedCheckpoint } from '../audit/checkpoint';
import type { Clock } from '../clock';
import { runChange } from '../db/unit-of-work';
import type { Logger } from '../logger';
import type { Workspace } from '../workspace';
import { SECURITY_ACTOR } from './engine';
import { getState, setState } from './store';

/**
 * Tamper evidence found before the vault can be opened (issue 10). A damaged keystore, a keystore
 * repaired from its .prev copy or a damaged database is found while the encrypted audit log is out
 * of reach, so the finding goes to `security-evidence.jsonl` beside the vault: append-only JSON
 * lines, each naming the hash of the line before it, holding codes only (no PHI, no user names).
 *
 * At the next successful unlock every new line becomes a `vault.tamper_evidence` audit entry (the
 * tamper_detected rule then raises its alert), and a seal line is appended whose HMAC, under a key
 * kept inside the encrypted database, authenticates the whole chain so far; the database records how
 * many lines it consumed and the hash of the last one. A sealed line that is later edited, removed
 * or cut off is itself reported as tampering. Lines written after the last seal are hash-chained
 * but not authenticated (there is no secret before unlock): someone with write access to the folder
 * can delete them, as they can delete the folder.
 *
 * The same unlock also compares the audit anchor file with the log: an anchor signed by another key,
 * or one the log no longer extends (an older or replaced vault.db), is recorded the same way.
 */
export const EVIDENCE_FILE = 'security-evidence.jsonl';

const SOURCES = ['keystore', 'database', 'anchor', 'evidence_file', 'seal'] as const;
type Source = (typeof SOURCES)[number];

const Line = z.strictObject({
  v: z.literal(1),
  n: z.number().int().nonnegative(),
  at: z.string().max(40),
  source: z.enum(SOURCES),
  finding: z.string().regex(/^[a-z_]{1,64}$/),
  reason: z.string().regex(/^[A-Za-z0-9 _.-]{0,80}$/).nullable(),
  prev: z.string().max(64),
  mac: z.string().max(64).optional(),
});
type Line = z.infer<typeof Line>;

const GENESIS = 'genesis';

export interface Finding {
  source: Exclude<Source, 'seal'>;
  finding: string;
  reason: string | null;
}

function hashOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

function macOf(key: Buffer, line: Omit<Line, 'mac'>): string {
  return createHmac('sha256', key).update(canonicalJson(line), 'utf8').digest('base64');
}

/** A reason code as the vault reports it, kept to a safe alphabet (it is written outside the vault). */
function safeReason(r: unknown): string | null {
  if (typeof r !== 'string') return null;
  const s = r.replace(/[^A-Za-z0-9 _.-]/g, '').slice(0, 80);
  return s.length > 0 ? s : null;
}

interface Parsed {
  texts: string[];
  lines: Line[];
  /** Index of the first line that does not parse or does not chain; null when the file is whole. */
  brokenAt: number | null;
}

function readEvidence(path: string): Parsed | null {
  if (!existsSync(path)) return null;
  const texts = readFileSync(path, 'utf8').split('\n');
  if (texts.at(-1) === '') texts.pop();
  const lines: Line[] = [];
  let prev = GENESIS;
  for (let i = 0; i < texts.length; i++) {
    let line: Line | null = null;
    try {
      const r = Line.safeParse(JSON.parse(texts[i] as string));
      if (r.success) line = r.data;
    } catch {
      line = null;
    }
    if (!line || line.n !== i || line.prev !== prev) return { texts, lines, brokenAt: i };
    lines.push(line);
    prev = hashOf(texts[i] as string);
  }
  return { texts, lines, brokenAt: null };
}

function appendLine(path: string, text: string): void {
  // O_APPEND: the file only ever grows; fsync so a finding survives a crash right after it.
  const fd = openSync(path, 'a', 0o600);
  try {
    writeSync(fd, `${text}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function nextLine(path: string, at: string, f: { source: Source; finding: string; reason: string | null }): { line: Omit<Line, 'mac'>; prior: Parsed | null } {
  const prior = readEvidence(path);
  const last = prior && prior.brokenAt === null ? prior.texts.at(-1) : undefined;
  // A broken file still grows: the new line chains to whatever its last line is.
  const tail = prior && prior.brokenAt !== null ? prior.texts.at(-1) : last;
  return { line: { v: 1, n: prior?.texts.length ?? 0, at, source: f.source, finding: f.finding, reason: f.reason, prev: tail === undefined ? GENESIS : hashOf(tail) }, prior };
}

/** Records a finding while the vault is locked. Never throws: the caller's own error matters more. */
export function recordEvidence(dataDir: string, clock: Clock, logger: Logger, f: Finding): void {
  const path = join(dataDir, EVIDENCE_FILE);
  try {
    const { line, prior } = nextLine(path, clock.now().toISOString(), f);
    // Failed unlocks repeat: one line per distinct finding until the next unlock reports it.
    const lastSeal = prior ? prior.lines.map((l) => l.source).lastIndexOf('seal') : -1;
    const unreported = prior ? prior.lines.slice(lastSeal + 1) : [];
    if (unreported.some((l) => l.source === f.source && l.finding === f.finding && l.reason === f.reason)) return;
    appendLine(path, canonicalJson(line));
    logger.warn('tamper evidence recorded beside the vault', { source: f.source, finding: f.finding });
  } catch (err) {
    logger.error('tamper evidence not recorded', { errorCode: err instanceof AppError ? err.code : 'IO' });
  }
}

const DAMAGED_COPY = /^keystore\.json\.damaged-\d+$/;

function damagedCopies(dataDir: string): Set<string> {
  try {
    return new Set(readdirSync(dataDir).filter((n) => DAMAGED_COPY.test(n)));
  } catch {
    return new Set();
  }
}

/**
 * The accounts module's vault port, noting what the vault finds before it opens: a damaged keystore
 * or database refuses the unlock (the error still goes to the caller), and a keystore repaired from
 * its .prev copy (the recovery key) leaves the damaged original renamed beside the vault.
 */
export function withTamperEvidence(port: VaultPort, deps: { clock: Clock; logger: Logger }): VaultPort {
  const watch = async <T>(dir: string, open: () => Promise<T>): Promise<T> => {
    const before = damagedCopies(dir);
    try {
      const out = await open();
      if ([...damagedCopies(dir)].some((n) => !before.has(n))) recordEvidence(dir, deps.clock, deps.logger, { source: 'keystore', finding: 'keystore_restored_from_prev', reason: null });
      return out;
    } catch (err) {
      if (err instanceof AppError && (err.code === 'KEYSTORE_DAMAGED' || err.code === 'DATABASE_DAMAGED')) {
        const reason = safeReason((err.details as { reason?: unknown } | undefined)?.reason);
        recordEvidence(dir, deps.clock, deps.logger, err.code === 'KEYSTORE_DAMAGED' ? { source: 'keystore', finding: 'keystore_damaged', reason } : { source: 'database', finding: 'database_damaged', reason });
      }
      throw err;
    }
  };
  return {
    ...port,
    unlockWithPassword: (o) => watch(o.dir, () => port.unlockWithPassword(o)),
    unlockWithRecoveryKey: (o) => watch(o.dir, () => port.unlockWithRecoveryKey(o)),
  };
}

/** The anchor beside the vault against the open log; a finding only when it proves tampering. */
function anchorFinding(ws: Workspace, anchorPath: string): (Finding & { digest: string }) | null {
  let anchor;
  try {
    anchor = readAnchor(anchorPath);
  } catch {
    return { source: 'anchor', finding: 'anchor_unreadable', reason: null, digest: 'unreadable' };
  }
  if (!anchor) return null;
  const digest = hashOf(anchor.body);
  if (checkSignedCheckpoint(anchor).ok !== true) return { source: 'anchor', finding: 'anchor_bad_signature', reason: null, digest };
  if (anchor.publicKeyPem.trim() !== ws.audit.publicKeyPem.trim()) return { source: 'anchor', finding: 'anchor_other_device_key', reason: null, digest };
  if (anchor.size > ws.audit.size) return { source: 'anchor', finding: 'anchor_beyond_log', reason: `anchor ${anchor.size} log ${ws.audit.size}`, digest };
  if (!ws.audit.rootAt(anchor.size).equals(anchor.root)) return { source: 'anchor', finding: 'anchor_root_mismatch', reason: `size ${anchor.size}`, digest };
  return null;
}

const reconciled = new WeakSet<object>();

/**
 * Once per vault connection, right after unlock (outside any transaction): reports the evidence
 * file's new lines and any problem with the file itself or with the anchor as audit entries, seals
 * the file, and records how far it was consumed, all before the detection rules look at the trail.
 */
export function reconcileEvidence(ws: Workspace, deps: { dataDir: string; clock: Clock; logger: Logger }): void {
  if (reconciled.has(ws.db) || ws.db.inTransaction) return;
  reconciled.add(ws.db);
  try {
    reconcile(ws, deps);
  } catch (err) {
    // The lines stay in the file (nothing was marked consumed): the next unlock reports them.
    deps.logger.error('tamper evidence not reported', { errorCode: err instanceof AppError ? err.code : 'IO' });
  }
}

function reconcile(ws: Workspace, deps: { dataDir: string; clock: Clock; logger: Logger }): void {
  const path = join(deps.dataDir, EVIDENCE_FILE);
  const now = deps.clock.now().toISOString();
  const consumed = Number(getState(ws.db, 'evidenceCount') ?? 0);
  const head = getState(ws.db, 'evidenceHead');
  let key = getState(ws.db, 'evidenceKey');
  const file = readEvidence(path);

  const findings: Array<Finding & { occurredAt: string; line: number | null }> = [];
  let restart = false;
  if (!file) {
    if (consumed > 0) findings.push({ source: 'evidence_file', finding: 'evidence_file_missing', reason: `sealed lines ${consumed}`, occurredAt: now, line: null });
  } else {
    const whole = file.brokenAt === null ? file.lines.length : file.brokenAt;
    const sealedTextOk = consumed === 0 || (whole >= consumed && hashOf(file.texts[consumed - 1] as string) === head);
    const macsOk = key !== null && file.lines.slice(0, whole).every((l) => l.source !== 'seal' || (l.mac !== undefined && safeEqual(l.mac, macOf(Buffer.from(key as string, 'hex'), stripMac(l)))));
    if (!sealedTextOk || (consumed > 0 && !macsOk)) {
      findings.push({ source: 'evidence_file', finding: file.texts.length < consumed ? 'evidence_file_truncated' : 'evidence_file_altered', reason: `sealed lines ${consumed}`, occurredAt: now, line: null });
      restart = true;
    } else {
      for (const l of file.lines.slice(consumed, whole)) {
        if (l.source === 'seal') continue;
        findings.push({ source: l.source, finding: l.finding, reason: l.reason, occurredAt: l.at, line: l.n });
      }
      if (file.brokenAt !== null) {
        findings.push({ source: 'evidence_file', finding: 'evidence_file_altered', reason: `line ${file.brokenAt}`, occurredAt: now, line: file.brokenAt });
        restart = true;
      }
    }
  }
  const anchor = anchorFinding(ws, join(deps.dataDir, ANCHOR_FILE));
  const newAnchor = anchor !== null && anchor.digest !== getState(ws.db, 'anchorFlagged');
  if (anchor && newAnchor) findings.push({ ...anchor, occurredAt: now, line: null });
  if (findings.length === 0) {
    // Nothing to report; only seal lines may be new (a crash after a seal): catch the count up.
    if (file && file.lines.length > consumed) {
      const last = file.texts[file.lines.length - 1] as string;
      ws.db.transaction(() => {
        setState(ws.db, 'evidenceCount', String(file.lines.length));
        setState(ws.db, 'evidenceHead', hashOf(last));
      })();
    }
    return;
  }

  // Seal first, then record in the database: a crash in between leaves a seal line the next unlock
  // skips, never a database that counts lines the file does not have.
  if (key === null) {
    // The MAC key is stored before any seal uses it: a crash after the seal line must not leave a
    // seal under a key that was never kept (the next unlock would call the file altered).
    const fresh = randomBytes(32).toString('hex');
    ws.db.transaction(() => setState(ws.db, 'evidenceKey', fresh))();
    key = fresh;
  }
  if (restart && file) renameSync(path, `${path}.altered-${deps.clock.nowMs()}`);
  if (!file && consumed > 0) restart = true;
  const { line } = nextLine(path, now, { source: 'seal', finding: 'reported_at_unlock', reason: null });
  const sealed: Line = { ...line, mac: macOf(Buffer.from(key, 'hex'), line) };
  const text = canonicalJson(sealed);
  appendLine(path, text);
  const macKey = key;
  runChange(ws.db, ws.audit, SECURITY_ACTOR, (tx) => {
    for (const f of findings) {
      tx.record({
        action: 'vault.tamper_evidence',
        resourceType: 'vault',
        resourceId: f.source,
        details: { source: f.source, finding: f.finding, reason: f.reason, occurredAt: f.occurredAt, evidenceLine: f.line, restartedFile: restart },
      });
    }
    setState(tx.db, 'evidenceKey', macKey);
    setState(tx.db, 'evidenceCount', String(sealed.n + 1));
    setState(tx.db, 'evidenceHead', hashOf(text));
    if (anchor && newAnchor) setState(tx.db, 'anchorFlagged', anchor.digest);
  });
  deps.logger.warn('tamper evidence reported at unlock', { findings: findings.length });
}

function stripMac(l: Line): Omit<Line, 'mac'> {
  const { mac: _mac, ...rest } = l;
  return rest;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
