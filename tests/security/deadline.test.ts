import { describe, expect, it } from 'vitest';
import { daysLeft, notificationPlan } from '../../shared/security/deadline';
import { determine, type RiskAssessment } from '../../shared/security/incidents';

/** The 60-day clock of 164.404 in calendar days in the program's zone, and the 500 threshold. */
describe('breach notification deadlines', () => {
  const at = (iso: string): number => Date.parse(iso);

  it('counts 60 calendar days from the local day of discovery, across month ends and leap years', () => {
    expect(notificationPlan('America/Chicago', at('2026-01-15T15:00:00Z'), 1).individuals.date).toBe('2026-03-16');
    // 31 January + 60 days: through a 28-day February.
    expect(notificationPlan('America/Chicago', at('2026-01-31T18:00:00Z'), 1).individuals.date).toBe('2026-04-01');
    // ... and through a 29-day one.
    expect(notificationPlan('America/Chicago', at('2028-01-31T18:00:00Z'), 1).individuals.date).toBe('2028-03-31');
    expect(notificationPlan('America/Chicago', at('2026-11-30T18:00:00Z'), 1).individuals.date).toBe('2027-01-29');
  });

  it('uses the local date, not the UTC date, of discovery', () => {
    // 23:30 on 1 February in Chicago is already 2 February in UTC.
    const p = notificationPlan('America/Chicago', at('2026-02-02T05:30:00Z'), 1);
    expect(p.discoveryDate).toBe('2026-02-01');
    expect(p.individuals.date).toBe('2026-04-02');
    // East of UTC the other way round: 08:00 on 1 March in Auckland is still 28 February in UTC.
    const nz = notificationPlan('Pacific/Auckland', at('2026-02-28T19:00:00Z'), 1);
    expect(nz.discoveryDate).toBe('2026-03-01');
    expect(nz.individuals.date).toBe('2026-04-30');
  });

  it('ends the deadline at local midnight whatever DST did in between', () => {
    // Discovered in CST (UTC-6); the deadline falls after the March change, in CDT (UTC-5).
    const spring = notificationPlan('America/Chicago', at('2026-02-02T05:30:00Z'), 1);
    expect(spring.individuals.endsAt).toBe('2026-04-03T04:59:59.999Z');
    // Discovered in CDT; the deadline falls after the November change, in CST.
    const fall = notificationPlan('America/Chicago', at('2026-09-10T15:00:00Z'), 1);
    expect(fall.individuals.date).toBe('2026-11-09');
    expect(fall.individuals.endsAt).toBe('2026-11-10T05:59:59.999Z');
    // Discovered on the 23-hour day itself.
    const onChange = notificationPlan('America/Chicago', at('2026-03-08T12:00:00Z'), 1);
    expect(onChange.discoveryDate).toBe('2026-03-08');
    expect(onChange.individuals.date).toBe('2026-05-07');
    // A 60 x 24 h count from a CST evening would land on the wrong day; calendar days do not.
    const evening = notificationPlan('America/Chicago', at('2026-03-01T05:30:00Z'), 1); // 23:30 CST, 28 Feb
    expect(evening.discoveryDate).toBe('2026-02-28');
    expect(evening.individuals.date).toBe('2026-04-29');
    expect(new Date(at('2026-03-01T05:30:00Z') + 60 * 86_400_000).toISOString().slice(0, 10)).toBe('2026-04-30');
  });

  it('500 or more affected: HHS and media now; fewer: the annual HHS log (1 March, 29 Feb in leap years)', () => {
    const small = notificationPlan('America/Chicago', at('2026-05-10T15:00:00Z'), 499);
    expect(small.largeBreach).toBe(false);
    expect(small.hhs.route).toBe('annual_log');
    expect(small.hhs.date).toBe('2027-03-01');
    expect(small.media).toBeNull();
    const leap = notificationPlan('America/Chicago', at('2027-05-10T15:00:00Z'), 10);
    expect(leap.hhs.date).toBe('2028-02-29');
    const large = notificationPlan('America/Chicago', at('2026-05-10T15:00:00Z'), 500);
    expect(large.largeBreach).toBe(true);
    expect(large.hhs).toMatchObject({ route: 'immediate', date: '2026-07-09' });
    expect(large.media?.date).toBe('2026-07-09');
  });

  it('days left counts local days', () => {
    expect(daysLeft('America/Chicago', at('2026-07-09T04:59:00Z'), '2026-07-09')).toBe(1); // 23:59 on the 8th
    expect(daysLeft('America/Chicago', at('2026-07-09T05:00:00Z'), '2026-07-09')).toBe(0);
    expect(daysLeft('America/Chicago', at('2026-07-10T05:00:00Z'), '2026-07-09')).toBe(-1);
  });
});

describe('the four-factor risk assessment (164.402(2))', () => {
  const low: RiskAssessment = {
    natureAndExtent: { elements: ['schedules'], sensitive: false, reidentificationLikelihood: 'low', notes: '' },
    unauthorizedPerson: { recipient: 'workforce_member', obligatedToProtect: true, notes: '' },
    acquiredOrViewed: { finding: 'not_acquired', notes: '' },
    mitigation: { extent: 'complete', notes: '' },
    encryptedKeyUncompromised: false,
  };

  it('presumes a breach unless every factor is low', () => {
    expect(determine(low).determination).toBe('low_probability_of_compromise');
    expect(determine({ ...low, acquiredOrViewed: { finding: 'unknown', notes: '' } }).determination).toBe('breach');
    expect(determine({ ...low, unauthorizedPerson: { recipient: 'external_unknown', obligatedToProtect: false, notes: '' } }).determination).toBe('breach');
    expect(determine({ ...low, mitigation: { extent: 'partial', notes: '' } }).reasons).toEqual(['factor 4: risk not fully mitigated']);
    expect(determine({ ...low, natureAndExtent: { ...low.natureAndExtent, sensitive: true } }).determination).toBe('breach');
  });

  it('safe harbor: encrypted with an uncompromised key is not a breach', () => {
    expect(determine({ ...low, acquiredOrViewed: { finding: 'acquired', notes: '' }, encryptedKeyUncompromised: true }).determination).toBe('not_a_breach_safe_harbor');
  });
});
