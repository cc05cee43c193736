import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { AuditAction } from '../../../shared/audit/actions';
import type { AuditActor } from '../../../shared/audit/entry';
import { OPEN_SWAP_STATUSES, Swap } from '../../../shared/exchange/swaps';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../clock';
import { recordOutcome, type ChangeTx } from '../db/unit-of-work';
import type { IdGenerator } from '../ids';
import { yieldToEventLoop } from '../event-loop';
import { checkYear, collectYear, findingsOf, withAcknowledgements, type Finding, type YearCheckInput } from '../schedule/compliance';
import type { ComplianceRunner } from '../schedule/compliance-runner';
import { writeMark } from '../schedule/service';
import { assertSameVault, type Workspace } from '../workspace';

type UserActor = AuditActor & { type: 'user' };

class SwapStore {
  constructor(private readonly db: Database) {}
  get(id: string): Swap {
    const raw = this.db.prepare('SELECT data FROM swap_request WHERE id = ?').pluck().get(id);
    if (raw === undefined) throw new AppError('NOT_FOUND', 'No swap with this id.');
    return this.parse(raw);
  }
  all(): Swap[] {
    return this.db.prepare('SELECT data FROM swap_request ORDER BY created_at DESC, id').pluck().all().map((r) => this.parse(r));
  }
  put(s: Swap): void {
    const v = Swap.parse(s);
    this.db
      .prepare('INSERT INTO swap_request (id, status, requester_person_id, counterpart_person_id, created_at, data) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET status = excluded.status, data = excluded.data')
      .run(v.id, v.status, v.requesterPersonId, v.counterpartPersonId, v.createdAt, JSON.stringify(v));
  }
  private parse(raw: unknown): Swap {
    const r = Swap.safeParse(JSON.parse(String(raw)));
    if (!r.success) throw new AppError('DATABASE_DAMAGED', undefined, { details: { table: 'swap_request' } });
    return r.data;
  }
}

/** Thrown inside a trial transaction to roll it back while carrying the result out. */
class TrialResult {
  constructor(readonly added: Finding[]) {}
}

/** Thrown inside a trial transaction to roll it back once the year has been read. */
class TrialRead {
  constructor(readonly input: YearCheckInput) {}
}

type SwapRequestInput = { kind: 'block' | 'shift'; counterpartPersonId: string; blockId?: string | undefined; shiftId?: string | undefined; counterpartShiftId?: string | undefined };

/** Tries at the two-turn check before checking in one turn (a vault written to without pause). */
const SPLIT_ATTEMPTS = 3;

function openViolations(ws: Workspace, yearId: string): Finding[] {
  return unacknowledgedViolations(ws, checkYear(ws.store, ws.service.settings(), yearId).findings);
}

function unacknowledgedViolations(ws: Workspace, findings: Finding[]): Finding[] {
  return withAcknowledgements(ws.store, findings).filter((f) => f.verdict === 'violation' && f.acknowledged === null);
}

function refusal(added: Finding[]): AppError {
  const shown = added.slice(0, 3).map((f) => f.explanation);
  return new AppError('CONFLICT', `This swap would create ${added.length} compliance violation${added.length === 1 ? '' : 's'}: ${shown.join('; ')}${added.length > 3 ? '; ...' : ''}`, {
    details: { violations: added.length },
    issues: added.slice(0, 10).map((f) => ({ path: f.ruleId, message: f.explanation })),
  });
}

export interface SwapDeps {
  clock: Clock;
  ids: IdGenerator;
  /** Full-year checks in the compliance worker; without it they run on this thread. */
  runner?: ComplianceRunner | undefined;
  /** The open vault's workspace now (throws VAULT_LOCKED when locked), to notice a lock during an await. */
  workspace?: (() => Workspace) | undefined;
}

/**
 * The swap workflow (shared/exchange/swaps.ts). Every step is one audited unit; a refusal by the
 * compliance engine is recorded as a denied attempt outside the rolled-back transaction.
 */
