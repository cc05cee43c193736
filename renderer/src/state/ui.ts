import { create } from 'zustand';

export type View = 'schedule' | 'call' | 'hours' | 'compliance' | 'people' | 'rotations' | 'shiftTypes' | 'absences' | 'requirements' | 'swaps' | 'import' | 'publish' | 'audit' | 'security' | 'admin' | 'account';

/** Navigation state: which screen, and a cell to jump to from the compliance panel. */
interface UiState {
  view: View;
  jumpTo: { personId: string; blockId: string | null; seq: number } | null;
  hoursPersonId: string | null;
  setView(view: View): void;
  jump(personId: string, blockId: string | null): void;
  showHours(personId: string): void;
}

let seq = 0;
export const useUi = create<UiState>((set) => ({
  view: 'schedule',
  jumpTo: null,
  hoursPersonId: null,
  setView: (view) => set({ view }),
  jump: (personId, blockId) => set({ view: 'schedule', jumpTo: { personId, blockId, seq: ++seq } }),
  showHours: (personId) => set({ view: 'hours', hoursPersonId: personId }),
}));
