import { useCallback, useEffect, useState } from 'react';
import { SYNC_INTERVAL_MINUTES, type SyncStatusView } from '../../../shared/contract/sync';
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
  const [minutes, setMinutes] = useState('');
  const [reason, setReason] = useState('');

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
          <dt>Security alerts waiting</dt>
          <dd data-testid="alerts-waiting">{status.securityAlertsWaiting === 0 ? 'none' : status.securityAlertsWaiting}</dd>
          <dt>Pushes on its own</dt>
          <dd>every {status.intervalMinutes} min{status.agentRunning ? '' : ' (not running now)'}</dd>
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
      {canManage && status?.enrolled && <IntervalForm status={status} busy={busy} minutes={minutes} setMinutes={setMinutes} run={run} setMessage={setMessage} />}
      {canManage && status?.halted && (
        <form
          aria-label="Resume pushing"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await call(api.sync.resume({ reason }));
              setReason('');
              setMessage('Pushing resumed. The alerts stay on record.');
            });
          }}
        >
          <label>
            What the investigation found (recorded in the audit trail)
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} />
          </label>
          <button type="submit" disabled={busy || reason.trim().length < 3}>
            Resume pushing
          </button>
        </form>
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

/** How often the device pushes on its own while the vault is open (sync.setInterval). */
function IntervalForm(p: {
  status: SyncStatusView;
  busy: boolean;
  minutes: string;
  setMinutes(v: string): void;
  run(work: () => Promise<void>): Promise<void>;
  setMessage(m: string): void;
}) {
  const value = p.minutes === '' ? String(p.status.intervalMinutes) : p.minutes;
  const n = Number(value);
  const valid = Number.isInteger(n) && n >= SYNC_INTERVAL_MINUTES.min && n <= SYNC_INTERVAL_MINUTES.max;
  return (
    <form
      aria-label="Sync interval"
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        void p.run(async () => {
          const r = await call(api.sync.setInterval({ minutes: n }));
          p.setMinutes('');
          p.setMessage(`The device now pushes every ${r.intervalMinutes} minutes.`);
        });
      }}
    >
      <label>
        Push every (minutes)
        <input
          type="number"
          min={SYNC_INTERVAL_MINUTES.min}
          max={SYNC_INTERVAL_MINUTES.max}
          value={value}
          aria-invalid={!valid}
          aria-describedby="interval-hint"
          onChange={(e) => p.setMinutes(e.target.value)}
        />
      </label>
      <span id="interval-hint" className={valid ? 'small muted' : 'small error'}>
        {SYNC_INTERVAL_MINUTES.min} to {SYNC_INTERVAL_MINUTES.max} minutes
      </span>
      <button type="submit" disabled={p.busy || !valid || n === p.status.intervalMinutes}>
        Save interval
      </button>
    </form>
  );
}
