import { Fragment, useCallback, useEffect, useState } from 'react';
import { ALERT_STATUSES, type AlertStatus, type SecurityAlert } from '../../../../shared/security/alerts';
import { api } from '../../api/client';
import { FormError } from '../../components/Field';
import { useFormAction } from '../../hooks/useFormAction';
import { messageOf } from '../../lib/errors';
import { call, useCan } from '../../state/session';
import { severityClass, when } from './format';
import { ReasonForm } from './ReasonForm';
import { useSecurityUi } from './store';
import { userLabel, useUsers } from './use-user-names';

type Decision = 'acknowledged' | 'dismissed';

/** Alerts from the detection rules, newest first; acknowledge, dismiss or open an incident. */
export function AlertsList() {
  const canManage = useCan('incidents.manage');
  const [status, setStatus] = useState<AlertStatus | ''>('');
  const [alerts, setAlerts] = useState<SecurityAlert[] | null>(null);
  const { busy, error, setError, run } = useFormAction();
  const [deciding, setDeciding] = useState<{ id: string; status: Decision } | null>(null);
  const users = useUsers();

  const refresh = useCallback(() => {
    call(api.alerts.list(status ? { status } : {})).then(
      (r) => setAlerts(r.alerts),
      (err: unknown) => setError(messageOf(err)),
    );
  }, [status]);
  useEffect(refresh, [refresh]);

  const act = (work: () => Promise<unknown>) =>
    run(async () => {
      await work();
      setDeciding(null);
      refresh();
    });
  const decide = (id: string, next: Decision, reason: string) => act(() => call(api.alerts.update({ id, status: next, reason })));
  const evaluate = () => act(() => call(api.alerts.evaluate({ verify: false })));

  return (
    <div>
      <div className="section-head">
        <h3>Alerts</h3>
        <label className="inline">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as AlertStatus | '')}>
            <option value="">All</option>
            {ALERT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={refresh} disabled={busy}>
          Refresh
        </button>
        {canManage && (
          <button type="button" onClick={() => void evaluate()} disabled={busy}>
            Run the detection rules now
          </button>
        )}
      </div>
      <FormError text={error} />
      {alerts === null ? (
        <p aria-busy="true">Loading alerts…</p>
      ) : (
        <table className="records" aria-label="Security alerts">
          <thead>
            <tr>
              <th>Severity</th>
              <th>Rule</th>
              <th>Happened</th>
              <th>Events</th>
              <th>Status</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <Fragment key={a.id}>
                <AlertRow alert={a} who={a.userId ? userLabel(users, a.userId) : null} canManage={canManage} busy={busy} onDecide={(s) => setDeciding({ id: a.id, status: s })} />
                {deciding?.id === a.id && (
                  <tr>
                    <td colSpan={6}>
                      <ReasonForm
                        label={`Reason to mark "${a.title}" ${deciding.status}`}
                        action={deciding.status === 'acknowledged' ? 'Acknowledge' : 'Dismiss'}
                        busy={busy}
                        onSubmit={(reason) => void decide(a.id, deciding.status, reason)}
                        onCancel={() => setDeciding(null)}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
            {alerts.length === 0 && (
              <tr>
                <td colSpan={6}>No alerts{status ? ` with status ${status}` : ''}.</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}

function AlertRow({ alert: a, who, canManage, busy, onDecide }: { alert: SecurityAlert; who: string | null; canManage: boolean; busy: boolean; onDecide(s: Decision): void }) {
  const openFromAlerts = useSecurityUi((s) => s.openFromAlerts);
  const showIncident = useSecurityUi((s) => s.showIncident);
  const workable = a.status === 'open' || a.status === 'acknowledged';
  return (
    <tr data-alert={a.rule} data-status={a.status}>
      <td>
        <span className={severityClass(a.severity)}>{a.severity}</span>
      </td>
      <td>
        {a.title}
        <div className="small muted">{a.rule}{who ? ` · ${who}` : ''}</div>
      </td>
      <td>{when(a.occurredAt)}</td>
      <td>{a.count}</td>
      <td>{a.status}</td>
      <td>
        <div className="row-actions">
          {canManage && workable && (
            <>
              {a.status === 'open' && (
                <button type="button" disabled={busy} onClick={() => onDecide('acknowledged')}>
                  Acknowledge…
                </button>
              )}
              <button type="button" disabled={busy} onClick={() => onDecide('dismissed')}>
                Dismiss…
              </button>
              <button type="button" disabled={busy} onClick={() => openFromAlerts({ alertIds: [a.id], title: `${a.title} (${new Date(a.occurredAt).toLocaleDateString()})` })}>
                Open incident
              </button>
            </>
          )}
          {a.incidentId && (
            <button type="button" className="link" onClick={() => showIncident(a.incidentId)}>
              See the incident
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
