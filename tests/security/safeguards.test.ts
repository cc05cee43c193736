import { PDFDocument } from 'pdf-lib';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SafeguardsReport } from '../../shared/security/report';
import { addUser, entries, expectError, setupAndSignInAdmin, startCore, type Harness } from './helpers';

describe('safeguards report', () => {
  let h: Harness;
  beforeAll(async () => {
    h = startCore();
    await setupAndSignInAdmin(h);
    await h.ok('incidents.open', { title: 'Laptop <script>alert(1)</script> reported lost', alertIds: [] });
  }, 120_000);
  afterAll(() => h.stop());

  it('states encryption settings, key slots, a fresh verification, sync, policies and open incidents', async () => {
    const co = await addUser(h, 'compliance_officer', 'report.reader');
    const { report, html, pdf } = await h.ok<{ report: SafeguardsReport; html: string; pdf: string }>('safeguards.report', {}, co.caller);
    expect(report.encryption).toMatchObject({ cipher: 'sqlcipher', secureDelete: true, tempStoreMemory: true, journalMode: 'wal' });
    expect(report.keySlots.map((s) => s.kind).sort()).toEqual(['password', 'password', 'recovery']);
    expect(JSON.stringify(report.keySlots)).not.toMatch(/wrap|salt|iv|tag/i);
    expect(report.audit).toMatchObject({ verifiedOk: true, verifiedAt: h.clock.now().toISOString(), problems: 0 });
    expect(report.audit.size).toBeGreaterThan(10);
    expect(report.sync).toMatchObject({ enrolled: false, ackedSize: 0, lastReceipt: null });
    expect(report.policies).toMatchObject({ idleTimeoutMinutes: 15, password: { minLength: 15 }, retentionDays: { auditPayloads: 2192 } });
    expect(report.incidents).toEqual([expect.objectContaining({ number: 1, status: 'open', deadline: '2026-08-30', daysLeft: 60 })]);
    // Printable HTML: self-contained, escaped, no script.
    expect(html).toContain('<h1>Safeguards report</h1>');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("default-src 'none'");
    // The PDF for the auditor's file: the same sections, readable text (Helvetica writes hex strings).
    const bytes = Buffer.from(pdf, 'base64');
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(doc.getTitle()).toBe(`Safeguards report ${report.generatedAt}`);
    const text = pdfText(bytes);
    for (const phrase of ['Safeguards report', 'Encryption at rest', 'sqlcipher', 'Verified', 'Open incidents', `#1`, 'notify by 2026-08-30']) {
      expect(text, phrase).toContain(Buffer.from(phrase, 'latin1').toString('hex').toUpperCase());
    }
    expect(entries(h, 'report.safeguards')).toHaveLength(1);
    const coord = await addUser(h, 'coordinator', 'no.report');
    expectError(await h.call('safeguards.report', {}, coord.caller), 'FORBIDDEN');
  });
});

/** Every content stream of a PDF, inflated and concatenated (pdf-lib deflates page contents). */
function pdfText(pdf: Buffer): string {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const start = pdf.indexOf('stream', at, 'latin1');
    if (start < 0) break;
    const body = start + 'stream'.length + (pdf[start + 6] === 0x0d ? 2 : 1);
    const end = pdf.indexOf('endstream', body, 'latin1');
    if (end < 0) break;
    try {
      out.push(inflateSync(pdf.subarray(body, end)).toString('latin1'));
    } catch {
      out.push(pdf.subarray(body, end).toString('latin1'));
    }
    at = end + 'endstream'.length;
  }
  return out.join('\n').toUpperCase();
}
