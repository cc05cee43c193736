import type { Database, Statement } from 'better-sqlite3-multiple-ciphers';
import { canonicalJson } from '../../../shared/canonical-json';
import { AppError } from '../../../shared/errors';
import { CompactRange, consistencyProof, inclusionProof, rootAt } from '../../../shared/merkle/tree';
import { ProofError, verifyConsistency, verifyInclusion } from '../../../shared/merkle/verify';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { readAnchor, writeAnchor } from './anchor';
import { checkSignedCheckpoint, formatCheckpointBody, originFor, type SignedCheckpoint } from './checkpoint';
import { checkInput, type AuditInput } from './entry';
import { GENESIS_PREV, leafHashOfText, nodeHasher } from './hash';
import { SqlNodeStore } from './node-store';
import { normalizePem, type DeviceSigner } from './signer';

export interface AuditLogOptions {
  clock: Clock;
  signer: DeviceSigner;
  /** The local anchor file (audit-anchor.json beside the vault); null disables it (tests). */
  anchorPath: string | null;
  /** Sign a checkpoint after this many new entries (default 1000)... */
  checkpointEvery?: number;
  /** ...or when this much time passed since the last one and there are new entries (default 10 min). */
  checkpointIntervalMs?: number;
  logger?: Logger;
  /**
   * Told after each unit of work that appended (from flushAnchor, after the commit; inside an
   * enclosing transaction it fires at the end of the savepoint, so a listener checks
   * db.inTransaction). Security detection evaluates new entries here. It must not throw.
   */
  afterUnit?: () => void;
}

export interface Appended {
  seq: number;
  leafHash: Buffer;
}

/** In-memory state, snapshotted at the start of a unit of work and restored if it rolls back. */
interface State {
  size: number;
  lastLeaf: Buffer | null;
  range: CompactRange;
  lastCheckpoint: SignedCheckpoint | null;
  pendingAnchor: SignedCheckpoint | null;
}

interface CheckpointRow {
  size: number;
  root: Buffer;
  time: string;
  origin: string;
  body: string;
  signature: Buffer;
  device_id: string;
  public_key_pem: string;
}

function rowToCheckpoint(r: CheckpointRow): SignedCheckpoint {
  return {
    size: r.size,
    root: r.root,
    time: r.time,
    origin: r.origin,
    body: r.body,
    signature: r.signature,
    deviceId: r.device_id,
    publicKeyPem: r.public_key_pem,
  };
}

/**
 * The append-only, Merkle-tree audit log (RFC 9162) over one database.
 *
 * Appends happen only inside a transaction that the unit of work owns (electron/core/db/
 * unit-of-work.ts), so an entry commits or rolls back with the change it describes. The log keeps
 * the tree's right edge (compact range) in memory and persists each completed node, so appending
 * costs one leaf hash plus about one node hash, and proofs read O(log n) stored nodes.
 */
export class AuditLog {
  readonly db: Database;
  readonly nodes: SqlNodeStore;
  private readonly opts: Required<Omit<AuditLogOptions, 'logger' | 'afterUnit'>> & { logger: Logger | undefined; afterUnit: (() => void) | undefined };
  private state: State;
  private refusedOnce = false;
  private readonly insEntry: Statement<[number, string]>;
  private readonly lastRow: Statement<[], { seq: number; hash: Buffer | null } | undefined>;
  private readonly insCheckpoint: Statement<[number, Buffer, string, string, string, Buffer, string, string]>;
  private readonly lastCheckpointStmt: Statement<[], CheckpointRow>;
  private readonly checkpointRootStmt: Statement<[number], Buffer>;

