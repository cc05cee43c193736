import { create } from 'zustand';
import type { z } from 'zod';
import type { AbsenceView } from '../../../shared/contract/schedule';
import type {
  Absence, AcademicYear, Block, BlockAssignment, CurriculumRequirement, Person, ProgramSettings, Rotation, ShiftAssignment, ShiftType,
} from '../../../shared/domain/schedule';
import type { Permission } from '../../../shared/rbac';
import { api } from '../api/client';
import { messageOf } from '../lib/errors';
import { indexFindings, mergeFindings, type Finding, type FindingIndex } from '../lib/findings';
import { localFindings as allLocalFindings, updateLocalFindings, type LocalRulesInput } from '../lib/local-rules';
import { cellKey, indexAssignments, type CellKey } from '../lib/grid-model';
import { EMPTY_UNDO, record, redo as redoStep, undo as undoStep, type CellChange, type UndoState } from '../lib/undo';
import { call, useSession } from './session';

export type AbsenceRow = z.infer<typeof AbsenceView>;
export interface YearWithBlocks {
  year: AcademicYear;
  blocks: Block[];
}
export interface CellEdit {
  personId: string;
  blockId: string;
  rotationId: string | null;
}

/**
 * The open program, in memory only (PHI never goes to localStorage or sessionStorage). Edits are
 * optimistic: the grid and the program-rule badges update at once, the core's answer follows, and
 * a refusal puts the cells back.
 */
interface ScheduleState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  loadError: string | null;
  program: ProgramSettings | null;
  years: YearWithBlocks[];
  yearId: string | null;
  people: Person[];
  peopleById: Map<string, Person>;
  rotations: Rotation[];
  rotationsById: Map<string, Rotation>;
  shiftTypes: ShiftType[];
  requirements: CurriculumRequirement[];
  assignments: Map<CellKey, BlockAssignment>;
  shifts: ShiftAssignment[];
  absences: AbsenceRow[];
  serverFindings: Finding[];
  localFindings: Finding[] | null;
  findings: Finding[];
  index: FindingIndex;
  checking: boolean;
  checkedAt: string | null;
  undo: UndoState;
  pending: number;
  editError: string | null;
  notice: string | null;

  loadAll(): Promise<void>;
  selectYear(yearId: string): Promise<void>;
  applyCells(items: readonly CellEdit[], opts?: { undoable?: boolean; label?: string }): Promise<boolean>;
  undoLast(): Promise<void>;
  redoLast(): Promise<void>;
  refreshCompliance(): Promise<void>;
  reloadList(which: 'people' | 'rotations' | 'shiftTypes' | 'requirements' | 'absences' | 'shifts' | 'years'): Promise<void>;
  setNotice(text: string | null): void;
  clearEditError(): void;
}

const EMPTY_INDEX: FindingIndex = { cells: new Map(), rows: new Map(), capacity: new Map(), byKey: new Map() };

export function currentYear(s: Pick<ScheduleState, 'years' | 'yearId'>): YearWithBlocks | null {
  return s.years.find((y) => y.year.id === s.yearId) ?? null;
}

/** The renderer's copy in the shape the local program rules read. */
function rulesInput(s: Pick<ScheduleState, 'people' | 'rotations' | 'assignments' | 'shiftTypes' | 'shifts' | 'absences' | 'requirements' | 'years' | 'yearId'>): LocalRulesInput | null {
  const y = currentYear(s);
  if (!y) return null;
  return {
    people: s.people,
    rotations: s.rotations,
    blocks: y.blocks,
    assignments: s.assignments,
    shiftTypes: s.shiftTypes,
    shifts: s.shifts,
    // Restricted text fields do not matter to the rules (they read type, status and dates).
    absences: s.absences as unknown as Absence[],
    requirements: s.requirements,
  };
}

let checkTimer: ReturnType<typeof setTimeout> | null = null;
let checkSeq = 0;

