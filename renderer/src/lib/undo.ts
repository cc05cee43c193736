/**
 * Undo and redo of grid edits. Each step is one change set; undoing it sends the inverse change set
 * to the core as a new, audited assignments.setMany (the audit trail never rewinds).
 */
export interface CellChange {
  personId: string;
  blockId: string;
  before: string | null;
  after: string | null;
}

export interface UndoState {
  past: readonly (readonly CellChange[])[];
  future: readonly (readonly CellChange[])[];
}

export const EMPTY_UNDO: UndoState = { past: [], future: [] };
/** Enough for a working session; older steps fall off. */
export const UNDO_LIMIT = 200;

export function record(state: UndoState, changes: readonly CellChange[]): UndoState {
  if (changes.length === 0) return state;
  const past = [...state.past, changes];
  return { past: past.length > UNDO_LIMIT ? past.slice(past.length - UNDO_LIMIT) : past, future: [] };
}

export function inverse(changes: readonly CellChange[]): CellChange[] {
  return changes.map((c) => ({ personId: c.personId, blockId: c.blockId, before: c.after, after: c.before }));
}

/** The change set to apply for an undo, and the state after it; null when there is nothing to undo. */
export function undo(state: UndoState): { apply: CellChange[]; state: UndoState } | null {
  const last = state.past[state.past.length - 1];
  if (!last) return null;
  return { apply: inverse(last), state: { past: state.past.slice(0, -1), future: [...state.future, last] } };
}

export function redo(state: UndoState): { apply: CellChange[]; state: UndoState } | null {
  const next = state.future[state.future.length - 1];
  if (!next) return null;
  return { apply: [...next], state: { past: [...state.past, next], future: state.future.slice(0, -1) } };
}