  private constructor(db: Database, opts: AuditLogOptions) {
    this.db = db;
    this.opts = {
      clock: opts.clock,
      signer: opts.signer,
      anchorPath: opts.anchorPath,
      checkpointEvery: opts.checkpointEvery ?? 1000,
      checkpointIntervalMs: opts.checkpointIntervalMs ?? 10 * 60_000,
      logger: opts.logger,
      afterUnit: opts.afterUnit,
    };
    this.nodes = new SqlNodeStore(db);
    this.insEntry = db.prepare('INSERT INTO audit_entry (seq, entry) VALUES (?, ?)');
    this.lastRow = db.prepare(
      'SELECT e.seq AS seq, n.hash AS hash FROM audit_entry e LEFT JOIN audit_node n ON n.level = 0 AND n.idx = e.seq ORDER BY e.seq DESC LIMIT 1',
    );
    this.insCheckpoint = db.prepare(
      'INSERT INTO audit_checkpoint (size, root, time, origin, body, signature, device_id, public_key_pem) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.lastCheckpointStmt = db.prepare('SELECT * FROM audit_checkpoint ORDER BY size DESC LIMIT 1');
    this.checkpointRootStmt = db.prepare<[number], Buffer>('SELECT root FROM audit_checkpoint WHERE size = ?').pluck();
    this.state = this.load();
  }

  /** Opens the log on a migrated database (migration 10). */
  static open(db: Database, opts: AuditLogOptions): AuditLog {
    return new AuditLog(db, opts);
  }

  get size(): number {
    return this.state.size;
  }

  get deviceId(): string {
    return this.opts.signer.deviceId;
  }

  get origin(): string {
    return originFor(this.opts.signer.deviceId);
  }

  get publicKeyPem(): string {
    return this.opts.signer.publicKeyPem;
  }

  /** Detached Ed25519 signature with the device key (export manifests). */
  signDetached(bytes: Buffer): Buffer {
    return this.opts.signer.sign(bytes);
  }

  /** Current root (of all committed and in-transaction entries). */
  root(): Buffer {
    return Buffer.from(this.state.range.root());
  }

  rootAt(size: number): Buffer {
    if (size > this.state.size) throw new RangeError('size is beyond the log');
    return Buffer.from(rootAt(nodeHasher, this.nodes, size));
  }

  latestCheckpoint(): SignedCheckpoint | null {
    return this.state.lastCheckpoint;
  }

  private load(): State {
    const last = this.lastRow.get();
    const size = last ? last.seq + 1 : 0;
    if (last && !last.hash) throw new AppError('AUDIT_TAMPERED', undefined, { details: { missingLeafHash: last.seq } });
    const range = CompactRange.fromNodes(nodeHasher, this.nodes, size);
    const cp = this.lastCheckpointStmt.get();
    return { size, lastLeaf: last?.hash ?? null, range, lastCheckpoint: cp ? rowToCheckpoint(cp) : null, pendingAnchor: null };
  }

  /**
   * Start of a unit of work. Re-reads the last entry to make sure the cached right edge still
   * describes the database (an enclosing transaction may have rolled back, another connection may
   * have written) and reloads it if not. Returns the snapshot to restore on rollback.
   */
  beginUnit(): State {
    const last = this.lastRow.get();
    const size = last ? last.seq + 1 : 0;
    const cachedLast = this.state.lastLeaf;
    const fresh = size === this.state.size && (size === 0 || (last?.hash !== null && last?.hash !== undefined && cachedLast !== null && last.hash.equals(cachedLast)));
    if (!fresh) this.state = this.load();
    return { ...this.state, range: this.state.range.clone() };
  }

  abortUnit(snapshot: State): void {
    this.state = snapshot;
  }

  /**
   * Appends one entry. Must run inside a transaction (the unit of work's): the entry and the data
   * change it describes commit together or not at all.
   */
  append(input: AuditInput): Appended {
    if (!this.db.inTransaction) {
      throw new AppError('INTERNAL', 'Audit entries are written only inside a unit of work.');
    }
    checkInput(input);
    const s = this.state;
    const seq = s.size;
    const subject = input.subject ?? (input.resource.type === 'person' && input.resource.id !== null ? input.resource.id : undefined);
    const entry = {
      v: 1,
      seq,
      prev: s.lastLeaf ? s.lastLeaf.toString('base64') : GENESIS_PREV,
      time: this.opts.clock.now().toISOString(),
      deviceId: this.opts.signer.deviceId,
      actor: input.actor,
      action: input.action,
      resource: { type: input.resource.type, id: input.resource.id },
      subject,
      outcome: input.outcome,
      reason: input.reason,
      before: input.before,
      after: input.after,
      details: input.details,
    };
    // The canonical text is computed once here and stored verbatim: verification and search read
    // these exact bytes instead of re-serializing.
    const text = canonicalJson(entry);
    const leaf = leafHashOfText(text);
    const res = this.insEntry.run(seq, text);
    if (res.changes !== 1) throw new AppError('AUDIT_TAMPERED', 'The audit entry was not stored.');
    this.nodes.insert(0, seq, leaf);
    s.range.append(leaf, (level, index, hash) => this.nodes.insert(level, index, hash));
    s.size = seq + 1;
    s.lastLeaf = leaf;
    return { seq, leafHash: leaf };
  }

  private dueForCheckpoint(): boolean {
    const s = this.state;
    const since = s.lastCheckpoint?.size ?? 0;
    if (s.size === since) return false;
    if (s.size - since >= this.opts.checkpointEvery) return true;
    const lastMs = s.lastCheckpoint ? Date.parse(s.lastCheckpoint.time) : Number.NEGATIVE_INFINITY;
    return this.opts.clock.nowMs() - lastMs >= this.opts.checkpointIntervalMs;
  }

  /**
   * Inside a unit of work: signs a checkpoint if N entries or M minutes passed. A refusal (the log
   * is inconsistent with an earlier checkpoint) does not roll the user's change back: it is logged
   * and recorded as an entry, and the device simply stops signing until someone investigates.
   */
  checkpointIfDue(): SignedCheckpoint | null {
    if (!this.dueForCheckpoint()) return null;
    try {
      return this.signCheckpoint();
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'AUDIT_TAMPERED') throw err;
      this.opts.logger?.error('audit checkpoint refused', { problem: err.message });
      if (!this.refusedOnce) {
        this.refusedOnce = true;
        this.append({
          actor: { type: 'system', component: 'audit' },
          action: 'audit.checkpoint_refused',
          resource: { type: 'audit_log', id: this.origin },
          outcome: 'failed',
          details: { size: this.state.size },
        });
      }
      return null;
    }
  }

