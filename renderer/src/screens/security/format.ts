import type { Severity } from '../../../../shared/security/alerts';
import type { IncidentStatus } from '../../../../shared/security/incidents';

/** Labels and small formatters shared by the security screens. */

export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** Severity as a pill: the word is always shown, so state never depends on colour alone. */
export function severityClass(s: Severity): string {
  return s === 'critical' || s === 'high' ? 'pill danger' : s === 'medium' ? 'pill warn' : 'pill';
}

export const INCIDENT_STATUS_LABELS: Record<IncidentStatus, string> = {
  open: 'Open',
  investigating: 'Investigating',
  assessed: 'Assessed',
  notifying: 'Notifying',
  closed: 'Closed',
};

export const DETERMINATION_LABELS = {
  not_a_breach_safe_harbor: 'Not a breach (encryption safe harbor)',
  low_probability_of_compromise: 'Not a breach (low probability of compromise)',
  breach: 'Breach (notification required)',
} as const;

/** A text file offered for download. */
export const TEXT = 'text/plain;charset=utf-8';

export function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}
