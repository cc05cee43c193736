import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../electron/core/audit/csv';
import type { IncidentView } from '../../shared/security/incidents';
import { ADMIN, addUser, alerts, entries, expectError, setDetection, setupAndSignInAdmin, startCore, type Harness } from './helpers';

const person = (name: string) => ({ displayName: name, email: null, kind: 'resident', pgy: 2, specialty: 'im', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true });
const assessment = {
  natureAndExtent: { elements: ['absence_details', 'names'], sensitive: true, reidentificationLikelihood: 'high', notes: 'absence reasons' },
  unauthorizedPerson: { recipient: 'workforce_member', obligatedToProtect: true, notes: '' },
  acquiredOrViewed: { finding: 'viewed', notes: '' },
  mitigation: { extent: 'partial', notes: '' },
  encryptedKeyUncompromised: false,
};

describe('incidents', () => {
  let h: Harness;
  let coord: Awaited<ReturnType<typeof addUser>>;
  let officer: Awaited<ReturnType<typeof addUser>>;
  const readIds: string[] = [];
  beforeAll(async () => {
    h = startCore();
    await setupAndSignInAdmin(h);
    coord = await addUser(h, 'coordinator', 'snoopy.coordinator');
    officer = await addUser(h, 'compliance_officer', 'careful.officer');
    await setDetection(h, { massAccess: { threshold: 2, windowMinutes: 60 } });
    for (let i = 0; i < 4; i++) {
      const p = await h.ok<{ id: string }>('people.save', person(`Affected Person ${i}`));
      const a = await h.ok<{ id: string }>('absences.save', { personId: p.id, type: 'medical', startDate: '2026-08-03', endDate: '2026-08-04', status: 'approved', excludeFromAveraging: true, reason: 'surgery', notes: null, location: null });
      if (i < 3) {
        readIds.push(p.id);
        await h.ok('absences.get', { id: a.id }, coord.caller);
      }
    }
  }, 180_000);
  afterAll(() => h.stop());

  it('opens from an alert, computes the affected individuals from the audit log, and audits every status change', async () => {
    const [alert] = await alerts(h, 'mass_access');
    expect(alert).toMatchObject({ userId: coord.userId, count: 3 });
    // A program director reads the register but cannot work it.
    const pd = await addUser(h, 'program_director', 'reading.director');
    expectError(await h.call('incidents.open', { title: 'Not mine to open', alertIds: [] }, pd.caller), 'FORBIDDEN');

    const opened = await h.ok<IncidentView>('incidents.open', { title: 'Coordinator read absence details', alertIds: [alert!.id] }, officer.caller);
    expect(opened).toMatchObject({ number: 1, status: 'open', source: 'alert', actorUserIds: [coord.userId], affected: null });
    expect((await alerts(h, 'mass_access'))[0]).toMatchObject({ status: 'escalated', incidentId: opened.id });
    // Discovered now (1 July 2026, Chicago): individuals by 30 August.
    expect(opened.plan.individuals.date).toBe('2026-08-30');
    expect(opened.daysLeft).toBe(60);

    const { incident, personIds } = await h.ok<{ incident: IncidentView; personIds: string[] }>('incidents.computeAffected', { id: opened.id }, officer.caller);
    expect(personIds).toEqual([...readIds].sort());
    expect(incident.affected).toMatchObject({ count: 3, viaExport: false });
    expect(incident.plan.hhs.route).toBe('annual_log');
    expect((await h.ok<{ incidents: IncidentView[] }>('incidents.list', {}, pd.caller)).incidents).toHaveLength(1);

    expectError(await h.call('incidents.setStatus', { id: opened.id, status: 'notifying', reason: 'skip ahead' }, officer.caller), 'CONFLICT');
    await h.ok('incidents.setStatus', { id: opened.id, status: 'investigating', reason: 'reviewing the access' }, officer.caller);
    expectError(await h.call('incidents.setStatus', { id: opened.id, status: 'notifying', reason: 'no assessment yet' }, officer.caller), 'CONFLICT');
    const assessed = await h.ok<IncidentView>('incidents.assess', { id: opened.id, assessment }, officer.caller);
    expect(assessed.determination).toBe('breach');
    await h.ok('incidents.setStatus', { id: opened.id, status: 'assessed', reason: 'four factors recorded' }, officer.caller);
    await h.ok('incidents.setStatus', { id: opened.id, status: 'notifying', reason: 'letters going out' }, officer.caller);
    const closed = await h.ok<IncidentView>('incidents.setStatus', { id: opened.id, status: 'closed', reason: 'letters sent, access revoked' }, officer.caller);
    expect(closed.closedAt).not.toBeNull();

    const changes = [...entries(h, 'incident.status_change'), ...entries(h, 'incident.close')].sort((a, b) => a.seq - b.seq);
    expect(changes.map((e) => [e.before?.status, e.after?.status, e.reason])).toEqual([
      ['open', 'investigating', 'reviewing the access'],
      ['investigating', 'assessed', 'four factors recorded'],
      ['assessed', 'notifying', 'letters going out'],
      ['notifying', 'closed', 'letters sent, access revoked'],
    ]);
    expect(entries(h, 'incident.open')).toHaveLength(1);
    expect(entries(h, 'incident.assess')[0]?.details).toMatchObject({ determination: 'breach', acquired: 'viewed' });
    expect(entries(h, 'incident.affected')[0]?.details).toMatchObject({ count: 3, largeBreach: false });
  });

  it('drafts the letter and the HHS summary from the templates, with the deadlines filled in', async () => {
    const [i] = (await h.ok<{ incidents: IncidentView[] }>('incidents.list', {})).incidents;
    const d = await h.ok<{ letter: string; hhsSummary: string }>('incidents.drafts', { id: i!.id }, officer.caller);
    expect(d.letter).toContain('Lakeside Family Medicine');
    expect(d.letter).toContain('2026-08-30 (America/Chicago)');
    expect(d.letter).toContain('absence dates, reasons or locations, names');
    expect(d.hhsSummary).toContain('fewer than 500 affected: annual log to HHS');
    expect(d.hhsSummary).toContain('Report due: 2027-03-01');
    expect(d.hhsSummary).toContain('Approximate number of individuals affected: 3');
    expect(d.hhsSummary).toContain('factor 3: PHI was acquired or viewed');
    for (const text of [d.letter, d.hhsSummary]) {
      expect(text).not.toMatch(/\{\{/);
      expect(text).not.toContain('Affected Person');
    }
    expect(entries(h, 'incident.draft')).toHaveLength(1);
  });

  it('500 or more affected flags HHS and media now; 499 goes to the annual log', async () => {
    h.clock.advance(1000);
    const from = h.clock.now().toISOString();
    for (let i = 0; i < 499; i++) await h.ok('people.save', person(`Bulk ${i}`));
    h.clock.advance(1000);
    const opened = await h.ok<IncidentView>('incidents.open', {
      title: 'Admin workstation left unlocked',
      alertIds: [],
      window: { from, to: h.clock.now().toISOString() },
      actorUserIds: [(await h.ok<{ session: { userId: string } }>('auth.session', {})).session.userId],
    });
    const small = await h.ok<{ incident: IncidentView }>('incidents.computeAffected', { id: opened.id });
    expect(small.incident.affected?.count).toBe(499);
    expect(small.incident.plan).toMatchObject({ largeBreach: false, media: null, hhs: { route: 'annual_log' } });
    h.clock.advance(-500);
    await h.ok('people.save', person('Bulk 499'));
    const large = await h.ok<{ incident: IncidentView }>('incidents.computeAffected', { id: opened.id });
    expect(large.incident.affected?.count).toBe(500);
    expect(large.incident.plan).toMatchObject({ largeBreach: true, hhs: { route: 'immediate', date: large.incident.plan.individuals.date } });
    expect(large.incident.plan.media?.date).toBe(large.incident.plan.individuals.date);
    h.clock.advance(1000);
  });

  it('exports the register as CSV with formula injection neutralised (audited)', async () => {
    await h.ok('incidents.open', { title: '=HYPERLINK("http://evil","x")', alertIds: [] }, officer.caller);
    const out = await h.ok<{ fileName: string; data: string }>('incidents.exportRegister', {}, officer.caller);
    const rows = parseCsv(out.data);
    expect(rows[0]).toContain('individual_deadline');
    expect(rows).toHaveLength(4);
    expect(rows[3]![1]).toBe('\'=HYPERLINK("http://evil","x")');
    expect(out.data).not.toMatch(/(^|,)"=/m);
    expect(entries(h, 'incident.export')).toHaveLength(1);
    void ADMIN;
  });
});