  /** On demand (e.g. before an export, at lock, on a timer): signs a checkpoint of the current log. */
  checkpoint(): SignedCheckpoint {
    if (this.db.inTransaction) return this.signCheckpoint();
    const snapshot = this.beginUnit();
    try {
      const cp = this.db.transaction(() => this.signCheckpoint()).immediate();
      this.flushAnchor();
      return cp;
    } catch (err) {
      this.abortUnit(snapshot);
      throw err;
    }
  }

  /** After the unit of work committed: writes the newest checkpoint to the anchor file. */
  flushAnchor(): void {
    // A unit inside an enclosing transaction was only a savepoint: its checkpoint is not committed
    // yet, and an anchor ahead of a rolled-back log reads as truncation. It is written once the
    // enclosing transaction has ended, if it committed (see writePendingAnchor): by whoever opened
    // that transaction, else on the next turn of the event loop. The after-unit hook still runs:
    // it defers its own work past the enclosing transaction.
    if (this.db.inTransaction) {
      if (this.state.pendingAnchor && !this.flushQueued) {
        this.flushQueued = true;
        setImmediate(() => {
          this.flushQueued = false;
          try {
            if (this.db.open) this.writePendingAnchor();
          } catch (err) {
            this.opts.logger?.error('audit anchor not written', { err });
          }
        });
      }
    } else {
      this.writePendingAnchor();
    }
    this.opts.afterUnit?.();
  }

  private flushQueued = false;

  /** Writes the pending checkpoint to the anchor file if the database holds it (else it rolled back). */
  writePendingAnchor(): void {
    // Inside a transaction the lookup below would see uncommitted rows: wait for its end.
    if (this.db.inTransaction) return;
    const cp = this.state.pendingAnchor;
    this.state.pendingAnchor = null;
    if (!cp || !this.opts.anchorPath) return;
    const stored = this.checkpointRootStmt.get(cp.size);
    if (!stored || !Buffer.from(stored).equals(cp.root)) return;
    try {
      writeAnchor(this.opts.anchorPath, cp);
    } catch (err) {
      // The data is committed; a stale anchor only weakens truncation detection until the next one.
      this.opts.logger?.error('audit anchor not written', { err });
    }
  }

