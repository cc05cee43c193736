import { LARGE_BREACH_THRESHOLD, NOTIFICATION_DAYS } from '../../../../shared/security/deadline';
import type { IncidentView } from '../../../../shared/security/incidents';
import { api } from '../../api/client';
import { FormError } from '../../components/Field';
import { useFormAction } from '../../hooks/useFormAction';
import { call } from '../../state/session';
import { days, when } from './format';

/**
 * The breach-notification clocks (164.404-408) and the affected-individuals count that decides
 * the HHS route: 500 or more means HHS and the media on the individuals' deadline, fewer means
 * the annual HHS log.
 */
export function NotificationPlan({ incident, canManage, onChange }: { incident: IncidentView; canManage: boolean; onChange(v: IncidentView): void }) {
  const { busy, error, run } = useFormAction();
  const { plan, daysLeft, affected, timeZone } = incident;

  const compute = () =>
    run(async () => {
      onChange((await call(api.incidents.computeAffected({ id: incident.id }))).incident);
    });

  return (
    <div className="two-col incident-plan">
      <section className="card" aria-labelledby="deadline-title">
        <h4 id="deadline-title">Notification deadlines</h4>
        <p data-testid="incident-deadline">
          Individuals: by <strong>{plan.individuals.date}</strong> ({timeZone}), {NOTIFICATION_DAYS} days after discovery.{' '}
          {incident.status !== 'closed' && (
            <span className={daysLeft < 0 ? 'pill danger' : daysLeft <= 10 ? 'pill warn' : 'pill'}>{daysLeft < 0 ? `${days(-daysLeft)} overdue` : `${days(daysLeft)} left`}</span>
          )}
        </p>
        <p data-testid="hhs-route">
          HHS:{' '}
          {plan.hhs.route === 'immediate' ? (
            <>
              now, with the individuals, by <strong>{plan.hhs.date}</strong>
            </>
          ) : (
            <>
              annual breach log, by <strong>{plan.hhs.date}</strong>
            </>
          )}
        </p>
        <p>Media: {plan.media ? <strong>by {plan.media.date}</strong> : 'not required'}</p>
      </section>
      <section className="card" aria-labelledby="affected-title">
        <h4 id="affected-title">Affected individuals</h4>
        <p data-testid="affected-count">
          {affected ? (
            <>
              <strong>{affected.count}</strong> {affected.count === 1 ? 'person' : 'people'} (computed {when(affected.computedAt)}{affected.viaExport ? ', including exports' : ''})
            </>
          ) : (
            'Not computed yet.'
          )}
        </p>
        <p data-testid="threshold-flag">
          {plan.largeBreach ? (
            <span className="pill danger">{LARGE_BREACH_THRESHOLD} or more: notify HHS and the media now</span>
          ) : (
            <span className="pill">Under {LARGE_BREACH_THRESHOLD}: HHS annual log</span>
          )}
        </p>
        <FormError text={error} />
        {canManage && incident.status !== 'closed' && (
          <button type="button" disabled={busy} onClick={() => void compute()}>
            {affected ? 'Compute again' : 'Compute affected individuals'}
          </button>
        )}
        <p className="small muted">From the audit trail: the person records the users involved read or exported in the activity window.</p>
      </section>
    </div>
  );
}
