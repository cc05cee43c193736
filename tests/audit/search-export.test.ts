import { afterEach, describe, expect, it } from 'vitest';
import type { AuditActor } from '../../shared/audit/entry';
import { AuditPage } from '../../shared/audit/filter';
import { csvCell, parseCsv } from '../../electron/core/audit/csv';
import { exportAudit, exportPageSql } from '../../electron/core/audit/export';
import { leafHashOfText } from '../../electron/core/audit/hash';
import { verifyExport } from '../../electron/core/audit/export-verify';
import { searchAudit, searchAuditAs, whereFor } from '../../electron/core/audit/search';
import { recordOutcome, recordRead, runChange } from '../../electron/core/db/unit-of-work';
import { compliance, coordinator, fixture, makeSigner, type Fixture } from './helpers';

let f: Fixture;
afterEach(() => f?.cleanup());

const director: AuditActor = { type: 'user', userId: 'user-0003', role: 'program_director', sessionId: 'sess-0003' };

function populate(f: Fixture): void {
  for (let i = 0; i < 30; i++) {
    f.clock.advance(60_000);
    const actor = i % 3 === 0 ? director : coordinator;
    runChange(f.db, f.log, actor, (tx) => {
      tx.record({
        action: i % 2 === 0 ? 'absence.approve' : 'assignment.update',
        resourceType: i % 2 === 0 ? 'absence' : 'assignment',
        resourceId: `res-${i}`,
        subject: `person-${i % 4}`,
        before: { status: 'pending' },
        after: { status: 'approved' },
        ...(i === 7 ? { reason: '=HYPERLINK("http://evil.example","click")' } : {}),
      });
    });
  }
  f.clock.advance(60_000);
  recordOutcome(f.db, f.log, coordinator, { action: 'user.role_change', resourceType: 'user', resourceId: 'user-0009', outcome: 'denied', reason: 'not allowed' });
  recordRead(f.db, f.log, coordinator, { action: 'absence.read_details', resourceType: 'absence', resourceId: 'res-2', subject: 'person-2' });
}

describe('searchAudit', () => {
  it('filters by actor, action, action prefix, resource, person, outcome and time', () => {
    f = fixture({ checkpointEvery: 1000 });
    populate(f);
    const seqs = (filter: Parameters<typeof searchAudit>[1]): number[] => searchAudit(f.db, { limit: 500, ...filter }).records.map((r) => r.seq);
    expect(seqs({ actorUserId: 'user-0003' })).toEqual([27, 24, 21, 18, 15, 12, 9, 6, 3, 0]);
    expect(seqs({ actions: ['assignment.update'] })).toHaveLength(15);
    expect(seqs({ actionPrefix: 'absence.' })).toHaveLength(16); // 15 approvals + 1 read
    expect(seqs({ resourceType: 'absence', resourceId: 'res-2' })).toEqual([31, 2]);
    expect(seqs({ personId: 'person-1' })).toEqual([29, 25, 21, 17, 13, 9, 5, 1]);
    expect(seqs({ outcome: 'denied' })).toEqual([30]);
    expect(seqs({ from: '2026-07-01T12:05:00Z', to: '2026-07-01T12:08:00.000Z' })).toEqual([6, 5, 4]);
    expect(seqs({ actorUserId: 'user-0003', actionPrefix: 'absence.', personId: 'person-2' })).toEqual([18, 6]);
    const page = searchAudit(f.db, { personId: 'person-2', limit: 1 });
    expect(AuditPage.parse(page)).toEqual(page);
    expect(page.records[0]?.entry).toMatchObject({ action: 'absence.read_details', subject: 'person-2' });
  });

  it('paginates newest first with a keyset cursor, without gaps or repeats', () => {
    f = fixture({ checkpointEvery: 1000 });
    populate(f);
    const seen: number[] = [];
    let cursor: number | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = searchAudit(f.db, { limit: 7, ...(cursor !== undefined ? { beforeSeq: cursor } : {}) });
      seen.push(...page.records.map((r) => r.seq));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(Array.from({ length: 32 }, (_, i) => 31 - i));
  });

  it('rejects unknown filter fields and records who searched', () => {
    f = fixture({ checkpointEvery: 1000 });
    populate(f);
    expect(() => searchAudit(f.db, { actor: 'x' } as never)).toThrow();
    const before = f.log.size;
    searchAuditAs(f.db, f.log, compliance, { personId: 'person-3', limit: 5 });
    const last = searchAudit(f.db, { limit: 1 }).records[0];
    expect(last?.seq).toBe(before);
    expect(last?.entry).toMatchObject({ action: 'audit.search', actor: compliance, subject: 'person-3', details: { returned: 5, limit: 5 } });
  });
});

