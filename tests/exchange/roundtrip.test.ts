import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, b64, demoProgram, fromB64, type Program } from './helpers';

type Exported = { fileName: string; mimeType: string; dataBase64: string };
type Assignment = { personId: string; blockId: string; rotationId: string };

describe('export then import gives the same schedule', () => {
  let p: Program;
  let original: Assignment[] = [];
  beforeAll(async () => {
    p = await demoProgram(4);
    original = await p.h.ok<Assignment[]>('assignments.list', { yearId: p.yearId });
  }, 120_000);
  afterAll(() => p.h.stop());

  const key = (a: Assignment): string => `${a.personId}|${a.blockId}|${a.rotationId}`;

  it('XLSX: a full-year workbook with a year overview and a sheet per block, readable by a second reader', async () => {
    const started = performance.now();
    const out = await p.h.ok<Exported>('export.schedule', { yearId: p.yearId, format: 'xlsx' });
    const ms = performance.now() - started;
    const bytes = fromB64(out.dataBase64);
    expect(out.fileName).toMatch(/\.xlsx$/);
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    // Second reader: the ZIP directory itself names the parts.
    const { readZipDirectory } = await import('../../electron/core/exchange/zip-guard');
    const parts = readZipDirectory(bytes).map((e) => e.name);
    expect(parts).toContain('xl/workbook.xml');
    expect(parts.filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))).toHaveLength(1 + 13 + 1 + 1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
    const names = wb.worksheets.map((w) => w.name);
    expect(names).toEqual(['Year overview', ...Array.from({ length: 13 }, (_, i) => `Block ${i + 1}`), 'Calls', 'Leave']);
    const overview = wb.getWorksheet('Year overview');
    expect(overview?.getRow(3).getCell(1).value).toBe('Name');
    expect(overview?.rowCount).toBe(3 + p.people.length);
    console.log(`xlsx export: ${bytes.length} bytes, ${Math.round(ms)} ms for ${original.length} assignments`);

    // Clear the year, then import the workbook back: every assignment comes back, nothing else.
    await p.h.ok('assignments.setMany', { items: original.map((a) => ({ personId: a.personId, blockId: a.blockId, rotationId: null })) });
    expect(await p.h.ok<Assignment[]>('assignments.list', { yearId: p.yearId })).toHaveLength(0);
    const preview = await p.h.ok<{ previewId: string; layout: string; sheet: string; counts: Record<string, number> }>('import.preview', { kind: 'assignments', yearId: p.yearId, dataBase64: out.dataBase64 });
    expect(preview.sheet).toBe('Year overview');
    expect(preview.layout).toBe('grid');
    expect(preview.counts).toEqual({ new: original.length, update: 0, unchanged: 0, unmatched: 0, invalid: 0 });
    // Nothing is written before confirmation.
    expect(await p.h.ok<Assignment[]>('assignments.list', { yearId: p.yearId })).toHaveLength(0);
    const applied = await p.h.ok<{ created: number }>('import.confirm', { previewId: preview.previewId });
    expect(applied.created).toBe(original.length);
    const back = await p.h.ok<Assignment[]>('assignments.list', { yearId: p.yearId });
    expect(back.map(key).sort()).toEqual(original.map(key).sort());
    const entry = auditEntries(p.h).filter((e) => e.action === 'import.apply').at(-1);
    expect(entry?.details).toMatchObject({ kind: 'assignments', format: 'xlsx', created: original.length, updated: 0 });
  });

  it('CSV: the long table round-trips; call and absence rows are skipped by an assignments import', async () => {
    const out = await p.h.ok<Exported>('export.schedule', { yearId: p.yearId, format: 'csv' });
    const text = fromB64(out.dataBase64).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('\r\n');
    // Move five people to other rotations, then re-import the export: exactly those five come back.
    const eligible = (personId: string, rotationId: string): boolean => {
      const person = p.people.find((x) => x.id === personId);
      const rotation = p.rotations.find((r) => r.id === rotationId);
      return person?.pgy === null || (rotation?.eligiblePgy.includes(person?.pgy ?? 0) ?? false);
    };
    const moved = original.slice(0, 5).map((a) => ({ personId: a.personId, blockId: a.blockId, rotationId: p.rotations.find((r) => r.id !== a.rotationId && eligible(a.personId, r.id))!.id }));
    await p.h.ok('assignments.setMany', { items: moved });
    const preview = await p.h.ok<{ previewId: string; counts: Record<string, number>; layout: string }>('import.preview', { kind: 'assignments', yearId: p.yearId, dataBase64: out.dataBase64 });
    expect(preview.layout).toBe('long');
    expect(preview.counts).toEqual({ new: 0, update: 5, unchanged: original.length - 5, unmatched: 0, invalid: 0 });
    await p.h.ok('import.confirm', { previewId: preview.previewId });
    const back = await p.h.ok<Assignment[]>('assignments.list', { yearId: p.yearId });
    expect(back.map(key).sort()).toEqual(original.map(key).sort());
  });

  it('JSON: people round-trip through a JSON file (unchanged), and an edited row is an update', async () => {
    const records = p.people.map((x) => ({ name: x.displayName, type: x.kind, pgy: x.pgy }));
    const first = await p.h.ok<{ counts: Record<string, number> }>('import.preview', { kind: 'people', dataBase64: b64(JSON.stringify({ people: records })) });
    expect(first.counts).toEqual({ new: 0, update: 0, unchanged: p.people.length, unmatched: 0, invalid: 0 });
    const edited = records.map((r, i) => (i === 0 ? { ...r, email: 'first.person@example.org' } : r));
    const second = await p.h.ok<{ counts: Record<string, number>; rows: Array<{ status: string; row: number }> }>('import.preview', { kind: 'people', dataBase64: b64(`\uFEFF  ${JSON.stringify(edited)}`) });
    expect(second.counts.update).toBe(1);
    expect(second.rows.find((r) => r.status === 'update')?.row).toBe(1);
  });
});