export class SwapService {
  private readonly swaps: SwapStore;
  constructor(
    private readonly ws: Workspace,
    private readonly deps: SwapDeps,
  ) {
    this.swaps = new SwapStore(ws.db);
  }

  list(viewerPersonId: string | null, all: boolean, openOnly: boolean): Swap[] {
    return this.swaps
      .all()
      .filter((s) => all || (viewerPersonId !== null && (s.requesterPersonId === viewerPersonId || s.counterpartPersonId === viewerPersonId)))
      .filter((s) => !openOnly || OPEN_SWAP_STATUSES.has(s.status));
  }

  /** Writes the swap's effect on the draft with the store directly (trial) or through the services (approval). */
  private applyChanges(s: Swap, actor: UserActor | null): void {
    const { store, service } = this.ws;
    if (s.kind === 'block') {
      const blockId = s.blockId as string;
      const mine = store.blockAssignments.where('person_id = ? AND block_id = ?', s.requesterPersonId, blockId)[0];
      const theirs = store.blockAssignments.where('person_id = ? AND block_id = ?', s.counterpartPersonId, blockId)[0];
      if (!mine || !theirs) throw new AppError('CONFLICT', 'One of the two people no longer has a rotation in this block.');
      if (actor) {
        service.setBlockAssignments(actor, [
          { personId: s.requesterPersonId, blockId, rotationId: theirs.rotationId },
          { personId: s.counterpartPersonId, blockId, rotationId: mine.rotationId },
        ]);
      } else {
        store.blockAssignments.put({ ...mine, rotationId: theirs.rotationId });
        store.blockAssignments.put({ ...theirs, rotationId: mine.rotationId });
      }
      return;
    }
    const moves: Array<{ id: string; from: string; to: string }> = [{ id: s.shiftId as string, from: s.requesterPersonId, to: s.counterpartPersonId }];
    if (s.counterpartShiftId) moves.push({ id: s.counterpartShiftId, from: s.counterpartPersonId, to: s.requesterPersonId });
    const write = (tx: ChangeTx | null): void => {
      for (const m of moves) {
        const shift = store.shiftAssignments.get(m.id);
        if (!shift || shift.personId !== m.from) throw new AppError('CONFLICT', 'A shift of this swap was changed or removed since it was requested.');
        const next = { ...shift, personId: m.to };
        const clash = store.shiftAssignments.where('person_id = ? AND shift_type_id = ? AND date = ?', m.to, shift.shiftTypeId, shift.date)[0];
        if (clash) throw new AppError('CONFLICT', 'The other person already has this shift on that date.');
        store.shiftAssignments.put(next);
        tx?.record({ action: 'shift.update', resourceType: 'shift', resourceId: shift.id, subject: m.to, before: { personId: m.from }, after: { personId: m.to } });
      }
    };
    if (actor) this.ws.unit(actor, (tx) => write(tx));
    else write(null);
  }

  /**
   * New violations the swap would create, and the write mark they hold for, without holding the
   * main thread for two full-year checks (about 75 ms on the demo program): the year is read as it
   * is, then (next turn) inside a trial transaction that is always rolled back, and both are
   * checked in the compliance worker. Null when a write landed between the two reads. The caller
   * acts on the result only in the turn where the vault's write mark still equals `mark`.
   */
  private async trialOffThread(s: Swap): Promise<{ added: Finding[]; mark: string } | null> {
    const { db, store } = this.ws;
    const start = writeMark(db);
    const before = collectYear(store, this.ws.service.settings(), s.yearId);
    await this.pause();
    if (writeMark(db) !== start) return null;
    let after: YearCheckInput;
    try {
      db.transaction(() => {
        this.applyChanges(s, null);
        throw new TrialRead(collectYear(store, this.ws.service.settings(), s.yearId));
      })();
      throw new AppError('INTERNAL');
    } catch (e) {
      if (!(e instanceof TrialRead)) throw e;
      after = e.input;
    }
    const mark = writeMark(db);
    // Its own turn: the first check starts the worker thread (tens of milliseconds).
    await this.pause();
    const runner = this.deps.runner;
    const [was, would] = runner ? await Promise.all([runner.check(before), runner.check(after)]) : [findingsOf(before), findingsOf(after)];
    this.stillOpen();
    const known = new Set(unacknowledgedViolations(this.ws, was.findings).map((f) => f.key));
    return { added: unacknowledgedViolations(this.ws, would.findings).filter((f) => !known.has(f.key)), mark };
  }

