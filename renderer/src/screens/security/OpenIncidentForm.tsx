import { useState, type FormEvent } from 'react';
import { securityCalls } from '../../../../shared/contract/security';
import { api } from '../../api/client';
import { CheckField, FormError, TextArea, TextField } from '../../components/Field';
import { useFormAction } from '../../hooks/useFormAction';
import { call } from '../../state/session';
import { useSecurityUi, type IncidentSeed } from './store';
import { useUsers } from './use-user-names';

const OpenInput = securityCalls['incidents.open'].input;

/** A datetime-local value as an ISO instant (the workstation's zone); invalid text is passed on for the schema to refuse. */
function instant(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

/**
 * Opens an incident by hand or from alerts; validated with the contract's own schema. The activity
 * window and the users involved decide the affected individuals later; from alerts, the core
 * defaults both from the alerts.
 */
export function OpenIncidentForm({ seed }: { seed: IncidentSeed }) {
  const clearSeed = useSecurityUi((s) => s.clearSeed);
  const showIncident = useSecurityUi((s) => s.showIncident);
  const users = useUsers();
  const [title, setTitle] = useState(seed.title);
  const [discovered, setDiscovered] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [actors, setActors] = useState<string[]>([]);
  const [notes, setNotes] = useState('');
  const { busy, error, errors, check, checkParsed, run } = useFormAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (Boolean(from) !== Boolean(to)) {
      check({ [from ? 'window.to' : 'window.from']: 'Give both ends of the window, or neither.' });
      return;
    }
    const input = {
      title,
      alertIds: seed.alertIds,
      notes,
      ...(discovered ? { discoveredAt: instant(discovered) } : {}),
      ...(from && to ? { window: { from: instant(from), to: instant(to) } } : {}),
      ...(actors.length > 0 ? { actorUserIds: actors } : {}),
    };
    const parsed = OpenInput.safeParse(input);
    if (!checkParsed(parsed)) return;
    await run(async () => {
      const v = await call(api.incidents.open(parsed.data));
      showIncident(v.id);
    });
  };

  return (
    <form className="card editor-form wide-form" onSubmit={submit} noValidate aria-label="Open an incident">
      <h3>Open an incident</h3>
      {seed.alertIds.length > 0 && <p className="small muted">From {seed.alertIds.length} alert{seed.alertIds.length === 1 ? '' : 's'}: unless you say otherwise, the activity window and the users involved come from them.</p>}
      <TextField label="Title" value={title} error={errors.title} maxLength={200} autoFocus onChange={(e) => setTitle(e.target.value)} hint="No names of the individuals involved." />
      <TextField
        label="Discovered at"
        type="datetime-local"
        value={discovered}
        error={errors.discoveredAt}
        onChange={(e) => setDiscovered(e.target.value)}
        hint="Leave empty for now. The 60-day notification clock starts on the local day of discovery (164.404)."
      />
      <fieldset>
        <legend>Activity to review (optional)</legend>
        <TextField label="From" type="datetime-local" value={from} error={errors['window.from'] ?? errors.window} onChange={(e) => setFrom(e.target.value)} />
        <TextField label="Until" type="datetime-local" value={to} error={errors['window.to']} onChange={(e) => setTo(e.target.value)} />
        {users && users.length > 0 && (
          <fieldset className="checks">
            <legend>Users involved</legend>
            {users.map((u) => (
              <CheckField key={u.id} label={`${u.displayName} (${u.username})`} checked={actors.includes(u.id)} onChange={(e) => setActors(e.target.checked ? [...actors, u.id] : actors.filter((x) => x !== u.id))} />
            ))}
          </fieldset>
        )}
      </fieldset>
      <TextArea label="Notes" value={notes} error={errors.notes} maxLength={4000} rows={3} onChange={(e) => setNotes(e.target.value)} />
      <FormError text={error} />
      <div className="actions">
        <button type="button" onClick={clearSeed}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          Open the incident
        </button>
      </div>
    </form>
  );
}
