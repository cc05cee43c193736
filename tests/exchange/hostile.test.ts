import ExcelJS from 'exceljs';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, demoProgram, type Program } from './helpers';

type Result = { ok: boolean; error?: { code: string; message: string } };

/** A minimal ZIP writer for hand-made hostile archives (sizes in the headers are ours to choose). */
function zip(entries: Array<{ name: string; data: Buffer; declaredSize?: number; method?: 0 | 8; flags?: number }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name);
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.flags ?? 0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const xlsxParts = (extra: Array<{ name: string; data: Buffer; declaredSize?: number; method?: 0 | 8 }> = []) => [
  { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
  { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
  ...extra,
];

describe('hostile and wrong import files are refused with a message naming the problem', () => {
  let p: Program;
  beforeAll(async () => {
    p = await demoProgram(1);
  }, 120_000);
  afterAll(() => p.h.stop());

  const preview = (kind: string, data: Buffer | string, extra: Record<string, unknown> = {}): Promise<Result> =>
    p.h.call('import.preview', { kind, dataBase64: typeof data === 'string' ? data : b64(data), ...extra }) as Promise<Result>;
  const refused = async (r: Promise<Result>, pattern: RegExp): Promise<void> => {
    const res = await r;
    expect(res.ok).toBe(false);
    expect(res.error?.code).toBe('BAD_INPUT');
    expect(res.error?.message).toMatch(pattern);
  };

  it('a zip bomb: a sheet declared at 30 MiB compressing 1000:1 is refused before any parser runs', async () => {
    const bomb = Buffer.alloc(30 * 1024 * 1024, 0x41);
    const file = zip(xlsxParts([{ name: 'xl/worksheets/sheet1.xml', data: bomb }]));
    expect(file.length).toBeLessThan(100_000);
    const started = performance.now();
    await refused(preview('people', file), /zip bomb/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a lying header: an entry inflating past its declared size is caught while inflating under a cap', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x42);
    await refused(preview('people', zip(xlsxParts([{ name: 'xl/worksheets/sheet1.xml', data: big, declaredSize: 1000 }]))), /not the size its header says|larger than its header says/);
  });

  it('too much in total, too many entries, encryption, and ZIP archives that are not workbooks', async () => {
    // Stored (not deflated) parts whose ratio passes but whose declared total passes 64 MiB.
    const parts = Array.from({ length: 3 }, (_, i) => ({ name: `xl/media/m${i}.bin`, data: Buffer.alloc(200 * 1024), declaredSize: 30 * 1024 * 1024, method: 0 as const }));
    await refused(preview('people', zip(xlsxParts(parts))), /inflates to more than 64 MiB/);
    const many = Array.from({ length: 501 }, (_, i) => ({ name: `x${i}`, data: Buffer.from('a') }));
    await refused(preview('people', zip(many)), /501 ZIP entries/);
    await refused(preview('people', zip([{ name: 'a.txt', data: Buffer.from('x'), flags: 1 }])), /encrypted/);
    await refused(preview('people', zip([{ name: 'a.txt', data: Buffer.from('x') }])), /ZIP archive but not an Excel workbook/);
  });

  it('formula cells in a workbook are refused, naming the cell', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('People');
    ws.addRow(['Name', 'PGY']);
    ws.addRow(['New Person', 1]);
    ws.getCell('B3').value = { formula: 'B2+1', result: 2 };
    ws.getCell('A3').value = 'Other Person';
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    await refused(preview('people', buf), /Sheet "People" cell B3 holds a formula/);
  });

  it('a sheet past the row limit is refused', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Huge');
    ws.addRow(['Name']);
    ws.getCell('A20002').value = 'far away';
    await refused(preview('people', Buffer.from(await wb.xlsx.writeBuffer())), /20002 rows \(the limit is 20000\)/);
  });

  it('wrong encodings and wrong file types are named', async () => {
    await refused(preview('people', Buffer.from([0x4e, 0x61, 0x6d, 0x65, 0x0a, 0x4a, 0x6f, 0x73, 0xe9, 0x0a])), /not UTF-8 text \(perhaps Windows-1252/);
    await refused(preview('people', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Name\n', 'utf16le')])), /UTF-16/);
    await refused(preview('people', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])), /Excel 97-2003/);
    await refused(preview('people', Buffer.from('%PDF-1.7\n')), /PDF/);
    await refused(preview('people', Buffer.from([0x4e, 0x00, 0x61])), /binary/);
    await refused(preview('people', Buffer.from('{"people": [ {"name": "x"} ')), /not valid JSON/);
    await refused(preview('people', Buffer.from('[{"name": {"first": "x"}}]')), /nested value/);
    await refused(preview('people', 'not base64!'), /not valid base64/);
  });

  it('CSV limits: rows, columns, an unclosed quote; size is capped by the contract', async () => {
    await refused(preview('people', Buffer.from(`Name\n${'x\n'.repeat(20_001)}`)), /more than 20000 rows/);
    await refused(preview('people', Buffer.from(`${Array.from({ length: 101 }, (_, i) => `c${i}`).join(',')}\n`)), /more than 100 columns/);
    await refused(preview('people', Buffer.from('Name\n"never closed\n')), /never closed/);
    const tooBig = await preview('people', 'A'.repeat(7 * 1024 * 1024 + 8));
    expect(tooBig.ok).toBe(false);
    expect(tooBig.error?.code).toBe('BAD_INPUT');
  });

  it('formula-looking text in CSV rows makes those rows invalid (never stored), other rows still preview', async () => {
    const r = await p.h.ok<{ rows: Array<{ row: number; status: string; reason: string | null }> }>('import.preview', { kind: 'people', dataBase64: b64('Name,PGY\n=cmd|\' /C calc\'!A0,1\n+1+1,2\n@SUM(A1),2\nNew Resident,1\n') });
    expect(r.rows.map((x) => x.status)).toEqual(['invalid', 'invalid', 'invalid', 'new']);
    expect(r.rows[0]?.reason).toMatch(/formula/);
  });
});
