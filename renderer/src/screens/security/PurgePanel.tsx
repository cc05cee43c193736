import { useState } from 'react';
import type { PurgeResult } from '../../../../shared/contract/security';
import { RETENTION_LABELS } from '../../../../shared/security/settings';
import { api } from '../../api/client';
import { CheckField, FormError } from '../../components/Field';
import { useFormAction } from '../../hooks/useFormAction';
import { call } from '../../state/session';
import { when } from './format';

/**
 * Purge: a dry run first shows what would be destroyed; only then can it run, behind an explicit
 * confirmation. The real run records a signed destruction certificate in the audit trail.
 */
export function PurgePanel() {
  const [preview, setPreview] = useState<PurgeResult | null>(null);
  const [certificate, setCertificate] = useState<PurgeResult | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const { busy, error, run: runAction } = useFormAction();

  const run = (dryRun: boolean) =>
    runAction(async () => {
      const r = await call(api.retention.purge({ dryRun }));
      if (dryRun) {
        setPreview(r);
        setCertificate(null);
      } else {
        setCertificate(r);
        setPreview(null);
      }
      setConfirmed(false);
    });
  const total = preview?.items.reduce((n, i) => n + i.count, 0) ?? 0;

  return (
    <section className="card" aria-labelledby="purge-title">
      <h3 id="purge-title">Purge</h3>
      <p className="small muted">Destroys what is past its retention, never anything the hospital has not acknowledged.</p>
      <div className="actions left">
        <button type="button" disabled={busy} onClick={() => void run(true)}>
          Dry run: show what would go
        </button>
      </div>
      <FormError text={error} />
      {preview && (
        <div data-testid="purge-preview">
          <PurgeTable result={preview} caption={`Would be destroyed (as of ${when(preview.at)})`} />
          {preview.syncedSize === 0 && <p className="small muted">This workstation has not synced with the hospital yet: everything is held until the server acknowledges it.</p>}
          {total === 0 ? (
            <p role="status">Nothing has expired: there is nothing to purge.</p>
          ) : (
            <>
              <CheckField label={`I confirm: destroy these ${total} records for good`} checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
              <div className="actions left">
                <button type="button" className="primary" disabled={busy || !confirmed} onClick={() => void run(false)}>
                  Purge now
                </button>
              </div>
            </>
          )}
        </div>
      )}
      {certificate && (
        <div data-testid="purge-certificate" role="status">
          <h4>Destruction certificate</h4>
          <p>
            {certificate.certificateSeq !== null ? `Recorded as audit entry ${certificate.certificateSeq}` : 'No certificate (nothing destroyed)'} at {when(certificate.at)}. Audit payloads before entry {certificate.auditBeforeSeq} destroyed (leaf hashes
            kept); database log {certificate.walCheckpointed ? 'checkpointed' : 'not checkpointed'}.
          </p>
          <PurgeTable result={certificate} caption="Destroyed" showHash />
        </div>
      )}
    </section>
  );
}

function PurgeTable({ result, caption, showHash = false }: { result: PurgeResult; caption: string; showHash?: boolean }) {
  return (
    <table className="records">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th>Data</th>
          <th>Records</th>
          <th>Older than</th>
          <th>Held (not synced)</th>
          {showHash && <th>SHA-256 of what was destroyed</th>}
        </tr>
      </thead>
      <tbody>
        {result.items.map((i) => (
          <tr key={i.type} data-purge={i.type}>
            <td>{RETENTION_LABELS[i.type]}</td>
            <td data-count>{i.count}</td>
            <td>{i.cutoff.slice(0, 10)}</td>
            <td>{i.heldUnsynced}</td>
            {showHash && <td className="mono small">{i.sha256.slice(0, 16)}…</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