  private async pause(): Promise<void> {
    await yieldToEventLoop();
    this.stillOpen();
  }

  /** The vault may have been locked (or rekeyed, replacing the connection) during an await. */
  private stillOpen(): void {
    if (this.deps.workspace) assertSameVault(this.deps.workspace, this.ws);
  }

  /** Whether a check made with `mark` still holds: nothing was written since. */
  private holds(checked: { mark: string } | null): checked is { added: Finding[]; mark: string } {
    return checked !== null && writeMark(this.ws.db) === checked.mark;
  }

  /** New violations the swap would create: applied in a transaction that is always rolled back. */
  private trial(s: Swap): Finding[] {
    const before = new Set(openViolations(this.ws, s.yearId).map((f) => f.key));
    try {
      this.ws.db.transaction(() => {
        this.applyChanges(s, null);
        throw new TrialResult(openViolations(this.ws, s.yearId).filter((f) => !before.has(f.key)));
      })();
    } catch (e) {
      if (e instanceof TrialResult) return e.added;
      throw e;
    }
    return [];
  }

  private refuse(actor: UserActor, action: AuditAction, s: Swap, added: Finding[]): never {
    recordOutcome(this.ws.db, this.ws.audit, actor, {
      action,
      resourceType: 'swap',
      resourceId: s.id,
      subject: s.requesterPersonId,
      outcome: 'denied',
      details: { kind: s.kind, yearId: s.yearId, violations: added.length, rules: [...new Set(added.map((f) => f.ruleId))].join(',').slice(0, 200) },
    });
    throw refusal(added);
  }

  private record(actor: UserActor, action: AuditAction, s: Swap, extra: Record<string, string | number | boolean> = {}): void {
    this.ws.unit(actor, (tx) => {
      this.swaps.put(s);
      tx.record({ action, resourceType: 'swap', resourceId: s.id, subject: s.requesterPersonId, details: { kind: s.kind, yearId: s.yearId, status: s.status, ...extra } });
    });
  }

  async request(actor: UserActor, requesterPersonId: string, input: SwapRequestInput): Promise<Swap> {
    const id = this.deps.ids.id();
    // Checked first: a swap the engine would refuse is never put to the counterpart. Validated,
    // checked and recorded against one state of the vault: a write during the check starts over.
    for (let attempt = 0; attempt < SPLIT_ATTEMPTS; attempt++) {
      const swap = this.validRequest(actor, requesterPersonId, input, id);
      const checked = await this.trialOffThread(swap);
      if (!this.holds(checked)) continue;
      if (checked.added.length > 0) this.refuse(actor, 'swap.request', swap, checked.added);
      this.record(actor, 'swap.request', swap);
      return swap;
    }
    const swap = this.validRequest(actor, requesterPersonId, input, id);
    const added = this.trial(swap);
    if (added.length > 0) this.refuse(actor, 'swap.request', swap, added);
    this.record(actor, 'swap.request', swap);
    return swap;
  }

