import { useState } from 'react';
import type { SafeguardsReport } from '../../../../shared/security/report';
import { api } from '../../api/client';
import { FormError } from '../../components/Field';
import { useFormAction } from '../../hooks/useFormAction';
import { fromBase64, saveFile } from '../../lib/save-file';
import { call } from '../../state/session';
import { when } from './format';

/** The safeguards report for auditors: a PDF for the file, JSON for machines, and printable HTML. */
export function SafeguardsPanel() {
  const [result, setResult] = useState<{ report: SafeguardsReport; html: string; pdf: string } | null>(null);
  const { busy, error, run } = useFormAction();

  const generate = () =>
    run(async () => {
      setResult(await call(api.safeguards.report({})));
    });
  const stamp = result?.report.generatedAt.slice(0, 10) ?? '';

  return (
    <section className="card" aria-labelledby="report-title">
      <div className="section-head">
        <h3 id="report-title">Safeguards report</h3>
        <button type="button" className="primary" disabled={busy} onClick={() => void generate()}>
          {result ? 'Generate again' : 'Generate the report'}
        </button>
        {result && (
          <>
            <button type="button" onClick={() => saveFile(`safeguards-report-${stamp}.pdf`, fromBase64(result.pdf), 'application/pdf')}>
              Download PDF
            </button>
            <button type="button" onClick={() => saveFile(`safeguards-report-${stamp}.json`, JSON.stringify(result.report, null, 2), 'application/json')}>
              Download JSON
            </button>
            <button type="button" onClick={() => saveFile(`safeguards-report-${stamp}.html`, result.html, 'text/html;charset=utf-8')}>
              Download printable HTML
            </button>
          </>
        )}
      </div>
      <p className="small muted">Generating the report verifies the audit trail and is itself recorded in it.</p>
      <FormError text={error} />
      {result && <Summary report={result.report} />}
    </section>
  );
}

function Summary({ report: r }: { report: SafeguardsReport }) {
  return (
    <dl className="kv wide-kv" data-testid="safeguards-summary">
      <dt>Generated</dt>
      <dd>{when(r.generatedAt)}</dd>
      <dt>Encryption</dt>
      <dd>
        {r.encryption.atRest}; secure delete {r.encryption.secureDelete ? 'on' : 'off'}
      </dd>
      <dt>Key slots</dt>
      <dd>{r.keySlots.map((s) => s.kind).join(', ')}</dd>
      <dt>Audit trail</dt>
      <dd className={r.audit.verifiedOk ? undefined : 'error'}>
        {r.audit.size} entries, {r.audit.verifiedOk ? 'verified' : `FAILED verification at entry ${r.audit.firstBadSeq ?? '?'}`} ({when(r.audit.verifiedAt)})
      </dd>
      <dt>Sync</dt>
      <dd>{r.sync.enrolled ? `enrolled; ${r.sync.ackedSize} entries acknowledged; last success ${when(r.sync.lastSuccessAt)}` : 'not enrolled'}</dd>
      <dt>Open alerts</dt>
      <dd>
        {r.alerts.open}
        {Object.keys(r.alerts.bySeverity).length > 0 &&
          ` (${Object.entries(r.alerts.bySeverity)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ')})`}
      </dd>
      <dt>Incidents</dt>
      <dd>{r.incidents.length === 0 ? 'none' : r.incidents.map((i) => `#${i.number} ${i.status}, deadline ${i.deadline}`).join('; ')}</dd>
      <dt>Last purge</dt>
      <dd>{when(r.policies.lastPurgeAt)}</dd>
    </dl>
  );
}
