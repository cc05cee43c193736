import { create } from 'zustand';

export const SECURITY_TABS = ['alerts', 'incidents', 'retention', 'detection', 'deid', 'report'] as const;
export type SecurityTab = (typeof SECURITY_TABS)[number];

/** Alerts handed to the "open incident" form (from the alerts list). */
export interface IncidentSeed {
  alertIds: string[];
  title: string;
}

/**
 * Where the security view is: which tab, which incident is open, and an incident being opened
 * from alerts. In memory only, like every other renderer store.
 */
interface SecurityUi {
  tab: SecurityTab;
  incidentId: string | null;
  seed: IncidentSeed | null;
  setTab(tab: SecurityTab): void;
  showIncident(id: string | null): void;
  openFromAlerts(seed: IncidentSeed): void;
  startManual(): void;
  clearSeed(): void;
}

export const useSecurityUi = create<SecurityUi>((set) => ({
  tab: 'alerts',
  incidentId: null,
  seed: null,
  setTab: (tab) => set({ tab }),
  showIncident: (incidentId) => set({ tab: 'incidents', incidentId, seed: null }),
  openFromAlerts: (seed) => set({ tab: 'incidents', incidentId: null, seed }),
  startManual: () => set({ tab: 'incidents', incidentId: null, seed: { alertIds: [], title: '' } }),
  clearSeed: () => set({ seed: null }),
}));
