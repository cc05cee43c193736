import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { z } from 'zod';
import { addDays } from '../../../shared/domain/common';
import type {
  Absence, CoverageRequirement, Credential, CurriculumRequirement, ScheduleRequest, Person, Rotation,
  ShiftType} from '../../../shared/domain/schedule';
import { AcademicYear, Block, BlockAssignment, ProgramSettings, ShiftAssignment
} from '../../../shared/domain/schedule';
import { AppError } from '../../../shared/errors';
import { formatUtcInstant } from '../../../shared/compliance/time/instant';
import { parseIsoDate } from '../../../shared/compliance/time/civil';
import { localToInstant, type Disambiguation } from '../../../shared/compliance/time/zone';
import type { Clock } from '../clock';
import { readVaultInfo } from '../vault/meta';
import type { IdGenerator } from '../ids';
import type { AuditAction } from '../../../shared/audit/actions';
import type { AuditActor } from '../../../shared/audit/entry';
import type { ChangeTx } from '../db/unit-of-work';
import { asRecord, type Unit } from './change';
import type { Collection } from './collection';
import type { ScheduleStore } from './store';

/** Entries about a person's own records name the person (by id) so audits can be searched by person. */
function subjectOf(record: object | null): { subject?: string } {
  const personId = (record as { personId?: unknown } | null)?.personId;
  return typeof personId === 'string' ? { subject: personId } : {};
}

/**
 * Absence reasons, notes and locations (military movements) never enter the audit trail: its readers
 * (compliance officers) may not see them, and an entry cannot be filtered later without breaking its
 * leaf hash. The entry says which of them changed instead.
 */
const ABSENCE_DETAIL_FIELDS = ['reason', 'notes', 'location'] as const;
function protectedDetail(resourceType: string, before: object | null, after: object | null): { omitFields?: readonly string[]; details?: { detailFieldsChanged: string } } {
  if (resourceType !== 'absence') return {};
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const changed = ABSENCE_DETAIL_FIELDS.filter((k) => (b[k] ?? null) !== (a[k] ?? null));
  return { omitFields: ABSENCE_DETAIL_FIELDS, details: { detailFieldsChanged: changed.join(',') } };
}

function badInput(path: string, message: string): AppError {
  return new AppError('BAD_INPUT', undefined, { issues: [{ path, message }] });
}

/** SQLite foreign-key refusals become a coordinator's CONFLICT, naming what still uses the record. */
function mapConstraint(err: unknown, what: string): never {
  const code = (err as { code?: string }).code ?? '';
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    throw new AppError('CONFLICT', `This ${what} is still used by other records (assignments, absences or credentials).`);
  }
  throw err;
}

export interface ShiftChanges {
  /** Ids of shifts to remove (first). */
  remove: readonly string[];
  /** Shifts to add (after the removals), materialized in the program's zone. */
  add: ReadonlyArray<{ personId: string; shiftTypeId: string; date: string }>;
  disambiguation?: Disambiguation;
}

/** Shift changes checked against the vault, ready for writeCheckedShiftChanges. */
export interface CheckedShiftChanges {
  readonly removed: readonly ShiftAssignment[];
  readonly added: readonly ShiftAssignment[];
  /** The vault's write mark when the checks began. */
  readonly mark: string;
}

/** Thrown inside writeCheckedShiftChanges' transaction to roll it back when its checks are stale. */
class StaleChecks extends Error {}

/** Times applyShiftChanges checks and writes before refusing a vault that keeps being written. */
const APPLY_ATTEMPTS = 3;

/** Records checked between two pauses of checkShiftChanges (a few milliseconds of work). */
const CHECK_STEP = 64;

/**
 * Moves with every write to the vault: a row changed on this connection (total_changes, which
 * counts rolled-back writes too) or a commit by another connection (data_version). Equal marks
 * mean nothing was written in between.
 */
export function writeMark(db: Database): string {
  const local = db.prepare('SELECT total_changes()').pluck().get() as number;
  const others = db.pragma('data_version', { simple: true }) as number;
  return `${local}|${others}`;
}

