import type { z } from 'zod';
import { securityCalls } from '../../../../shared/contract/security';
import type { PHI_ELEMENTS} from '../../../../shared/security/incidents';
import { type RiskAssessment } from '../../../../shared/security/incidents';
import type { FieldErrors } from '../../lib/errors';

/** The contract's own input schema for incidents.assess: the form validates with it. */
export const AssessInput = securityCalls['incidents.assess'].input;
type Assessment = z.input<typeof AssessInput>['assessment'];

/** The form's state: choices start empty ('') so each factor must be decided, not defaulted. */
export interface AssessmentDraft {
  natureAndExtent: { elements: string[]; sensitive: boolean; reidentificationLikelihood: string; notes: string };
  unauthorizedPerson: { recipient: string; obligatedToProtect: boolean; notes: string };
  acquiredOrViewed: { finding: string; notes: string };
  mitigation: { extent: string; notes: string };
  encryptedKeyUncompromised: boolean;
}

export function draftOf(a: RiskAssessment | null): AssessmentDraft {
  if (a) {
    const { assessedAt: _at, assessedBy: _by, ...rest } = a;
    return { ...rest, natureAndExtent: { ...rest.natureAndExtent, elements: [...rest.natureAndExtent.elements] } };
  }
  return {
    natureAndExtent: { elements: [], sensitive: false, reidentificationLikelihood: '', notes: '' },
    unauthorizedPerson: { recipient: '', obligatedToProtect: false, notes: '' },
    acquiredOrViewed: { finding: '', notes: '' },
    mitigation: { extent: '', notes: '' },
    encryptedKeyUncompromised: false,
  };
}

/** Validates the draft as the core will; errors keyed by path without the "assessment." prefix. */
export function validateDraft(id: string, draft: AssessmentDraft): { ok: true; assessment: Assessment } | { ok: false; errors: FieldErrors } {
  const parsed = AssessInput.safeParse({ id, assessment: draft });
  if (parsed.success) return { ok: true, assessment: parsed.data.assessment };
  const errors: FieldErrors = {};
  for (const i of parsed.error.issues) {
    const path = i.path.slice(1).map(String).join('.') || '_';
    // An empty choice fails the enum: say what to do rather than list the enum.
    errors[path] ??= i.code === 'invalid_value' ? 'Choose one.' : i.message;
  }
  return { ok: false, errors };
}

export const ELEMENT_LABELS: Record<(typeof PHI_ELEMENTS)[number], string> = {
  names: 'Names',
  emails: 'E-mail addresses',
  schedules: 'Schedules and call assignments',
  absence_details: 'Absence dates, reasons or locations',
  training_dates: 'Training dates',
  credentials: 'Credentials and certifications',
  account_data: 'User account data',
  other: 'Other',
};

export const LIKELIHOOD = { low: 'Low', medium: 'Medium', high: 'High' } as const;
export const RECIPIENTS = {
  workforce_member: 'A workforce member of the program',
  covered_entity_or_associate: 'Another covered entity or business associate',
  external_known: 'Someone outside, identified',
  external_unknown: 'Someone outside, unknown',
} as const;
export const FINDINGS = {
  not_acquired: 'Not acquired or viewed',
  viewed: 'Viewed',
  acquired: 'Acquired (copied or taken)',
  unknown: 'Unknown',
} as const;
export const MITIGATION = { none: 'None', partial: 'Partial', complete: 'Complete' } as const;
