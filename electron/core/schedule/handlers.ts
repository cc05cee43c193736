import type { z } from 'zod';
import type { AbsenceView, scheduleCalls } from '../../../shared/contract/schedule';
import type { Absence } from '../../../shared/domain/schedule';
import { EXCLUDED_FROM_AVERAGING_BY_DEFAULT } from '../../../shared/domain/schedule';
import { AppError } from '../../../shared/errors';
import { roleHas } from '../../../shared/rbac';
import type { CallContext, Handlers } from '../dispatcher';
import type { AuditActor } from '../../../shared/audit/entry';
import type { RecordRead } from './change';
import { collectYear, findingsOf, withAcknowledgements } from './compliance';
import type { ComplianceRunner } from './compliance-runner';
import type { ScheduleService } from './service';
import type { ScheduleStore } from './store';

export interface ScheduleWorkspace {
  store: ScheduleStore;
  service: ScheduleService;
  read: RecordRead;
}

export interface ScheduleDeps {
  /** The open vault's scheduling store and services; throws VAULT_LOCKED when none is open. */
  workspace(): ScheduleWorkspace;
  /** Runs full-year checks off the main thread; without one they run inline (tests). */
  runner?: ComplianceRunner;
}

export function actorOf(ctx: CallContext): AuditActor {
  const s = ctx.session;
  if (!s) throw new AppError('UNAUTHENTICATED');
  return { type: 'user', userId: s.userId, role: s.role, sessionId: s.id };
}

type AbsenceOut = z.input<typeof AbsenceView>;
/** The dispatcher's field filter replaces reason, notes and location for viewers who may not see them. */
function view(a: Absence): AbsenceOut {
  return { ...a };
}

const ok = { ok: true as const };

/** One's own requests need absence.request; anyone else's need schedule.edit. */
function ownOrEditor(ctx: CallContext, personId: string): void {
  const s = ctx.session;
  if (!s) throw new AppError('UNAUTHENTICATED');
  if (roleHas(s.role, 'schedule.edit')) return;
  if (s.personId === personId && roleHas(s.role, 'absence.request')) return;
  throw new AppError('FORBIDDEN', 'You may change only your own requests.');
}