  /** The request as a swap, if everything it names is as it must be now; throws the refusal otherwise. */
  private validRequest(actor: UserActor, requesterPersonId: string, input: SwapRequestInput, id: string): Swap {
    const { store } = this.ws;
    if (input.counterpartPersonId === requesterPersonId) throw new AppError('BAD_INPUT', 'A swap needs another person.', { issues: [{ path: 'counterpartPersonId', message: 'must be someone else' }] });
    const counterpart = store.people.require(input.counterpartPersonId, 'counterpartPersonId');
    if (!counterpart.active) throw new AppError('CONFLICT', 'The other person is not active in the program.');
    let yearId: string;
    let blockId: string | null = null;
    let shiftId: string | null = null;
    let counterpartShiftId: string | null = null;
    if (input.kind === 'block') {
      if (!input.blockId || input.shiftId || input.counterpartShiftId) throw new AppError('BAD_INPUT', 'A block swap names a block and no shifts.', { issues: [{ path: 'blockId', message: 'is required for a block swap' }] });
      const block = store.blocks.require(input.blockId, 'blockId');
      const mine = store.blockAssignments.where('person_id = ? AND block_id = ?', requesterPersonId, block.id)[0];
      const theirs = store.blockAssignments.where('person_id = ? AND block_id = ?', counterpart.id, block.id)[0];
      if (!mine || !theirs) throw new AppError('CONFLICT', 'Both people need a rotation in this block to swap it.');
      if (mine.rotationId === theirs.rotationId) throw new AppError('CONFLICT', 'Both people are already on the same rotation in this block.');
      yearId = block.academicYearId;
      blockId = block.id;
    } else {
      if (!input.shiftId || input.blockId) throw new AppError('BAD_INPUT', 'A shift swap names your shift.', { issues: [{ path: 'shiftId', message: 'is required for a shift swap' }] });
      const shift = store.shiftAssignments.require(input.shiftId, 'shiftId');
      if (shift.personId !== requesterPersonId) throw new AppError('FORBIDDEN', 'You can only offer your own shift.');
      if (input.counterpartShiftId) {
        const other = store.shiftAssignments.require(input.counterpartShiftId, 'counterpartShiftId');
        if (other.personId !== counterpart.id) throw new AppError('BAD_INPUT', 'The shift asked for in return is not the other person\'s.', { issues: [{ path: 'counterpartShiftId', message: 'is not a shift of the counterpart' }] });
        counterpartShiftId = other.id;
      }
      const year = store.years.all().find((y) => y.startDate <= shift.date && shift.date <= y.endDate);
      if (!year) throw new AppError('CONFLICT', 'The shift is outside every academic year.');
      yearId = year.id;
      shiftId = shift.id;
    }
    const open = this.swaps.all().find((s) => OPEN_SWAP_STATUSES.has(s.status) && ((blockId && s.blockId === blockId && [s.requesterPersonId, s.counterpartPersonId].includes(requesterPersonId)) || (shiftId && [s.shiftId, s.counterpartShiftId].includes(shiftId))));
    if (open) throw new AppError('CONFLICT', 'An open swap already involves this block or shift.');
    const now = this.deps.clock.now().toISOString();
    return {
      id, kind: input.kind, status: 'requested', yearId, requesterPersonId, counterpartPersonId: counterpart.id,
      blockId, shiftId, counterpartShiftId, createdAt: now, updatedAt: now, history: [{ at: now, by: actor.userId, step: 'request' }],
    };
  }

  respond(actor: UserActor, personId: string | null, id: string, accept: boolean): Swap {
    const s = this.swaps.get(id);
    if (personId === null || s.counterpartPersonId !== personId) throw new AppError('FORBIDDEN', 'Only the person asked may accept or decline this swap.');
    if (s.status !== 'requested') throw new AppError('CONFLICT', 'This swap is no longer waiting for an answer.');
    const now = this.deps.clock.now().toISOString();
    const next: Swap = { ...s, status: accept ? 'accepted' : 'declined', updatedAt: now, history: [...s.history, { at: now, by: actor.userId, step: accept ? 'accept' : 'decline' }] };
    this.record(actor, accept ? 'swap.accept' : 'swap.decline', next);
    return next;
  }

  cancel(actor: UserActor, personId: string | null, id: string): Swap {
    const s = this.swaps.get(id);
    if (personId === null || s.requesterPersonId !== personId) throw new AppError('FORBIDDEN', 'Only the requester may withdraw this swap.');
    if (!OPEN_SWAP_STATUSES.has(s.status)) throw new AppError('CONFLICT', 'This swap is already closed.');
    const now = this.deps.clock.now().toISOString();
    const next: Swap = { ...s, status: 'cancelled', updatedAt: now, history: [...s.history, { at: now, by: actor.userId, step: 'cancel' }] };
    this.record(actor, 'swap.cancel', next);
    return next;
  }

