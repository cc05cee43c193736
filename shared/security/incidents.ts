import { z } from 'zod';

/**
 * Security incidents and the breach risk assessment of 45 CFR 164.402(2): an impermissible use or
 * disclosure of PHI is presumed a breach unless a documented assessment of four factors shows a
 * low probability that the PHI was compromised. The form is structured so the register can be
 * audited; free-text notes are the assessor's and stay inside the vault.
 */
export const INCIDENT_STATUSES = ['open', 'investigating', 'assessed', 'notifying', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Allowed moves; re-opening a closed incident is a new status change, audited like any other. */
export const INCIDENT_TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  open: ['investigating', 'closed'],
  investigating: ['assessed', 'closed'],
  assessed: ['investigating', 'notifying', 'closed'],
  notifying: ['closed'],
  closed: ['investigating'],
};

const Notes = z.string().max(4000);

export const PHI_ELEMENTS = ['names', 'emails', 'schedules', 'absence_details', 'training_dates', 'credentials', 'account_data', 'other'] as const;

export const RiskAssessment = z
  .object({
    /** Factor 1: nature and extent of the PHI, identifiers and likelihood of re-identification. */
    natureAndExtent: z
      .object({
        elements: z.array(z.enum(PHI_ELEMENTS)).max(PHI_ELEMENTS.length),
        sensitive: z.boolean(),
        reidentificationLikelihood: z.enum(['low', 'medium', 'high']),
        notes: Notes,
      })
      .strict(),
    /** Factor 2: the unauthorized person who used the PHI or to whom it was disclosed. */
    unauthorizedPerson: z
      .object({
        recipient: z.enum(['workforce_member', 'covered_entity_or_associate', 'external_known', 'external_unknown']),
        /** Bound by HIPAA or a confidentiality duty (lowers the risk). */
        obligatedToProtect: z.boolean(),
        notes: Notes,
      })
      .strict(),
    /** Factor 3: whether the PHI was actually acquired or viewed. */
    acquiredOrViewed: z
      .object({ finding: z.enum(['not_acquired', 'viewed', 'acquired', 'unknown']), notes: Notes })
      .strict(),
    /** Factor 4: the extent to which the risk has been mitigated. */
    mitigation: z
      .object({ extent: z.enum(['none', 'partial', 'complete']), notes: Notes })
      .strict(),
    /** Safe harbor: the PHI was encrypted (NIST SP 800-111) and the key was not compromised. */
    encryptedKeyUncompromised: z.boolean(),
    assessedBy: z.string().optional(),
    assessedAt: z.string().optional(),
  })
  .strict();
export type RiskAssessment = z.infer<typeof RiskAssessment>;

export type Determination = 'not_a_breach_safe_harbor' | 'low_probability_of_compromise' | 'breach';

/**
 * The presumption of 164.402(2), made explicit: a breach unless safe harbor applies, or every
 * factor points low (PHI not acquired, recipient obligated to protect it, low re-identification,
 * risk mitigated). Anything unknown keeps the presumption.
 */
export function determine(a: RiskAssessment): { determination: Determination; reasons: string[] } {
  if (a.encryptedKeyUncompromised) return { determination: 'not_a_breach_safe_harbor', reasons: ['PHI was encrypted and the key was not compromised (safe harbor)'] };
  const reasons: string[] = [];
  if (a.natureAndExtent.sensitive || a.natureAndExtent.reidentificationLikelihood !== 'low') reasons.push('factor 1: sensitive or re-identifiable PHI');
  if (!a.unauthorizedPerson.obligatedToProtect) reasons.push('factor 2: recipient not obligated to protect the PHI');
  if (a.acquiredOrViewed.finding !== 'not_acquired') reasons.push(`factor 3: PHI ${a.acquiredOrViewed.finding === 'unknown' ? 'may have been' : 'was'} acquired or viewed`);
  if (a.mitigation.extent !== 'complete') reasons.push('factor 4: risk not fully mitigated');
  return reasons.length === 0
    ? { determination: 'low_probability_of_compromise', reasons: ['all four factors indicate a low probability of compromise'] }
    : { determination: 'breach', reasons };
}

const Day = z.object({ date: z.string(), endsAt: z.string() }).strict();

export const IncidentView = z
  .object({
    id: z.string(),
    number: z.number().int(),
    title: z.string(),
    status: z.enum(INCIDENT_STATUSES),
    source: z.enum(['alert', 'manual']),
    alertIds: z.array(z.string()),
    openedAt: z.string(),
    openedBy: z.string().nullable(),
    discoveredAt: z.string(),
    timeZone: z.string(),
    /** The window and the users whose activity defines the affected individuals. */
    window: z.object({ from: z.string(), to: z.string() }).strict(),
    actorUserIds: z.array(z.string()),
    affected: z.object({ count: z.number().int(), computedAt: z.string(), viaExport: z.boolean() }).strict().nullable(),
    assessment: RiskAssessment.nullable(),
    determination: z.enum(['not_a_breach_safe_harbor', 'low_probability_of_compromise', 'breach']).nullable(),
    determinationReasons: z.array(z.string()),
    plan: z
      .object({
        discoveryDate: z.string(),
        individuals: Day,
        hhs: Day.extend({ route: z.enum(['immediate', 'annual_log']) }),
        media: Day.nullable(),
        largeBreach: z.boolean(),
      })
      .strict(),
    daysLeft: z.number().int(),
    notes: z.string(),
    closedAt: z.string().nullable(),
  })
  .strict();
export type IncidentView = z.infer<typeof IncidentView>;