export function scheduleHandlers(deps: ScheduleDeps): Handlers<typeof scheduleCalls> {
  const ws = () => deps.workspace();
  return {
    'program.get': () => ws().service.settings(),
    'program.update': (input, ctx) => ws().service.saveSettings(actorOf(ctx), input.settings),

    'years.list': () => {
      const { store, service } = ws();
      return store.years.all().map((year) => ({ year, blocks: service.blocksOfYear(year.id) }));
    },
    'years.create': (input, ctx) => ws().service.createAcademicYear(actorOf(ctx), input),

    'people.list': () => ws().store.people.all(),
    'people.save': (input, ctx) => ws().service.savePerson(actorOf(ctx), input),
    'people.remove': (input, ctx) => (ws().service.removePerson(actorOf(ctx), input.id), ok),

    'credentials.list': (input) => (input.personId ? ws().store.credentials.where('person_id = ?', input.personId) : ws().store.credentials.all()),
    'credentials.save': (input, ctx) => ws().service.saveCredential(actorOf(ctx), input),
    'credentials.remove': (input, ctx) => (ws().service.removeCredential(actorOf(ctx), input.id), ok),

    'coverage.list': () => ws().store.coverage.all(),
    'coverage.save': (input, ctx) => ws().service.saveCoverage(actorOf(ctx), input),
    'coverage.remove': (input, ctx) => (ws().service.removeCoverage(actorOf(ctx), input.id), ok),

    'requests.list': (input) => (input.personId ? ws().store.requests.where('person_id = ?', input.personId) : ws().store.requests.all()),
    'requests.save': (input, ctx) => {
      const { store, service } = ws();
      // Residents and faculty file their own requests; schedule editors may file anyone's.
      ownOrEditor(ctx, input.personId);
      if (input.id) ownOrEditor(ctx, store.requests.require(input.id, 'id').personId);
      return service.saveRequest(actorOf(ctx), input);
    },
    'requests.remove': (input, ctx) => {
      const { store, service } = ws();
      ownOrEditor(ctx, store.requests.require(input.id, 'id').personId);
      service.removeRequest(actorOf(ctx), input.id);
      return ok;
    },

    'rotations.list': () => ws().store.rotations.all(),
    'rotations.save': (input, ctx) => ws().service.saveRotation(actorOf(ctx), input),
    'rotations.remove': (input, ctx) => (ws().service.removeRotation(actorOf(ctx), input.id), ok),

    'shiftTypes.list': () => ws().store.shiftTypes.all(),
    'shiftTypes.save': (input, ctx) => ws().service.saveShiftType(actorOf(ctx), input),
    'shiftTypes.remove': (input, ctx) => (ws().service.removeShiftType(actorOf(ctx), input.id), ok),

    'requirements.list': () => ws().store.curriculum.all(),
    'requirements.save': (input, ctx) => ws().service.saveRequirement(actorOf(ctx), input),
    'requirements.remove': (input, ctx) => (ws().service.removeRequirement(actorOf(ctx), input.id), ok),

    'assignments.list': (input) => {
      const { store } = ws();
      store.years.require(input.yearId, 'yearId');
      const blockIds = new Set(store.blocks.where('academic_year_id = ?', input.yearId).map((b) => b.id));
      return store.blockAssignments.all().filter((a) => blockIds.has(a.blockId));
    },
    'assignments.set': (input, ctx) => ({ assignment: ws().service.setBlockAssignment(actorOf(ctx), input) }),
    'assignments.setMany': (input, ctx) => ({ changed: ws().service.setBlockAssignments(actorOf(ctx), input.items) }),

    'shifts.list': (input) => ws().store.shiftAssignments.where('date >= ? AND date <= ?', input.from, input.to),
    'shifts.assign': (input, ctx) => ws().service.assignShift(actorOf(ctx), input),
    'shifts.unassign': (input, ctx) => (ws().service.unassignShift(actorOf(ctx), input.id), ok),

    'absences.list': (input) => {
      const { store } = ws();
      const list = input.personId ? store.absences.where('person_id = ?', input.personId) : store.absences.all();
      return list.map(view);
    },
    'absences.get': (input, ctx) => {
      const absence = ws().store.absences.require(input.id, 'id');
      // Opening one absence is the detail view: audited whoever opens it (the filter decides what they see).
      ws().read(actorOf(ctx), { action: 'absence.read_details', resourceType: 'absence', resourceId: absence.id, subject: absence.personId });
      return view(absence);
    },
    'absences.save': (input, ctx) => view(ws().service.saveAbsence(actorOf(ctx), input)),
    'absences.request': (input, ctx) => {
      const personId = ctx.session?.personId;
      if (!personId) throw new AppError('FORBIDDEN', 'Your account is not linked to a person record, so it cannot request leave.');
      return view(
        ws().service.saveAbsence(actorOf(ctx), {
          ...input,
          personId,
          status: 'requested',
          excludeFromAveraging: EXCLUDED_FROM_AVERAGING_BY_DEFAULT.has(input.type),
        }),
      );
    },
    'absences.decide': (input, ctx) => view(ws().service.decideAbsence(actorOf(ctx), input.id, input.decision, input.reason)),
    'absences.remove': (input, ctx) => (ws().service.removeAbsence(actorOf(ctx), input.id), ok),

    'compliance.check': async (input, ctx) => {
      const started = performance.now();
      const { store, service } = ws();
      // Reading is quick; the check itself goes to the compliance worker when the core has one.
      const data = collectYear(store, service.settings(), input.yearId);
      const { findings, people } = deps.runner ? await deps.runner.check(data) : findingsOf(data);
      // ws() again: the vault may have locked while the worker ran (then VAULT_LOCKED, not stale data).
      return { findings: withAcknowledgements(ws().store, findings), people, checkedAt: ctx.services.clock.now().toISOString(), ms: Math.round(performance.now() - started) };
    },
    'compliance.acknowledge': (input, ctx) => (ws().service.acknowledgeViolation(actorOf(ctx), input.key, input.reason), ok),
  };
}
