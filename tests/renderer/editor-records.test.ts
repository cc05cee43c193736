import { describe, expect, it } from 'vitest';
import { CoverageForm, credentialState, CredentialForm, RequestForm, todayIn, weekdaysText } from '../../renderer/src/screens/editors/records';

/** Where each form's first refusal lands: the field the editor marks. */
const firstIssue = (r: { success: boolean; error?: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } }) => {
  const i = r.error?.issues[0];
  return i ? { field: i.path.join('.'), message: i.message } : null;
};

describe('credential status', () => {
  it('is valid through its expiry date, expiring soon within 30 days, expired the day after', () => {
    expect(credentialState({ expiresOn: '2026-09-14' }, '2026-09-15')).toBe('expired');
    expect(credentialState({ expiresOn: '2026-09-15' }, '2026-09-15')).toBe('soon');
    expect(credentialState({ expiresOn: '2026-10-15' }, '2026-09-15')).toBe('soon');
    expect(credentialState({ expiresOn: '2026-10-16' }, '2026-09-15')).toBe('valid');
    expect(credentialState({ expiresOn: null }, '2026-09-15')).toBe('no-expiry');
  });

  it("takes today in the program's time zone, not UTC", () => {
    expect(todayIn('America/New_York', new Date('2026-07-01T03:00:00Z'))).toBe('2026-06-30');
    expect(todayIn('Asia/Tokyo', new Date('2026-06-30T20:00:00Z'))).toBe('2026-07-01');
  });

  it('refuses an expiry before the issue date on the expiry field', () => {
    const r = CredentialForm.safeParse({ id: 'new', personId: 'p1', name: 'ACLS', issuedOn: '2020-03-01', expiresOn: '2018-03-01' });
    expect(firstIssue(r)).toEqual({ field: 'expiresOn', message: 'must not be before the issue date' });
    expect(CredentialForm.safeParse({ id: 'new', personId: 'p1', name: 'ACLS', issuedOn: null, expiresOn: '2018-03-01' }).success).toBe(true);
  });
});

describe('coverage rules', () => {
  const rule = { id: 'new', shiftTypeId: 'st1', weekdays: [1, 2, 3, 4, 5], min: 2, max: 3, seniorPgy: 2, minSenior: 1 };

  it('reads weekdays as runs of day names', () => {
    expect(weekdaysText([1, 2, 3, 4, 5])).toBe('Mon–Fri');
    expect(weekdaysText([7, 6])).toBe('Sat, Sun');
    expect(weekdaysText([1, 3, 5])).toBe('Mon, Wed, Fri');
    expect(weekdaysText([1, 2, 3, 5, 6, 7])).toBe('Mon–Wed, Fri–Sun');
    expect(weekdaysText([1, 2, 3, 4, 5, 6, 7, 7])).toBe('Every day');
  });

  it('accepts a valid rule and refuses what the core refuses, each on its field', () => {
    expect(CoverageForm.safeParse(rule).success).toBe(true);
    expect(firstIssue(CoverageForm.safeParse({ ...rule, max: 1 }))).toEqual({ field: 'max', message: 'must be at least the minimum' });
    expect(firstIssue(CoverageForm.safeParse({ ...rule, minSenior: 4 }))?.field).toBe('minSenior');
    expect(firstIssue(CoverageForm.safeParse({ ...rule, seniorPgy: null }))).toEqual({ field: 'seniorPgy', message: 'say which PGY level counts as senior' });
  });

  it('reports a bad weekday on the weekdays field, in words', () => {
    // "Mon" typed into the numbers field arrives as NaN.
    expect(firstIssue(CoverageForm.safeParse({ ...rule, weekdays: [1, Number.NaN] }))).toEqual({ field: 'weekdays', message: 'use the numbers 1 (Monday) to 7 (Sunday), separated by commas' });
    expect(firstIssue(CoverageForm.safeParse({ ...rule, weekdays: [] }))?.field).toBe('weekdays');
  });
});

describe('scheduling requests', () => {
  const request = { id: 'new', personId: 'p1', kind: 'day_off', startDate: '2026-10-06', endDate: '2026-10-07', shiftTypeId: null, rotationId: null, weight: 5 };

  it('needs the shift or rotation its kind names, and an end on or after the start', () => {
    expect(RequestForm.safeParse(request).success).toBe(true);
    expect(firstIssue(RequestForm.safeParse({ ...request, endDate: '2026-10-05' }))?.field).toBe('endDate');
    expect(firstIssue(RequestForm.safeParse({ ...request, kind: 'shift' }))?.field).toBe('shiftTypeId');
    expect(firstIssue(RequestForm.safeParse({ ...request, kind: 'rotation' }))?.field).toBe('rotationId');
    expect(firstIssue(RequestForm.safeParse({ ...request, weight: 11 }))?.field).toBe('weight');
  });
});