  /**
   * A coordinator's decision. Approval needs the counterpart's acceptance, re-runs the compliance
   * check on the schedule as it is now (it may have changed since the request), and applies the
   * swap to the draft in the same unit as the approval entry.
   */
  async decide(actor: UserActor, id: string, decision: 'approved' | 'denied', reason: string | undefined): Promise<Swap> {
    if (decision === 'approved') {
      // Checked off the main thread, then applied in the turn that finds nothing written since the
      // check (the swap itself included); otherwise checked again, in the end in one turn as before.
      for (let attempt = 0; attempt < SPLIT_ATTEMPTS; attempt++) {
        const s = this.swaps.get(id);
        if (s.status !== 'accepted') break;
        const checked = await this.trialOffThread(s);
        if (!this.holds(checked)) continue;
        if (checked.added.length > 0) this.refuse(actor, 'swap.approve', s, checked.added);
        return this.approve(actor, s, reason);
      }
    }
    return this.decideInOneTurn(actor, id, decision, reason);
  }

  /** Applies an accepted swap, checked already, with its approval entry in one unit. */
  private approve(actor: UserActor, s: Swap, reason: string | undefined): Swap {
    const now = this.deps.clock.now().toISOString();
    const next: Swap = { ...s, status: 'approved', updatedAt: now, history: [...s.history, { at: now, by: actor.userId, step: 'approve' }] };
    this.ws.unit(actor, (tx) => {
      this.applyChanges(s, actor);
      this.swaps.put(next);
      tx.record({ action: 'swap.approve', resourceType: 'swap', resourceId: s.id, subject: s.requesterPersonId, ...(reason ? { reason } : {}), details: { kind: s.kind, yearId: s.yearId, status: 'approved' } });
    });
    return next;
  }

  private decideInOneTurn(actor: UserActor, id: string, decision: 'approved' | 'denied', reason: string | undefined): Swap {
    const s = this.swaps.get(id);
    const now = this.deps.clock.now().toISOString();
    if (decision === 'denied') {
      if (!OPEN_SWAP_STATUSES.has(s.status)) throw new AppError('CONFLICT', 'This swap is already closed.');
      const next: Swap = { ...s, status: 'denied', updatedAt: now, history: [...s.history, { at: now, by: actor.userId, step: 'deny' }] };
      this.ws.unit(actor, (tx) => {
        this.swaps.put(next);
        tx.record({ action: 'swap.deny', resourceType: 'swap', resourceId: s.id, subject: s.requesterPersonId, ...(reason ? { reason } : {}), details: { kind: s.kind, yearId: s.yearId, status: 'denied' } });
      });
      return next;
    }
    if (s.status !== 'accepted') throw new AppError('CONFLICT', s.status === 'requested' ? 'The other person has not accepted this swap yet.' : 'This swap is already closed.');
    const before = new Set(openViolations(this.ws, s.yearId).map((f) => f.key));
    const next: Swap = { ...s, status: 'approved', updatedAt: now, history: [...s.history, { at: now, by: actor.userId, step: 'approve' }] };
    let added: Finding[] = [];
    try {
      this.ws.unit(actor, (tx) => {
        this.applyChanges(s, actor);
        added = openViolations(this.ws, s.yearId).filter((f) => !before.has(f.key));
        if (added.length > 0) throw refusal(added);
        this.swaps.put(next);
        tx.record({ action: 'swap.approve', resourceType: 'swap', resourceId: s.id, subject: s.requesterPersonId, ...(reason ? { reason } : {}), details: { kind: s.kind, yearId: s.yearId, status: 'approved' } });
      });
    } catch (err) {
      if (added.length > 0) this.refuse(actor, 'swap.approve', s, added);
      throw err;
    }
    return next;
  }
}
