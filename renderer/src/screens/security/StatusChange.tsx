import { useState } from 'react';
import { INCIDENT_TRANSITIONS, type IncidentStatus, type IncidentView } from '../../../../shared/security/incidents';
import { api } from '../../api/client';
import { FormError } from '../../components/Field';
import { useFormAction } from '../../hooks/useFormAction';
import { call } from '../../state/session';
import { INCIDENT_STATUS_LABELS } from './format';
import { ReasonForm } from './ReasonForm';

/** Moves an incident along its allowed transitions, each with a reason for the audit trail. */
export function StatusChange({ incident, onChanged }: { incident: IncidentView; onChanged(v: IncidentView): void }) {
  const [next, setNext] = useState<IncidentStatus | null>(null);
  const { busy, error, run } = useFormAction();
  const moves = INCIDENT_TRANSITIONS[incident.status];

  const submit = (status: IncidentStatus, reason: string) =>
    run(async () => {
      onChanged(await call(api.incidents.setStatus({ id: incident.id, status, reason })));
      setNext(null);
    });

  return (
    <section className="card" aria-labelledby="status-title">
      <h4 id="status-title">Status: {INCIDENT_STATUS_LABELS[incident.status]}</h4>
      <div className="row-actions">
        {moves.map((s) => (
          <button key={s} type="button" disabled={busy} aria-pressed={next === s} onClick={() => setNext(s)}>
            {s === 'investigating' && incident.status === 'closed' ? 'Re-open' : `Move to ${INCIDENT_STATUS_LABELS[s].toLowerCase()}`}…
          </button>
        ))}
      </div>
      {next && (
        <ReasonForm
          key={next}
          label={`Reason for moving to ${INCIDENT_STATUS_LABELS[next].toLowerCase()}`}
          action={`Move to ${INCIDENT_STATUS_LABELS[next].toLowerCase()}`}
          busy={busy}
          onSubmit={(reason) => void submit(next, reason)}
          onCancel={() => setNext(null)}
        />
      )}
      <FormError text={error} />
    </section>
  );
}
