import ExcelJS from 'exceljs';
import ICAL from 'ical.js';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../accounts/helpers';
import { auditEntries, demoProgram, fromB64, userFor, type Program } from './helpers';

type Exported = { fileName: string; mimeType: string; dataBase64: string };
type AbsenceRow = { id: string; personId: string; reason: string | null; status: string };

describe('schedule exports', () => {
  let p: Program;
  let absences: AbsenceRow[] = [];
  let resident: { id: string; displayName: string };
  beforeAll(async () => {
    p = await demoProgram(4);
    absences = await p.h.ok<AbsenceRow[]>('absences.list', {});
    const withLeave = absences.find((a) => a.status === 'approved')!;
    resident = p.people.find((x) => x.id === withLeave.personId)!;
  }, 120_000);
  afterAll(() => p.h.stop());

  it('iCalendar per person parses with ical.js: a UID per event, folded lines, UTC times for shifts', async () => {
    const out = await p.h.ok<Exported>('export.schedule', { yearId: p.yearId, format: 'ics', personId: resident.id });
    expect(out.mimeType).toMatch(/^text\/calendar/);
    const text = fromB64(out.dataBase64).toString('utf8');
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(text.endsWith('\r\n')).toBe(true);
    const cal = new ICAL.Component(ICAL.parse(text));
    const events = cal.getAllSubcomponents('vevent');
    const shifts = (await p.h.ok<Array<{ personId: string }>>('shifts.list', { from: '2026-07-01', to: '2027-06-30' })).filter((s) => s.personId === resident.id);
    const ownAbsences = absences.filter((a) => a.personId === resident.id);
    expect(events).toHaveLength(13 + shifts.length + ownAbsences.length);
    const uids = events.map((e) => String(e.getFirstPropertyValue('uid')));
    expect(new Set(uids).size).toBe(uids.length);
    const rotation = events.find((e) => String(e.getFirstPropertyValue('categories')) === 'Rotation')!;
    expect((rotation.getFirstPropertyValue('dtstart') as ICAL.Time).isDate).toBe(true);
    const shift = events.find((e) => String(e.getFirstPropertyValue('categories')) === 'Call');
    if (shifts.length > 0) {
      const start = shift!.getFirstPropertyValue('dtstart') as ICAL.Time;
      expect(start.isDate).toBe(false);
      expect(start.zone?.tzid).toBe('UTC');
    }
    // The export is audited as a read about that person, with counts and no names.
    const entry = auditEntries(p.h).filter((e) => e.action === 'export.schedule_ical').at(-1)!;
    expect(entry.subject).toBe(resident.id);
    expect(entry.details).toMatchObject({ format: 'ics', scope: 'person', blocks: 13, assignments: 13, shifts: shifts.length, from: '2026-07-01', to: '2027-06-30' });
    expect(JSON.stringify(entry)).not.toContain(resident.displayName);
  });

  it('iCalendar per rotation holds only that rotation', async () => {
    const rotation = p.rotations[0]!;
    const out = await p.h.ok<Exported>('export.schedule', { yearId: p.yearId, format: 'ics', rotationId: rotation.id, content: 'blocks' });
    const cal = new ICAL.Component(ICAL.parse(fromB64(out.dataBase64).toString('utf8')));
    const summaries = cal.getAllSubcomponents('vevent').filter((e) => String(e.getFirstPropertyValue('categories')) === 'Rotation').map((e) => String(e.getFirstPropertyValue('summary')));
    const assignments = (await p.h.ok<Array<{ rotationId: string }>>('assignments.list', { yearId: p.yearId })).filter((a) => a.rotationId === rotation.id);
    expect(summaries).toHaveLength(assignments.length);
    for (const s of summaries) expect(s.endsWith(`: ${rotation.shortName}`)).toBe(true);
  });

  it('PDF: one page per block, at A4 and at Letter', async () => {
    for (const [paper, w, hgt] of [['a4', 595.28, 841.89], ['letter', 612, 792]] as const) {
      const started = performance.now();
      const out = await p.h.ok<Exported>('export.schedule', { yearId: p.yearId, format: 'pdf', paper });
      const pdf = await PDFDocument.load(fromB64(out.dataBase64));
      console.log(`pdf ${paper}: ${fromB64(out.dataBase64).length} bytes, ${Math.round(performance.now() - started)} ms`);
      expect(pdf.getPageCount()).toBe(13);
      for (const page of pdf.getPages()) {
        expect(page.getWidth()).toBeCloseTo(w, 1);
        expect(page.getHeight()).toBeCloseTo(hgt, 1);
      }
    }
    const calls = await PDFDocument.load(fromB64((await p.h.ok<Exported>('export.schedule', { yearId: p.yearId, format: 'pdf', content: 'calls', paper: 'a4' })).dataBase64));
    expect(calls.getPageCount()).toBe(13);
  });

  it('filters absence reasons by role: a chief resident\'s export has none but their own; a coordinator\'s has them', async () => {
    const reasons = absences.map((a) => a.reason).filter((r): r is string => typeof r === 'string' && r.length > 0);
    expect(reasons.length).toBeGreaterThan(0);
    const own = absences.find((a) => a.personId === resident.id && a.reason)!;
    const chief = await userFor(p.h, 'chief_resident', 'chief.export', resident.id);
    const coordinator = await userFor(p.h, 'coordinator', 'coord.export');
    for (const format of ['csv', 'xlsx'] as const) {
      const asChief = await p.h.ok<Exported>('export.schedule', { yearId: p.yearId, format }, chief);
      const asCoord = await p.h.ok<Exported>('export.schedule', { yearId: p.yearId, format }, coordinator);
      const text = async (e: Exported): Promise<string> => {
        if (format === 'csv') return fromB64(e.dataBase64).toString('utf8');
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(fromB64(e.dataBase64) as unknown as Parameters<typeof wb.xlsx.load>[0]);
        const cells: string[] = [];
        wb.eachSheet((ws) => ws.eachRow((r) => r.eachCell((c) => void cells.push(String(c.value)))));
        return cells.join('\n');
      };
      const chiefText = await text(asChief);
      const coordText = await text(asCoord);
      for (const r of reasons) {
        expect(coordText, format).toContain(r);
        if (r !== own.reason) expect(chiefText, format).not.toContain(r);
      }
      // Only the chief's own absence keeps its reason (others with the same wording are filtered).
      expect(chiefText).toContain(own.reason);
      if (format === 'csv') {
        const ownCount = absences.filter((a) => a.personId === resident.id && a.reason === own.reason).length;
        expect(chiefText.split(own.reason!).length - 1).toBe(ownCount);
        expect(coordText.split(own.reason!).length - 1).toBe(absences.filter((a) => a.reason === own.reason).length);
      }
    }
    const entries = auditEntries(p.h).filter((e) => e.action === 'export.schedule_csv');
    expect(entries.map((e) => e.details?.withAbsenceDetails)).toEqual([true, true]);
  });

  it('refuses roles without export.schedule (clinical staff, residents)', async () => {
    const nurse = await userFor(p.h, 'clinical_staff', 'nurse.export');
    const res = await userFor(p.h, 'resident', 'res.export');
    expectError(await p.h.call('export.schedule', { yearId: p.yearId, format: 'csv' }, nurse), 'FORBIDDEN');
    expectError(await p.h.call('export.schedule', { yearId: p.yearId, format: 'csv' }, res), 'FORBIDDEN');
  });

  it('neutralizes formulas in every text cell of CSV and XLSX', async () => {
    const evil = await p.h.ok<{ id: string }>('people.save', { displayName: '=HYPERLINK("http://x.invalid","y")', email: null, kind: 'faculty', pgy: null, specialty: '@SUM(1)', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true });
    const block = p.years[0]!.blocks[0]!;
    await p.h.ok('assignments.set', { personId: evil.id, blockId: block.id, rotationId: p.rotations[0]!.id });
    const csv = fromB64((await p.h.ok<Exported>('export.schedule', { yearId: p.yearId, format: 'csv', content: 'blocks' })).dataBase64).toString('utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://x.invalid"",""y"")"`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fromB64((await p.h.ok<Exported>('export.schedule', { yearId: p.yearId, format: 'xlsx', content: 'blocks' })).dataBase64) as unknown as Parameters<typeof wb.xlsx.load>[0]);
    const values: unknown[] = [];
    wb.eachSheet((ws) => ws.eachRow((r) => r.eachCell((c) => void values.push(c.value))));
    expect(values).toContain(`'=HYPERLINK("http://x.invalid","y")`);
    for (const v of values) if (typeof v === 'string') expect(v).not.toMatch(/^[=+\-@\t\r]/);
    await p.h.ok('assignments.set', { personId: evil.id, blockId: block.id, rotationId: null });
    await p.h.ok('people.remove', { id: evil.id });
  });
});
