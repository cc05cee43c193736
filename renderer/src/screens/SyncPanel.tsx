import { useCallback, useEffect, useState } from 'react';
import type { SyncStatusView } from '../../../shared/contract/sync';
import { api } from '../api/client';
import { FormError } from '../components/Field';
import { messageOf } from '../lib/errors';
import { saveFile } from '../lib/save-file';
import { call, useCan } from '../state/session';

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : 'never';
}

/**
 * The link to the hospital: enrollment (request file out, signed response in, fingerprints read
 * aloud by phone), the state of the outbox, and "Sync now". Everything is checked in the core;
 * this only shows and asks.
 */
export function SyncPanel() {
  const canManage = useCan('sync.manage');
  const [status, setStatus] = useState<SyncStatusView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [request, setRequest] = useState<{ fingerprint: string } | null>(null);
  const [response, setResponse] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const refresh = useCallback(() => {
    call(api.sync.status({})).then(setStatus, (err: unknown) => setError(messageOf(err)));
  }, []);
  useEffect(refresh, [refresh]);

  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await work();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
      refresh();
    }
  };

  return (
    <section aria-labelledby="sync-title" className="card">
      <h3 id="sync-title">Hospital sync</h3>
      {status && (
        <dl className="facts" data-testid="sync-status">
          <dt>State</dt>
          <dd>{status.halted ? 'Halted after a tamper alert' : status.enrolled ? `Enrolled (${status.transport === 'https' ? 'network' : 'removable media'})` : 'Not enrolled'}</dd>
          {status.serverFingerprint && (
            <>
              <dt>Server fingerprint</dt>
              <dd className="mono">{status.serverFingerprint}</dd>
            </>
          )}
          <dt>Last successful sync</dt>
          <dd>{when(status.lastSuccessAt)}</dd>
          <dt>Entries waiting</dt>
          <dd>{status.upToDate ? 'none' : status.pendingEntries}</dd>
          {status.lastError && (
            <>
              <dt>Last error</dt>
              <dd className="error">{status.lastError}</dd>
            </>
          )}
          {status.alerts.length > 0 && (
            <>
              <dt>Alerts</dt>
              <dd className="error">{status.alerts.length} tamper or rollback alert(s)</dd>
            </>
          )}
        </dl>
      )}
      {message && <p role="status">{message}</p>}
      <FormError text={error} />
      {canManage && status && (
        <div className="actions">
          {status.enrolled && status.transport === 'https' && (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  const r = await call(api.sync.now({}));
                  setMessage(r.error ? `The server could not be reached: ${r.error}` : `Sent ${r.pushed} batch(es); up to date: ${r.upToDate ? 'yes' : 'no'}.`);
                })
              }
            >
              Sync now
            </button>
          )}
          {!status.enrolled && (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  const r = await call(api.sync.requestEnrollment({}));
                  saveFile(r.fileName, r.content, 'application/json');
                  setRequest({ fingerprint: r.deviceFingerprint });
                })
              }
            >
              Create enrollment request
            </button>
          )}
        </div>
      )}
      {request && (
        <p>
          Give the request file to the hospital's server administrator and read them this device fingerprint: <span className="mono">{request.fingerprint}</span>
        </p>
      )}
      {canManage && status && !status.enrolled && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              const r = await call(api.sync.acceptEnrollment({ content: response }));
              setMessage(`Enrolled. Compare this server fingerprint with the administrator by phone: ${r.serverFingerprint}`);
              setResponse('');
            });
          }}
        >
          <label>
            Server's enrollment response (paste the file's content)
            <textarea value={response} onChange={(e) => setResponse(e.target.value)} rows={4} />
          </label>
          <button type="submit" disabled={busy || response.trim().length === 0}>
            Accept response
          </button>
        </form>
      )}
    </section>
  );
}