describe('audit export', () => {
  it('CSV: neutralises formulas, signs the manifest, verifies offline, and is itself audited', async () => {
    f = fixture({ checkpointEvery: 1000 });
    populate(f);
    const ex = await exportAudit(f.db, f.log, compliance, { format: 'csv', filter: { actionPrefix: 'absence.' } }, f.clock);
    const rows = parseCsv(ex.data.toString('utf8'));
    expect(rows).toHaveLength(1 + 16);
    const reasonCol = rows[0]!.indexOf('reason');
    const row7 = rows.find((r) => r[0] === '7');
    expect(row7).toBeUndefined(); // seq 7 is an assignment, not an absence
    expect(ex.manifest).toMatchObject({ count: 16, firstSeq: 0, lastSeq: 31, treeSize: 32, format: 'csv' });
    expect(verifyExport({ data: ex.data, manifestBytes: ex.manifestBytes, signature: ex.signature })).toMatchObject({ ok: true, count: 16 });
    expect(verifyExport({ data: ex.data, manifestBytes: ex.manifestBytes, signature: ex.signature, trustedPublicKeyPem: f.signer.publicKeyPem }).ok).toBe(true);
    // Audited: who exported, with the data hash.
    const last = searchAudit(f.db, { limit: 1 }).records[0]?.entry;
    expect(last).toMatchObject({ action: 'audit.export', actor: compliance, details: { count: 16, dataSha256: ex.manifest.dataSha256 } });
    expect(reasonCol).toBeGreaterThan(0);
  });

  it('CSV cells starting with = + - @ tab or CR get a leading apostrophe', async () => {
    for (const bad of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(bad)).toBe(`"'${bad}"`);
    expect(csvCell('plain "quoted"')).toBe('"plain ""quoted"""');
    f = fixture({ checkpointEvery: 1000 });
    populate(f);
    const ex = await exportAudit(f.db, f.log, compliance, { format: 'csv', filter: { resourceId: 'res-7' } }, f.clock);
    const rows = parseCsv(ex.data.toString('utf8'));
    const reason = rows[1]![rows[0]!.indexOf('reason')];
    expect(reason).toBe(`'=HYPERLINK("http://evil.example","click")`);
  });

  it('JSON: every entry carries an inclusion proof to the signed root; tampering is caught', async () => {
    f = fixture({ checkpointEvery: 1000 });
    populate(f);
    const ex = await exportAudit(f.db, f.log, compliance, { format: 'json', filter: { personId: 'person-1' } }, f.clock);
    const ok = verifyExport({ data: ex.data, manifestBytes: ex.manifestBytes, signature: ex.signature });
    expect(ok.problems).toEqual([]);
    expect(ok.count).toBe(8);

    const tamperedData = Buffer.from(ex.data.toString('utf8').replace('approved', 'rejected'));
    expect(verifyExport({ data: tamperedData, manifestBytes: ex.manifestBytes, signature: ex.signature }).ok).toBe(false);

    const m = JSON.parse(ex.manifestBytes.toString('utf8')) as { count: number };
    m.count = 7;
    const tamperedManifest = Buffer.from(JSON.stringify(m));
    expect(verifyExport({ data: ex.data, manifestBytes: tamperedManifest, signature: ex.signature }).problems).toContain('the manifest signature is not valid');

    const stranger = makeSigner('device-test-1');
    expect(verifyExport({ data: ex.data, manifestBytes: ex.manifestBytes, signature: ex.signature, trustedPublicKeyPem: stranger.publicKeyPem }).ok).toBe(false);

    // A forged entry text with a matching leaf hash still fails its inclusion proof to the signed root.
    const doc = JSON.parse(ex.data.toString('utf8')) as { items: Array<{ entry: string; leafHash: string }> };
    const item = doc.items[0]!;
    item.entry = item.entry.replace('approved', 'rejected');
    item.leafHash = leafHashOfText(item.entry).toString('base64');
    const forged = Buffer.from(JSON.stringify(doc));
    const res = verifyExport({ data: forged, manifestBytes: ex.manifestBytes, signature: ex.signature });
    expect(res.problems.some((p) => p.includes('inclusion proof'))).toBe(true);
  });
  it('hands the event loop back between pages of a large export, and exports exactly the matching entries', async () => {
    f = fixture({ checkpointEvery: 1000 });
    runChange(f.db, f.log, coordinator, (tx) => {
      // 512 matching entries (an exact multiple of the page) between others that do not match.
      for (let i = 0; i < 600; i++) {
        const match = i % 7 !== 3 && i < 597;
        tx.record({ action: match ? 'assignment.update' : 'rotation.update', resourceType: 'assignment', resourceId: `a-${i}`, after: { blockNumber: i % 13 } });
      }
    });
    const expected = f.db.prepare("SELECT seq FROM audit_entry WHERE action = 'assignment.update' ORDER BY seq").pluck().all() as number[];
    expect(expected).toHaveLength(512);
    let turns = 0;
    let ticking = true;
    const tick = (): void => {
      if (!ticking) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const ex = await exportAudit(f.db, f.log, compliance, { format: 'csv', filter: { actionPrefix: 'assignment.' } }, f.clock, { sliceMs: 0 });
    ticking = false;
    // 512 entries in pages of 32: other work ran between the pages.
    expect(turns).toBeGreaterThanOrEqual(16);
    const rows = parseCsv(ex.data.toString('utf8')).slice(1);
    expect(rows.map((r) => Number(r[0]))).toEqual(expected);
    expect(ex.manifest).toMatchObject({ count: 512, firstSeq: expected[0], lastSeq: expected.at(-1) });
  });

  it('reads each page as a range of audit_entry, never sorting the rest of the log', () => {
    f = fixture({ checkpointEvery: 1000 });
    for (const filter of [{}, { from: '2026-01-01T00:00:00Z' }, { actionPrefix: 'absence.' }, { personId: 'person-1' }]) {
      const { sql, params } = whereFor(filter);
      const plan = (f.db.prepare(`EXPLAIN QUERY PLAN ${exportPageSql(sql)}`).all(...params, 0, 1000) as Array<{ detail: string }>).map((r) => r.detail);
      expect(plan.join(' | ')).not.toMatch(/TEMP B-TREE/);
      expect(plan[0]).toMatch(/^(SEARCH|SCAN) e\b/);
    }
  });
});