/**
 * The scheduling services: every change validated against the shared schemas and the program's
 * rules, written through the audited unit of work.
 */
export class ScheduleService {
  constructor(
    private readonly store: ScheduleStore,
    private readonly runChange: Unit,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    /** Told of every saved person, so the redacting logger learns the name at once. */
    private readonly onPersonSaved: (person: Person) => void = () => {},
  ) {}

  // ---- generic save / remove for simple records -------------------------------------------------

  private saveRecord<T extends { id: string }>(
    actor: AuditActor,
    coll: Collection<T>,
    resourceType: 'person' | 'rotation' | 'shift_type' | 'requirement' | 'absence' | 'credential' | 'coverage' | 'request',
    input: Omit<T, 'id'> & { id?: string | undefined },
    validate?: (record: T) => void,
  ): T {
    const id = input.id ?? this.ids.id();
    const parsed = coll.spec.schema.safeParse({ ...input, id });
    if (!parsed.success) {
      throw new AppError('BAD_INPUT', undefined, { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) });
    }
    const record = parsed.data;
    validate?.(record);
    return this.runChange(actor, (tx) => {
      const before = input.id ? coll.get(id) : null;
      if (input.id && !before) throw badInput('id', `no ${resourceType} with this id`);
      coll.put(record);
      tx.record({ action: `${resourceType}.${before ? 'update' : 'create'}` as AuditAction, resourceType, resourceId: id, before: asRecord(before), after: asRecord(record), ...subjectOf(record), ...protectedDetail(resourceType, before, record) });
      return record;
    });
  }

  private removeRecord<T extends { id: string }>(actor: AuditActor, coll: Collection<T>, resourceType: 'person' | 'rotation' | 'shift_type' | 'requirement' | 'absence' | 'shift' | 'credential' | 'coverage' | 'request', id: string): void {
    this.runChange(actor, (tx) => {
      const before = coll.require(id, 'id');
      try {
        coll.delete(id);
      } catch (err) {
        mapConstraint(err, resourceType);
      }
      tx.record({ action: `${resourceType}.delete` as AuditAction, resourceType, resourceId: id, before: asRecord(before), after: null, ...subjectOf(before), ...protectedDetail(resourceType, before, null) });
    });
  }

  // ---- program ----------------------------------------------------------------------------------

  /** The program's settings; until first edited, derived from what vault setup recorded. */
  settings(): ProgramSettings {
    const s = this.store.settings.get();
    if (s) return s;
    const info = readVaultInfo(this.store.db);
    return { name: info.programName.slice(0, 120), specialty: 'general', timeZone: info.timeZone, ruleSet: 'CPR-2025', rulePacks: [], workPeriodGapMinutes: 0 };
  }

  saveSettings(actor: AuditActor, settings: ProgramSettings): ProgramSettings {
    const valid = ProgramSettings.parse(settings);
    return this.runChange(actor, (tx) => {
      const before = this.store.settings.get();
      this.store.settings.put(valid);
      tx.record({ action: 'settings.update', resourceType: 'program', resourceId: 'program', before: asRecord(before), after: asRecord(valid) });
      return valid;
    });
  }

  // ---- people, rotations, shift types, curriculum ----------------------------------------------

  savePerson(actor: AuditActor, input: Omit<Person, 'id'> & { id?: string }): Person {
    const saved = this.saveRecord(actor, this.store.people, 'person', input);
    this.onPersonSaved(saved);
    return saved;
  }
  removePerson(actor: AuditActor, id: string): void {
    this.removeRecord(actor, this.store.people, 'person', id);
  }

  /** Credentials and certifications (e.g. ACLS) with their validity; rotations may require them. */
  saveCredential(actor: AuditActor, input: Omit<Credential, 'id'> & { id?: string }): Credential {
    return this.saveRecord(actor, this.store.credentials, 'credential', input, (c) => {
      this.store.people.require(c.personId, 'personId');
      if (c.issuedOn && c.expiresOn && c.expiresOn < c.issuedOn) throw badInput('expiresOn', 'must not be before the issue date');
    });
  }
  removeCredential(actor: AuditActor, id: string): void {
    this.removeRecord(actor, this.store.credentials, 'credential', id);
  }

  saveCoverage(actor: AuditActor, input: Omit<CoverageRequirement, 'id'> & { id?: string }): CoverageRequirement {
    return this.saveRecord(actor, this.store.coverage, 'coverage', input, (c) => {
      this.store.shiftTypes.require(c.shiftTypeId, 'shiftTypeId');
      if (c.max < c.min) throw badInput('max', 'must be at least the minimum');
      if (c.minSenior > c.max) throw badInput('minSenior', 'cannot exceed the maximum');
      if (c.minSenior > 0 && c.seniorPgy === null) throw badInput('seniorPgy', 'say which PGY level counts as senior');
    });
  }
  removeCoverage(actor: AuditActor, id: string): void {
    this.removeRecord(actor, this.store.coverage, 'coverage', id);
  }

  saveRequest(actor: AuditActor, input: Omit<ScheduleRequest, 'id'> & { id?: string }): ScheduleRequest {
    return this.saveRecord(actor, this.store.requests, 'request', input, (r) => {
      this.store.people.require(r.personId, 'personId');
      if (r.endDate < r.startDate) throw badInput('endDate', 'must not end before it starts');
      if (r.kind === 'shift' && !r.shiftTypeId) throw badInput('shiftTypeId', 'a shift request names the shift type');
      if (r.kind === 'rotation' && !r.rotationId) throw badInput('rotationId', 'a rotation request names the rotation');
      if (r.shiftTypeId) this.store.shiftTypes.require(r.shiftTypeId, 'shiftTypeId');
      if (r.rotationId) this.store.rotations.require(r.rotationId, 'rotationId');
    });
  }
  removeRequest(actor: AuditActor, id: string): void {
    this.removeRecord(actor, this.store.requests, 'request', id);
  }

  saveRotation(actor: AuditActor, input: Omit<Rotation, 'id'> & { id?: string }): Rotation {
    return this.saveRecord(actor, this.store.rotations, 'rotation', input);
  }
  removeRotation(actor: AuditActor, id: string): void {
    this.removeRecord(actor, this.store.rotations, 'rotation', id);
  }

  saveShiftType(actor: AuditActor, input: Omit<ShiftType, 'id'> & { id?: string }): ShiftType {
    return this.saveRecord(actor, this.store.shiftTypes, 'shift_type', input, (st) => {
      if (st.rotationId) this.store.rotations.require(st.rotationId, 'rotationId');
    });
  }
  removeShiftType(actor: AuditActor, id: string): void {
    this.removeRecord(actor, this.store.shiftTypes, 'shift_type', id);
  }

  saveRequirement(actor: AuditActor, input: Omit<CurriculumRequirement, 'id'> & { id?: string }): CurriculumRequirement {
    return this.saveRecord(actor, this.store.curriculum, 'requirement', input, (r) => {
      if (r.maxBlocks < r.minBlocks) throw badInput('maxBlocks', 'must be at least the minimum');
    });
  }
  removeRequirement(actor: AuditActor, id: string): void {
    this.removeRecord(actor, this.store.curriculum, 'requirement', id);
  }

  // ---- academic years and blocks ----------------------------------------------------------------

  /**
   * A year of `blockCount` blocks of `blockDays` days from `startDate`; the last block runs to the
   * day before the next year starts (13 x 28 = 364, so it absorbs the 365th day). Half blocks split
   * each block in two.
   */
  createAcademicYear(actor: AuditActor, input: { label: string; startDate: string; blockCount: number; blockDays: number; halfBlocks: boolean }): { year: AcademicYear; blocks: Block[] } {
    const start = new Date(`${input.startDate}T00:00:00Z`);
    const next = new Date(Date.UTC(start.getUTCFullYear() + 1, start.getUTCMonth(), start.getUTCDate()));
    const endDate = addDays(next.toISOString().slice(0, 10), -1);
    if (input.blockCount * input.blockDays > 366 + input.blockDays) throw badInput('blockCount', 'blocks do not fit in one year');
    const overlapping = this.store.years.all().find((y) => y.startDate <= endDate && input.startDate <= y.endDate);
    if (overlapping) throw badInput('startDate', 'overlaps an existing academic year');
    const year = AcademicYear.parse({ id: this.ids.id(), label: input.label, startDate: input.startDate, endDate });
    const blocks: Block[] = [];
    for (let n = 1; n <= input.blockCount; n++) {
      const bStart = addDays(input.startDate, (n - 1) * input.blockDays);
      const bEnd = n === input.blockCount ? endDate : addDays(bStart, input.blockDays - 1);
      if (bStart > endDate) throw badInput('blockCount', 'blocks do not fit in one year');
      if (input.halfBlocks) {
        const mid = addDays(bStart, Math.floor(input.blockDays / 2) - 1);
        blocks.push(Block.parse({ id: this.ids.id(), academicYearId: year.id, number: n, label: `${n}a`, startDate: bStart, endDate: mid, half: 'first' }));
        blocks.push(Block.parse({ id: this.ids.id(), academicYearId: year.id, number: n, label: `${n}b`, startDate: addDays(mid, 1), endDate: bEnd, half: 'second' }));
      } else {
        blocks.push(Block.parse({ id: this.ids.id(), academicYearId: year.id, number: n, label: `Block ${n}`, startDate: bStart, endDate: bEnd, half: 'full' }));
      }
    }
    return this.runChange(actor, (tx) => {
      this.store.years.put(year);
      tx.record({ action: 'academic_year.create', resourceType: 'academic_year', resourceId: year.id, before: null, after: asRecord(year) });
      for (const b of blocks) {
        this.store.blocks.put(b);
        tx.record({ action: 'block.create', resourceType: 'block', resourceId: b.id, before: null, after: asRecord(b) });
      }
      return { year, blocks };
    });
  }

  blocksOfYear(yearId: string): Block[] {
    return this.store.blocks.where('academic_year_id = ?', yearId).sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : 0));
  }

  // ---- block assignments ------------------------------------------------------------------------

  /** Puts a person on a rotation for a block (or clears it with rotationId null). */
  setBlockAssignment(actor: AuditActor, input: { personId: string; blockId: string; rotationId: string | null; pinned?: boolean }): BlockAssignment | null {
    const person = this.store.people.require(input.personId, 'personId');
    this.store.blocks.require(input.blockId, 'blockId');
    if (input.rotationId) {
      const rotation = this.store.rotations.require(input.rotationId, 'rotationId');
      if (person.kind === 'resident' || person.kind === 'fellow') {
        if (person.pgy === null || !rotation.eligiblePgy.includes(person.pgy)) {
          throw badInput('rotationId', `this rotation takes PGY ${rotation.eligiblePgy.join(', ')}; the person is PGY-${person.pgy ?? '?'}`);
        }
      }
    }
    return this.runChange(actor, (tx) => this.writeBlockAssignment(tx, input));
  }

  /** Several assignments as one change set (bulk assign, paste, undo of a bulk edit). */
  setBlockAssignments(actor: AuditActor, items: Array<{ personId: string; blockId: string; rotationId: string | null; pinned?: boolean }>): number {
    for (const [i, item] of items.entries()) {
      const person = this.store.people.require(item.personId, `items.${i}.personId`);
      this.store.blocks.require(item.blockId, `items.${i}.blockId`);
      if (item.rotationId) {
        const rotation = this.store.rotations.require(item.rotationId, `items.${i}.rotationId`);
        if ((person.kind === 'resident' || person.kind === 'fellow') && (person.pgy === null || !rotation.eligiblePgy.includes(person.pgy))) {
          throw badInput(`items.${i}.rotationId`, `this rotation takes PGY ${rotation.eligiblePgy.join(', ')}`);
        }
      }
    }
    return this.runChange(actor, (tx) => {
      for (const item of items) this.writeBlockAssignment(tx, item);
      return items.length;
    });
  }

  private writeBlockAssignment(tx: ChangeTx, input: { personId: string; blockId: string; rotationId: string | null; pinned?: boolean }): BlockAssignment | null {
    const existing = this.store.blockAssignments.where('person_id = ? AND block_id = ?', input.personId, input.blockId)[0] ?? null;
    if (!input.rotationId) {
      if (!existing) return null;
      this.store.blockAssignments.delete(existing.id);
      tx.record({ action: 'assignment.delete', resourceType: 'assignment', resourceId: existing.id, subject: existing.personId, before: asRecord(existing), after: null });
      return null;
    }
    const next = BlockAssignment.parse({ id: existing?.id ?? this.ids.id(), personId: input.personId, blockId: input.blockId, rotationId: input.rotationId, pinned: input.pinned ?? existing?.pinned ?? false });
    this.store.blockAssignments.put(next);
    tx.record({ action: existing ? 'assignment.update' : 'assignment.create', resourceType: 'assignment', resourceId: next.id, subject: next.personId, before: asRecord(existing), after: asRecord(next) });
    return next;
  }

  // ---- shifts -----------------------------------------------------------------------------------

  /** Materializes a shift's instants from its local date and start time in the program's zone. */
  materializeShift(shiftType: ShiftType, date: string, disambiguation: Disambiguation = 'reject'): { startsAt: string; endsAt: string } {
    return this.materializeIn(this.settings().timeZone, shiftType, date, disambiguation);
  }

  private materializeIn(zone: string, shiftType: ShiftType, date: string, disambiguation: Disambiguation): { startsAt: string; endsAt: string } {
    const day = parseIsoDate(date);
    if (day === undefined) throw badInput('date', 'must be a date YYYY-MM-DD');
    const [h, m] = shiftType.startTime.split(':').map(Number) as [number, number];
    const r = localToInstant(zone, day, h * 60 + m, disambiguation);
    if (!r.ok) {
      throw badInput(
        'date',
        r.reason === 'gap'
          ? "the shift's start time does not exist on this date (the clocks spring forward)"
          : "the shift's start time happens twice on this date (the clocks fall back): choose the earlier or later one",
      );
    }
    return { startsAt: formatUtcInstant(r.instant), endsAt: formatUtcInstant(r.instant + shiftType.durationMinutes) };
  }

  assignShift(actor: AuditActor, input: { personId: string; shiftTypeId: string; date: string; disambiguation?: Disambiguation }): ShiftAssignment {
    this.store.people.require(input.personId, 'personId');
    const shiftType = this.store.shiftTypes.require(input.shiftTypeId, 'shiftTypeId');
    const inYear = this.store.years.all().some((y) => y.startDate <= input.date && input.date <= y.endDate);
    if (!inYear) throw badInput('date', 'is outside every academic year');
    const { startsAt, endsAt } = this.materializeShift(shiftType, input.date, input.disambiguation);
    const duplicate = this.store.shiftAssignments.where('person_id = ? AND shift_type_id = ? AND date = ?', input.personId, input.shiftTypeId, input.date)[0];
    if (duplicate) throw new AppError('CONFLICT', 'This person already has this shift on this date.');
    const record = ShiftAssignment.parse({ id: this.ids.id(), personId: input.personId, shiftTypeId: input.shiftTypeId, date: input.date, startsAt, endsAt });
    return this.runChange(actor, (tx) => {
      this.store.shiftAssignments.put(record);
      tx.record({ action: 'shift.create', resourceType: 'shift', resourceId: record.id, subject: record.personId, before: null, after: asRecord(record) });
      return record;
    });
  }

  unassignShift(actor: AuditActor, id: string): void {
    this.removeRecord(actor, this.store.shiftAssignments, 'shift', id);
  }

  /**
   * Many shift removals, then additions, as ONE unit of work (an accepted month of call): every
   * change is checked first with the program read once, then all are written with one audit entry
   * each (before/after). `also` may record more entries in the same change set (what caused it).
   * Refuses as a whole, writing nothing, if any single change would be refused.
   */
  applyShiftChanges(actor: AuditActor, changes: ShiftChanges, also?: (tx: ChangeTx) => void): number {
    for (let attempt = 1; ; attempt++) {
      const checks = this.shiftChangeChecks(changes, writeMark(this.store.db));
      let step = checks.next();
      while (!step.done) step = checks.next();
      // Checked and written in the same turn of the event loop: only another connection's commit
      // can come in between, and then the changes are checked again.
      const written = this.writeCheckedShiftChanges(actor, step.value, also);
      if (written !== null) return written;
      if (attempt >= APPLY_ATTEMPTS) throw new AppError('CONFLICT', 'The schedule kept changing while the changes were checked. Try again.');
    }
  }

  /**
   * The checks of applyShiftChanges in steps, awaiting `pause` between them, so a large change set
   * does not hold the main thread while it is read and checked. The vault's write mark is taken
   * synchronously when this is called: what the caller checked in the same turn is covered too.
   * Returns null if a check refused a change after the vault was written during the checks (a
   * removed shift deleted meanwhile, say): the refusal may be the other write's doing, so the caller
   * looks at what it is changing again.
   */
  async checkShiftChanges(changes: ShiftChanges, pause: () => Promise<void>): Promise<CheckedShiftChanges | null> {
    const mark = writeMark(this.store.db);
    const checks = this.shiftChangeChecks(changes, mark);
    for (;;) {
      let step: IteratorResult<void, CheckedShiftChanges>;
      try {
        step = checks.next();
      } catch (err) {
        if (writeMark(this.store.db) !== mark) return null;
        throw err;
      }
      if (step.done) return step.value;
      await pause();
    }
  }

  /**
   * Writes checked shift changes as ONE unit of work: a delete entry (before) per removal, a create
   * entry (after) per addition, then whatever `also` records. Returns null, writing nothing, if
   * anything at all was written to the vault since the checks began (they may no longer hold: check
   * again); re-checked inside the transaction, so no write can slip in between.
   */
  writeCheckedShiftChanges(actor: AuditActor, checked: CheckedShiftChanges, also?: (tx: ChangeTx) => void): number | null {
    if (writeMark(this.store.db) !== checked.mark) return null;
    try {
      return this.runChange(actor, (tx) => {
        // Another connection's commit that slipped in before the transaction began: roll back.
        if (writeMark(this.store.db) !== checked.mark) throw new StaleChecks();
        for (const before of checked.removed) {
          try {
            this.store.shiftAssignments.delete(before.id);
          } catch (err) {
            mapConstraint(err, 'shift');
          }
          tx.record({ action: 'shift.delete', resourceType: 'shift', resourceId: before.id, subject: before.personId, before: asRecord(before), after: null });
        }
        for (const record of checked.added) {
          this.store.shiftAssignments.put(record);
          tx.record({ action: 'shift.create', resourceType: 'shift', resourceId: record.id, subject: record.personId, before: null, after: asRecord(record) });
        }
        also?.(tx);
        return checked.removed.length + checked.added.length;
      });
    } catch (err) {
      if (err instanceof StaleChecks) return null;
      throw err;
    }
  }

  /**
   * The checks of a set of shift changes, yielding every CHECK_STEP records; reads only. `mark` is
   * the vault's write mark when the caller began (the generator's body starts only at its first step).
   */
  private *shiftChangeChecks(changes: ShiftChanges, mark: string): Generator<void, CheckedShiftChanges, void> {
    const zone = this.settings().timeZone;
    const years = this.store.years.all();
    const people = new Set<string>();
    const shiftTypes = new Map<string, ShiftType>();
    const removed: ShiftAssignment[] = [];
    for (const [i, id] of changes.remove.entries()) {
      removed.push(this.store.shiftAssignments.require(id, `remove.${i}`));
      if ((i + 1) % CHECK_STEP === 0) yield;
    }
    const removedIds = new Set(changes.remove);
    const dates = changes.add.map((a) => a.date).sort();
    const taken = new Set(
      dates.length === 0
        ? []
        : this.store.shiftAssignments
            .where('date >= ? AND date <= ?', dates[0] as string, dates.at(-1) as string)
            .filter((s) => !removedIds.has(s.id))
            .map((s) => `${s.personId}|${s.shiftTypeId}|${s.date}`),
    );
    yield;
    const added: ShiftAssignment[] = [];
    for (const [i, a] of changes.add.entries()) {
      if (!people.has(a.personId)) {
        this.store.people.require(a.personId, `add.${i}.personId`);
        people.add(a.personId);
      }
      let shiftType = shiftTypes.get(a.shiftTypeId);
      if (!shiftType) shiftTypes.set(a.shiftTypeId, (shiftType = this.store.shiftTypes.require(a.shiftTypeId, `add.${i}.shiftTypeId`)));
      if (!years.some((y) => y.startDate <= a.date && a.date <= y.endDate)) throw badInput(`add.${i}.date`, 'is outside every academic year');
      const key = `${a.personId}|${a.shiftTypeId}|${a.date}`;
      if (taken.has(key)) throw new AppError('CONFLICT', 'This person already has this shift on this date.');
      taken.add(key);
      const { startsAt, endsAt } = this.materializeIn(zone, shiftType, a.date, changes.disambiguation ?? 'reject');
      added.push(ShiftAssignment.parse({ id: this.ids.id(), personId: a.personId, shiftTypeId: a.shiftTypeId, date: a.date, startsAt, endsAt }));
      if ((i + 1) % CHECK_STEP === 0) yield;
    }
    return { removed, added, mark };
  }

  // ---- absences ---------------------------------------------------------------------------------

  saveAbsence(actor: AuditActor, input: Omit<z.input<typeof Absence>, 'id'> & { id?: string }): Absence {
    return this.saveRecord(actor, this.store.absences, 'absence', input as Omit<Absence, 'id'> & { id?: string }, (a) => {
      this.store.people.require(a.personId, 'personId');
      if (a.status === 'cancelled' || a.status === 'denied') return;
      const overlapping = this.store.absences
        .where('person_id = ? AND start_date <= ? AND end_date >= ?', a.personId, a.endDate, a.startDate)
        .find((o) => o.id !== a.id && (o.status === 'approved' || o.status === 'requested'));
      if (overlapping) throw badInput('startDate', 'overlaps another absence of this person');
    });
  }

  decideAbsence(actor: AuditActor, id: string, decision: 'approved' | 'denied', reason: string | null): Absence {
    return this.runChange(actor, (tx) => {
      const before = this.store.absences.require(id, 'id');
      if (before.status !== 'requested') throw new AppError('CONFLICT', 'Only a requested absence can be approved or denied.');
      const after: Absence = { ...before, status: decision };
      this.store.absences.put(after);
      tx.record({ action: decision === 'approved' ? 'absence.approve' : 'absence.deny', resourceType: 'absence', resourceId: id, subject: before.personId, before: { status: before.status }, after: { status: decision }, ...(reason ? { reason } : {}) });
      return after;
    });
  }

  removeAbsence(actor: AuditActor, id: string): void {
    this.removeRecord(actor, this.store.absences, 'absence', id);
  }

  // ---- acknowledgements -------------------------------------------------------------------------

  acknowledgeViolation(actor: AuditActor, violationKey: string, reason: string): void {
    if (actor.type !== 'user') throw new AppError('FORBIDDEN');
    this.runChange(actor, (tx) => {
      const existing = this.store.acknowledgements.where('violation_key = ?', violationKey)[0];
      if (existing) throw new AppError('CONFLICT', 'This violation is already acknowledged.');
      const record = { id: this.ids.id(), violationKey, reason, acknowledgedBy: actor.userId, acknowledgedAt: this.clock.now().toISOString() };
      this.store.acknowledgements.put(record);
      tx.record({ action: 'compliance.acknowledge', resourceType: 'violation', resourceId: record.id, before: null, after: { violationKey, acknowledgedBy: actor.userId }, reason });
    });
  }
}
