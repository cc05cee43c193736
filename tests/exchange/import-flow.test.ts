import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../accounts/helpers';
import { auditEntries, b64, demoProgram, reload, userFor, type Program } from './helpers';

type Preview = { previewId: string; mapping: Record<string, string>; rows: Array<{ row: number; column: string | null; status: string; reason: string | null; matchScore: number | null; summary: string }>; counts: Record<string, number> };
type Person = { id: string; displayName: string; email: string | null; pgy: number | null; kind: string };

describe('import: preview, then confirm', () => {
  let p: Program;
  beforeAll(async () => {
    p = await demoProgram(2);
  }, 120_000);
  afterAll(() => p.h.stop());

  it('matches headers and names fuzzily, lists every row with its verdict, and writes nothing until confirmed', async () => {
    const a01 = p.people.find((x) => x.displayName === 'Resident A01')!;
    const csv = [
      'Résident Name;E-mail;PGY Lvl;Type',
      // accents, case, word order, a typo: all the same person
      'resident  a01;;PGY-2;Resident',
      'Residnet B02;;2;resident',
      'Ingrid Vasquez-Holloway;ingrid@example.org;1;resident',
      ';nobody@example.org;1;resident',
      'Faculty F01;;;faculty',
      'Resident A01;;1;resident',
    ].join('\r\n');
    const before = auditEntries(p.h).length;
    const r = await p.h.ok<Preview>('import.preview', { kind: 'people', dataBase64: b64(csv) });
    expect(r.mapping).toEqual({ name: 'Résident Name', email: 'E-mail', pgy: 'PGY Lvl', kind: 'Type' });
    expect(r.rows.map((x) => [x.row, x.status])).toEqual([[2, 'update'], [3, 'unchanged'], [4, 'new'], [5, 'invalid'], [6, 'unchanged'], [7, 'invalid']]);
    expect(r.rows[0]?.summary).toContain('Resident A01');
    expect(r.rows[1]?.reason).toMatch(/approximately/);
    expect(r.rows[1]?.matchScore).toBeGreaterThan(0.88);
    expect(r.rows[1]?.matchScore).toBeLessThan(1);
    expect(r.rows[3]?.reason).toBe('name is empty');
    expect(r.rows[5]?.reason).toBe('duplicate of row 2');
    // Previewing wrote nothing, not even an audit entry.
    expect(auditEntries(p.h).length).toBe(before);
    expect((await p.h.ok<Person[]>('people.list', {})).find((x) => x.id === a01.id)?.pgy).toBe(1);

    const applied = await p.h.ok<{ created: number; updated: number; skipped: number }>('import.confirm', { previewId: r.previewId });
    expect(applied).toEqual({ kind: 'people', created: 1, updated: 1, skipped: 4 });
    const people = await p.h.ok<Person[]>('people.list', {});
    // Matched by name: the person keeps their spelling ("resident  a01" does not rename them).
    expect(people.find((x) => x.id === a01.id)).toMatchObject({ pgy: 2, displayName: 'Resident A01' });
    expect(people.find((x) => x.email === 'ingrid@example.org')?.displayName).toBe('Ingrid Vasquez-Holloway');
    // One change set: the person entries and the closing import.apply are consecutive.
    const tail = auditEntries(p.h).slice(before);
    expect(tail.map((e) => e.action)).toEqual(['person.update', 'person.create', 'import.apply']);
    expect(tail[2]?.details).toEqual({ kind: 'people', format: 'csv', rows: 6, created: 1, updated: 1, unchanged: 2, unmatched: 0, invalid: 2 });
    // A preview is used once.
    expectError(await p.h.call('import.confirm', { previewId: r.previewId }), 'NOT_FOUND');
  });

  it('refuses to confirm when the program changed since the preview, or after expiry, or by someone else', async () => {
    const csv = 'Name,PGY\nBrand New Person,1\n';
    const r1 = await p.h.ok<Preview>('import.preview', { kind: 'people', dataBase64: b64(csv) });
    await p.h.ok('people.save', { displayName: 'Brand New Person', email: null, kind: 'resident', pgy: 1, specialty: '', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true });
    expectError(await p.h.call('import.confirm', { previewId: r1.previewId }), 'CONFLICT');

    const r2 = await p.h.ok<Preview>('import.preview', { kind: 'people', dataBase64: b64('Name,PGY\nAnother Person,1\n') });
    const coord = await userFor(p.h, 'coordinator', 'coord.import');
    expectError(await p.h.call('import.confirm', { previewId: r2.previewId }, coord), 'NOT_FOUND');
    // Past the 15-minute preview lifetime, keeping the session active meanwhile (idle timeout).
    for (let i = 0; i < 4; i++) {
      p.h.clock.advance(4 * 60 * 1000);
      await p.h.ok('people.list', {});
    }
    expectError(await p.h.call('import.confirm', { previewId: r2.previewId }), 'NOT_FOUND');
  });

  it('checks the permission of what is imported: a chief resident may import assignments but not people or absences', async () => {
    const chief = await userFor(p.h, 'chief_resident', 'chief.import');
    expectError(await p.h.call('import.preview', { kind: 'people', dataBase64: b64('Name\nX Y\n') }, chief), 'FORBIDDEN');
    expectError(await p.h.call('import.preview', { kind: 'absences', dataBase64: b64('Name\nX Y\n') }, chief), 'FORBIDDEN');
    const res = await p.h.call('import.preview', { kind: 'assignments', yearId: p.yearId, dataBase64: b64('Name,Block,Rotation\nResident A01,Block 1,ZZZ\n') }, chief);
    expect(res.ok).toBe(true);
  });

  it('absences from the coordinator\'s leave workbook: synonyms, US dates, unmatched names kept for review', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Leave 2026-27');
    ws.addRow(['Annual leave requests']);
    ws.addRow([]);
    ws.addRow(['Employee', 'Leave Type', 'From', 'To', 'Notes']);
    ws.addRow(['Faculty F02', 'Annual Leave', '7/20/2026', '7/24/2026', 'beach']);
    ws.addRow(['Faculty F03', 'TDY', new Date('2026-08-03T00:00:00Z'), new Date('2026-08-07T00:00:00Z'), null]);
    ws.addRow(['Dr. Nobody Atall', 'vacation', '2026-09-01', '2026-09-05', null]);
    ws.addRow(['Faculty F04', 'sabbatical', '2026-09-01', '2026-09-05', null]);
    ws.addRow(['Faculty F05', 'vacation', '2026-09-10', '2026-09-01', null]);
    const r = await p.h.ok<Preview & { sheet: string }>('import.preview', { kind: 'absences', dataBase64: b64(Buffer.from(await wb.xlsx.writeBuffer())) });
    expect(r.sheet).toBe('Leave 2026-27');
    expect(r.rows.map((x) => [x.row, x.status, x.reason])).toEqual([
      [4, 'new', null],
      [5, 'new', null],
      [6, 'unmatched', 'no person with a similar name'],
      [7, 'invalid', 'type is not a known absence type'],
      [8, 'invalid', 'ends before it starts'],
    ]);
    await p.h.ok('import.confirm', { previewId: r.previewId });
    const all = await p.h.ok<Array<{ personId: string; type: string; startDate: string; endDate: string; notes: string | null }>>('absences.list', {});
    const f02 = (await reload(p.h)).people.find((x) => x.displayName === 'Faculty F02')!;
    expect(all.find((a) => a.personId === f02.id)).toMatchObject({ type: 'vacation', startDate: '2026-07-20', endDate: '2026-07-24', notes: 'beach' });
    expect(all.some((a) => a.type === 'tdy' && a.startDate === '2026-08-03')).toBe(true);
  });

  it('a mapping override replaces the fuzzy match, and a missing required column is named', async () => {
    const csv = 'Who,Code\nResident A01,WARDA\n';
    const missing = await p.h.call('import.preview', { kind: 'people', dataBase64: b64(csv) });
    expect(missing.ok ? '' : missing.error.message).toMatch(/No column was found for: name/);
    const r = await p.h.ok<Preview>('import.preview', { kind: 'people', dataBase64: b64(csv), mapping: { name: 'Who' } });
    expect(r.mapping.name).toBe('Who');
    expect(r.rows[0]?.status).toBe('unchanged');
  });
});