  /**
   * Signs {origin, size, root, time}, but only after proving the current tree extends the last
   * signed checkpoint and the anchor (RFC 9162 consistency proof built from stored nodes and checked
   * against the signed roots). A log that shrank or changed history is refused: the device never
   * signs two inconsistent views.
   */
  private signCheckpoint(): SignedCheckpoint {
    const s = this.state;
    const size = s.size;
    if (size === 0) throw new AppError('CONFLICT', 'The audit log is empty; there is nothing to sign.');
    const root = Buffer.from(s.range.root());
    const earlier: SignedCheckpoint[] = [];
    const last = this.lastCheckpointStmt.get();
    if (last) earlier.push(rowToCheckpoint(last));
    if (this.opts.anchorPath) {
      let anchor: SignedCheckpoint | null;
      try {
        anchor = readAnchor(this.opts.anchorPath);
      } catch {
        throw new AppError('AUDIT_TAMPERED', 'The audit anchor file is unreadable.');
      }
      if (anchor) earlier.push(anchor);
    }
    for (const cp of earlier) {
      if (checkSignedCheckpoint(cp).ok !== true) throw new AppError('AUDIT_TAMPERED', 'An earlier checkpoint signature is not valid.');
      if (normalizePem(cp.publicKeyPem) !== normalizePem(this.opts.signer.publicKeyPem)) {
        throw new AppError('AUDIT_TAMPERED', 'An earlier checkpoint was signed by another key.');
      }
      if (cp.size > size) throw new AppError('AUDIT_TAMPERED', 'The log is shorter than an earlier signed checkpoint.');
      if (cp.size === size) {
        if (!cp.root.equals(root)) throw new AppError('AUDIT_TAMPERED', 'The log differs from an earlier signed checkpoint.');
        continue;
      }
      try {
        const proof = consistencyProof(nodeHasher, this.nodes, cp.size, size);
        verifyConsistency(nodeHasher, cp.size, size, proof, cp.root, root);
      } catch (err) {
        if (err instanceof ProofError) throw new AppError('AUDIT_TAMPERED', 'The log is not consistent with an earlier signed checkpoint.');
        throw err;
      }
    }
    if (last && last.size === size) {
      // Already signed at this size (and the root matched above): no second signature.
      s.lastCheckpoint = rowToCheckpoint(last);
      return s.lastCheckpoint;
    }
    const time = this.opts.clock.now().toISOString();
    const origin = this.origin;
    const body = formatCheckpointBody({ origin, size, root, time });
    const signature = this.opts.signer.sign(Buffer.from(body, 'utf8'));
    this.insCheckpoint.run(size, root, time, origin, body, signature, this.opts.signer.deviceId, this.opts.signer.publicKeyPem);
    const cp: SignedCheckpoint = { origin, size, root, time, body, signature, deviceId: this.opts.signer.deviceId, publicKeyPem: this.opts.signer.publicKeyPem };
    s.lastCheckpoint = cp;
    s.pendingAnchor = cp;
    return cp;
  }

  /**
   * Inclusion proof of entry `seq` in the tree of `size` (default: the latest checkpoint), checked
   * against that checkpoint's signed root before it is returned, so a damaged node cache can never
   * produce a proof that looks valid.
   */
  proveInclusion(seq: number, checkpoint: SignedCheckpoint | null = this.state.lastCheckpoint): { leafHash: Buffer; proof: Buffer[]; checkpoint: SignedCheckpoint } {
    if (!checkpoint) throw new AppError('CONFLICT', 'No checkpoint has been signed yet.');
    if (seq >= checkpoint.size) throw new RangeError('entry is not covered by the checkpoint');
    const leafHash = Buffer.from(this.nodes.node(0, seq));
    const proof = inclusionProof(nodeHasher, this.nodes, seq, checkpoint.size).map((p) => Buffer.from(p));
    try {
      verifyInclusion(nodeHasher, seq, checkpoint.size, leafHash, proof, checkpoint.root);
    } catch {
      throw new AppError('AUDIT_TAMPERED', 'The stored tree does not match the signed checkpoint.');
    }
    return { leafHash, proof, checkpoint };
  }

  proveConsistency(size1: number, size2: number): Buffer[] {
    if (size2 > this.state.size) throw new RangeError('size2 is beyond the log');
    return consistencyProof(nodeHasher, this.nodes, size1, size2).map((p) => Buffer.from(p));
  }
}
