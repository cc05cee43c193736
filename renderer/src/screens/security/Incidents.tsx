import { useCallback, useEffect, useState } from 'react';
import type { IncidentView } from '../../../../shared/security/incidents';
import { api } from '../../api/client';
import { FormError } from '../../components/Field';
import { messageOf } from '../../lib/errors';
import { saveFile } from '../../lib/save-file';
import { call, useCan } from '../../state/session';
import { days, INCIDENT_STATUS_LABELS } from './format';
import { IncidentDetail } from './IncidentDetail';
import { OpenIncidentForm } from './OpenIncidentForm';
import { useSecurityUi } from './store';

/** The incident register; one incident at a time in detail, or the form to open one. */
export function Incidents() {
  const seed = useSecurityUi((s) => s.seed);
  const incidentId = useSecurityUi((s) => s.incidentId);
  if (seed) return <OpenIncidentForm seed={seed} />;
  if (incidentId) return <IncidentDetail id={incidentId} />;
  return <Register />;
}

function Register() {
  const canManage = useCan('incidents.manage');
  const startManual = useSecurityUi((s) => s.startManual);
  const showIncident = useSecurityUi((s) => s.showIncident);
  const [incidents, setIncidents] = useState<IncidentView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(() => {
    call(api.incidents.list({})).then(
      (r) => setIncidents(r.incidents),
      (err: unknown) => setError(messageOf(err)),
    );
  }, []);
  useEffect(refresh, [refresh]);

  const download = async () => {
    setError(null);
    try {
      const file = await call(api.incidents.exportRegister({}));
      saveFile(file.fileName, file.data, 'text/csv;charset=utf-8');
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <div>
      <div className="section-head">
        <h3>Incident register</h3>
        {canManage && (
          <button type="button" onClick={startManual}>
            New incident
          </button>
        )}
        <button type="button" onClick={() => void download()}>
          Download the register (CSV)
        </button>
      </div>
      <FormError text={error} />
      {incidents === null ? (
        <p aria-busy="true">Loading incidents…</p>
      ) : (
        <table className="records" aria-label="Incidents">
          <thead>
            <tr>
              <th>No.</th>
              <th>Title</th>
              <th>Status</th>
              <th>Discovered</th>
              <th>Notify individuals by</th>
              <th>Affected</th>
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <tr key={i.id} data-incident={i.number}>
                <td>{i.number}</td>
                <td>
                  <button type="button" className="link" onClick={() => showIncident(i.id)}>
                    {i.title}
                  </button>
                </td>
                <td>{INCIDENT_STATUS_LABELS[i.status]}</td>
                <td>{i.plan.discoveryDate}</td>
                <td>
                  {i.plan.individuals.date}
                  {i.status !== 'closed' && <span className={i.daysLeft < 0 ? 'pill danger' : i.daysLeft <= 10 ? 'pill warn' : 'pill'}> {i.daysLeft < 0 ? `${days(-i.daysLeft)} overdue` : `${days(i.daysLeft)} left`}</span>}
                </td>
                <td>{i.affected ? i.affected.count : 'not computed'}</td>
              </tr>
            ))}
            {incidents.length === 0 && (
              <tr>
                <td colSpan={6}>No incidents recorded.</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}
