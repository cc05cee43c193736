import { useCallback, useEffect, useState } from 'react';
import type { IncidentView } from '../../../../shared/security/incidents';
import { api } from '../../api/client';
import { FormError } from '../../components/Field';
import { messageOf } from '../../lib/errors';
import { call, useCan } from '../../state/session';
import { DETERMINATION_LABELS, INCIDENT_STATUS_LABELS, when } from './format';
import { IncidentDrafts } from './IncidentDrafts';
import { NotificationPlan } from './NotificationPlan';
import { RiskAssessmentForm } from './RiskAssessmentForm';
import { StatusChange } from './StatusChange';
import { useSecurityUi } from './store';
import { userLabel, useUsers } from './use-user-names';

/** One incident: its clocks, the affected count, the four-factor assessment, status and drafts. */
export function IncidentDetail({ id }: { id: string }) {
  const canManage = useCan('incidents.manage');
  const back = useSecurityUi((s) => s.showIncident);
  const users = useUsers();
  const [incident, setIncident] = useState<IncidentView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    call(api.incidents.get({ id })).then(setIncident, (err: unknown) => setError(messageOf(err)));
  }, [id]);
  useEffect(load, [load]);

  if (!incident) return error ? <FormError text={error} /> : <p aria-busy="true">Loading the incident…</p>;
  return (
    <article className="incident" aria-labelledby="incident-title">
      <div className="section-head">
        <button type="button" onClick={() => back(null)}>
          ← Register
        </button>
        <h3 id="incident-title">
          Incident {incident.number}: {incident.title}
        </h3>
        <span className="pill" data-testid="incident-status">
          {INCIDENT_STATUS_LABELS[incident.status]}
        </span>
      </div>
      <dl className="kv wide-kv">
        <dt>Opened</dt>
        <dd>
          {when(incident.openedAt)} ({incident.source === 'alert' ? `from ${incident.alertIds.length} alert${incident.alertIds.length === 1 ? '' : 's'}` : 'by hand'})
        </dd>
        <dt>Discovered</dt>
        <dd data-testid="discovery-date">
          {incident.plan.discoveryDate} ({incident.timeZone})
        </dd>
        <dt>Activity window</dt>
        <dd>
          {when(incident.window.from)} – {when(incident.window.to)}
        </dd>
        <dt>Users involved</dt>
        <dd>{incident.actorUserIds.length > 0 ? incident.actorUserIds.map((u) => userLabel(users, u)).join(', ') : 'none named'}</dd>
        {incident.determination && (
          <>
            <dt>Determination</dt>
            <dd data-testid="determination">
              {DETERMINATION_LABELS[incident.determination]}
              <ul className="plain small">
                {incident.determinationReasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {incident.notes && (
          <>
            <dt>Notes</dt>
            <dd>{incident.notes}</dd>
          </>
        )}
      </dl>
      <NotificationPlan incident={incident} canManage={canManage} onChange={setIncident} />
      <RiskAssessmentForm incident={incident} readOnly={!canManage || incident.status === 'closed'} onSaved={setIncident} />
      {canManage && <StatusChange incident={incident} onChanged={setIncident} />}
      {canManage && <IncidentDrafts incident={incident} />}
    </article>
  );
}