export const useSchedule = create<ScheduleState>((set, get) => {
  const can = (p: Parameters<typeof hasPermission>[0]) => hasPermission(p);

  /**
   * Recomputes the local rules and the badge index after the data changed: only the people and
   * blocks an edit touched when `scope` is given, the whole year otherwise.
   */
  const derive = (patch: Partial<ScheduleState>, scope?: { people: ReadonlySet<string>; blocks: ReadonlySet<string> }): Partial<ScheduleState> => {
    const next = { ...get(), ...patch };
    const input = rulesInput(next);
    const localFindings = !input ? null : scope && next.localFindings ? updateLocalFindings(next.localFindings, input, scope.people, scope.blocks) : allLocalFindings(input);
    const findings = mergeFindings(next.serverFindings, localFindings);
    return { ...patch, localFindings, findings, index: indexFindings(findings, currentYear(next)?.blocks ?? []) };
  };

  const loadYearData = async (yearId: string): Promise<Partial<ScheduleState>> => {
    const y = get().years.find((x) => x.year.id === yearId);
    if (!y) return {};
    const [assignments, shifts] = await Promise.all([
      call(api.assignments.list({ yearId })),
      call(api.shifts.list({ from: y.year.startDate, to: y.year.endDate })),
    ]);
    return { yearId, assignments: indexAssignments(assignments), shifts, undo: EMPTY_UNDO };
  };

  return {
    status: 'idle',
    loadError: null,
    program: null,
    years: [],
    yearId: null,
    people: [],
    peopleById: new Map(),
    rotations: [],
    rotationsById: new Map(),
    shiftTypes: [],
    requirements: [],
    assignments: new Map(),
    shifts: [],
    absences: [],
    serverFindings: [],
    localFindings: null,
    findings: [],
    index: EMPTY_INDEX,
    checking: false,
    checkedAt: null,
    undo: EMPTY_UNDO,
    pending: 0,
    editError: null,
    notice: null,

    loadAll: async () => {
      set({ status: 'loading', loadError: null });
      try {
        if (!can('schedule.read')) {
          set({ status: 'ready' });
          return;
        }
        const program = await call(api.program.get({})).catch(() => null);
        const [years, people, rotations, shiftTypes, requirements, absences] = await Promise.all([
          call(api.years.list({})),
          can('people.read') ? call(api.people.list({})) : Promise.resolve([] as Person[]),
          call(api.rotations.list({})),
          call(api.shiftTypes.list({})),
          call(api.requirements.list({})),
          call(api.absences.list({})),
        ]);
        const sorted = [...years].sort((a, b) => a.year.startDate.localeCompare(b.year.startDate));
        set({
          program, years: sorted, people, peopleById: new Map(people.map((p) => [p.id, p])), rotations,
          rotationsById: new Map(rotations.map((r) => [r.id, r])), shiftTypes, requirements, absences,
        });
        const today = new Date().toISOString().slice(0, 10);
        const pick = sorted.find((y) => y.year.startDate <= today && today <= y.year.endDate) ?? sorted[sorted.length - 1];
        const yearPatch = pick ? await loadYearData(pick.year.id) : {};
        // For the UI bench: the last of the data is here; the grid's first paint is measured from this mark.
        performance.mark('rsched:data-arrived');
        const derived = derive({ ...yearPatch, serverFindings: [] });
        set({ ...derived, status: 'ready' });
        // The core's full check is heavy: ask for it once the grid is on screen.
        requestAnimationFrame(() => setTimeout(() => void get().refreshCompliance(), 0));
      } catch (err) {
        set({ status: 'error', loadError: messageOf(err) });
      }
    },

    selectYear: async (yearId) => {
      try {
        const patch = await loadYearData(yearId);
        set(derive({ ...patch, serverFindings: [] }));
        void get().refreshCompliance();
      } catch (err) {
        set({ editError: messageOf(err) });
      }
    },

    applyCells: async (items, opts = {}) => {
      const undoable = opts.undoable ?? true;
      const st = get();
      const changes: CellChange[] = [];
      const next = new Map(st.assignments);
      for (const it of items) {
        const k = cellKey(it.personId, it.blockId);
        const prev = next.get(k);
        const before = prev?.rotationId ?? null;
        if (before === it.rotationId) continue;
        changes.push({ personId: it.personId, blockId: it.blockId, before, after: it.rotationId });
        if (it.rotationId) next.set(k, { id: prev?.id ?? `pending-${k}`, personId: it.personId, blockId: it.blockId, rotationId: it.rotationId, pinned: prev?.pinned ?? false });
        else next.delete(k);
      }
      if (changes.length === 0) return true;
      const scope = { people: new Set(changes.map((c) => c.personId)), blocks: new Set(changes.map((c) => c.blockId)) };
      set({ ...derive({ assignments: next }, scope), undo: undoable ? record(st.undo, changes) : st.undo, pending: st.pending + 1, editError: null });
      try {
        await call(api.assignments.setMany({ items: changes.map((c) => ({ personId: c.personId, blockId: c.blockId, rotationId: c.after })) }));
        set((s) => ({ pending: s.pending - 1 }));
        scheduleCheck(get);
        return true;
      } catch (err) {
        // Put back only the cells this edit touched, in case other edits landed meanwhile.
        const now = new Map(get().assignments);
        for (const c of changes) {
          const k = cellKey(c.personId, c.blockId);
          if ((now.get(k)?.rotationId ?? null) !== c.after) continue;
          const old = st.assignments.get(k);
          if (old) now.set(k, old);
          else now.delete(k);
        }
        const u = get().undo;
        set((s) => ({
          ...derive({ assignments: now }, scope),
          undo: undoable && u.past[u.past.length - 1] === changes ? { past: u.past.slice(0, -1), future: u.future } : u,
          pending: s.pending - 1,
          editError: messageOf(err),
        }));
        return false;
      }
    },

    undoLast: async () => {
      const step = undoStep(get().undo);
      if (!step) return;
      set({ undo: step.state });
      const ok = await get().applyCells(step.apply.map((c) => ({ personId: c.personId, blockId: c.blockId, rotationId: c.after })), { undoable: false });
      if (!ok) set({ undo: { past: [...get().undo.past, step.apply.map((c) => ({ ...c, before: c.after, after: c.before }))], future: get().undo.future.slice(0, -1) } });
    },

    redoLast: async () => {
      const step = redoStep(get().undo);
      if (!step) return;
      set({ undo: step.state });
      await get().applyCells(step.apply.map((c) => ({ personId: c.personId, blockId: c.blockId, rotationId: c.after })), { undoable: false });
    },

    refreshCompliance: async () => {
      const { yearId } = get();
      if (!yearId || !can('compliance.read')) return;
      const seq = ++checkSeq;
      set({ checking: true });
      try {
        const r = await call(api.compliance.check({ yearId }));
        // A newer check was started meanwhile: its answer wins.
        if (seq !== checkSeq) return;
        set({ ...derive({ serverFindings: r.findings }), checking: false, checkedAt: r.checkedAt });
      } catch (err) {
        if (seq === checkSeq) set({ checking: false, editError: messageOf(err) });
      }
    },

    reloadList: async (which) => {
      try {
        switch (which) {
          case 'people': {
            const people = await call(api.people.list({}));
            set(derive({ people, peopleById: new Map(people.map((p) => [p.id, p])) }));
            break;
          }
          case 'rotations': {
            const rotations = await call(api.rotations.list({}));
            set(derive({ rotations, rotationsById: new Map(rotations.map((r) => [r.id, r])) }));
            break;
          }
          case 'shiftTypes':
            set(derive({ shiftTypes: await call(api.shiftTypes.list({})) }));
            break;
          case 'requirements':
            set(derive({ requirements: await call(api.requirements.list({})) }));
            break;
          case 'absences':
            set(derive({ absences: await call(api.absences.list({})) }));
            break;
          case 'shifts': {
            const y = currentYear(get());
            if (y) set(derive({ shifts: await call(api.shifts.list({ from: y.year.startDate, to: y.year.endDate })) }));
            break;
          }
          case 'years': {
            const years = [...(await call(api.years.list({})))].sort((a, b) => a.year.startDate.localeCompare(b.year.startDate));
            set({ years });
            break;
          }
        }
        scheduleCheck(get);
      } catch (err) {
        set({ editError: messageOf(err) });
      }
    },

    setNotice: (notice) => set({ notice }),
    clearEditError: () => set({ editError: null }),
  };
});

function hasPermission(p: Permission): boolean {
  return useSession.getState().session?.permissions.includes(p) ?? false;
}

/** The ACGME verdict needs the core: ask once the edits pause, not on every keystroke. */
function scheduleCheck(get: () => ScheduleState): void {
  if (checkTimer) clearTimeout(checkTimer);
  checkTimer = setTimeout(() => {
    checkTimer = null;
    void get().refreshCompliance();
  }, 500);
}
