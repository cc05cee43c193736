import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeidManifest } from '../../shared/security/deid';
import { addUser, db, entries, expectError, setupAndSignInAdmin, startCore, type Harness } from './helpers';

type Out = { fileName: string; data: string; manifest: DeidManifest };

/**
 * The leak test: a de-identified export of the demo program contains none of its names, emails,
 * ids or exact dates. The demo's people have no e-mail or training dates, so a few real-looking
 * ones are added, with absences carrying free-text reasons and locations.
 */
describe('de-identified export', () => {
  let h: Harness;
  let people: Array<{ id: string; displayName: string; email: string | null; trainingStart: string | null }> = [];
  let dates: string[] = [];
  beforeAll(async () => {
    h = startCore();
    await setupAndSignInAdmin(h);
    await h.ok('demo.seed', { residentsPerPgy: 6, startDate: '2026-07-01' });
    for (let i = 0; i < 5; i++) {
      const p = await h.ok<{ id: string }>('people.save', { displayName: `Jordan Realname${i}`, email: `jordan.realname${i}@hospital.example`, kind: 'fellow', pgy: 4, specialty: 'cardiology', facultyRoles: ['Chief fellow'], trainingStart: '2025-07-01', trainingEnd: '2028-06-30', active: true });
      await h.ok('absences.save', { personId: p.id, type: 'deployment', startDate: `2026-09-1${i}`, endDate: `2026-09-2${i}`, status: 'approved', excludeFromAveraging: true, reason: 'Reserve unit activation', notes: 'Fort Example', location: 'Camp Example' });
    }
    // One person alone in their quasi-identifier group (a unique specialty).
    await h.ok('people.save', { displayName: 'Unique Specialist', email: 'unique@hospital.example', kind: 'faculty', pgy: null, specialty: 'nephrology', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true });
    const d = db(h);
    people = (d.prepare('SELECT data FROM people').pluck().all() as string[]).map((s) => JSON.parse(s) as (typeof people)[number]);
    dates = [
      ...(d.prepare('SELECT date FROM shift_assignments').pluck().all() as string[]),
      ...(d.prepare('SELECT start_date FROM absences UNION SELECT end_date FROM absences').pluck().all() as string[]),
      ...(d.prepare('SELECT start_date FROM blocks UNION SELECT end_date FROM blocks').pluck().all() as string[]),
      '2025-07-01', '2028-06-30',
    ];
  }, 180_000);
  afterAll(() => h.stop());

  it('contains none of the program\'s names, emails, ids or exact dates', async () => {
    expect(people.length).toBeGreaterThan(25);
    expect(dates.length).toBeGreaterThan(300);
    const out = await h.ok<Out>('deid.export', { purpose: 'research' });
    const text = out.data;
    const parsed = JSON.parse(text) as { people: unknown[]; shiftAssignments: unknown[]; absences: unknown[]; blockAssignments: unknown[] };
    expect(parsed.shiftAssignments.length).toBeGreaterThan(100);
    expect(parsed.absences.length).toBeGreaterThan(4);
    for (const p of people) {
      expect(text).not.toContain(p.displayName);
      expect(text).not.toContain(p.id);
      if (p.email) expect(text).not.toContain(p.email);
    }
    for (const d of new Set(dates)) expect(text).not.toContain(d);
    // No calendar date of any kind, no e-mail address, none of the free text.
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text).not.toMatch(/@/);
    for (const s of ['Realname', 'Reserve unit', 'Fort Example', 'Camp Example', 'Chief fellow', 'deployment', 'Resident A', 'Faculty F']) expect(text).not.toContain(s);
    expect(out.manifest.counts.people).toBe(people.length - out.manifest.droppedPeople);
  });

  it('suppresses small cells on the quasi-identifiers (k >= 5) and records the manifest in the audit trail', async () => {
    const out = await h.ok<Out>('deid.export', { purpose: 'demo', k: 5 });
    // The lone nephrologist's group is smaller than 5; blanked alone it is still smaller: dropped.
    expect(out.manifest).toMatchObject({ k: 5, suppressedPeople: 1, droppedPeople: 1, pseudonymKey: 'random per export, discarded' });
    const parsed = JSON.parse(out.data) as { people: Array<{ specialty: string | null; pgyBand: string | null }> };
    expect(parsed.people.some((p) => p.specialty === 'nephrology')).toBe(false);
    const groups = new Map<string, number>();
    for (const p of parsed.people) groups.set(`${p.specialty}|${p.pgyBand}`, (groups.get(`${p.specialty}|${p.pgyBand}`) ?? 0) + 1);
    expect(Math.min(...groups.values())).toBeGreaterThanOrEqual(5);
    expect(out.manifest.strategies).toContainEqual(expect.objectContaining({ entity: 'people', field: 'email', strategy: 'remove' }));
    expect(out.manifest.strategies).toContainEqual(expect.objectContaining({ entity: 'shiftAssignments', field: 'date', strategy: 'date_shift' }));
    const audit = entries(h, 'deid.export');
    expect(audit).toHaveLength(2);
    expect(audit[1]?.details).toMatchObject({ purpose: 'demo', k: 5, suppressedPeople: 1, droppedPeople: 1, dataSha256: out.manifest.dataSha256 });
    expect(String(audit[1]?.details?.strategies_people)).toContain('displayName=synthetic_name');
    expect(JSON.stringify(audit)).not.toContain('Realname');
  });

  it('pseudonyms are stable inside an export and unlinkable across exports; k below 5 is refused', async () => {
    const a = JSON.parse((await h.ok<Out>('deid.export', { purpose: 'support', entities: ['people', 'blockAssignments'] })).data) as { people: Array<{ id: string }>; blockAssignments: Array<{ personId: string }> };
    const b = JSON.parse((await h.ok<Out>('deid.export', { purpose: 'support', entities: ['people'] })).data) as { people: Array<{ id: string }> };
    const ids = new Set(a.people.map((p) => p.id));
    expect(a.blockAssignments.every((x) => ids.has(x.personId))).toBe(true);
    expect(b.people.some((p) => ids.has(p.id))).toBe(false);
    expectError(await h.call('deid.export', { purpose: 'research', k: 4 }), 'BAD_INPUT');
    const co = await addUser(h, 'compliance_officer', 'no.deid');
    expectError(await h.call('deid.export', { purpose: 'research' }, co.caller), 'FORBIDDEN');
  });
});
