import { useState, type FormEvent } from 'react';
import { securityCalls } from '../../../../shared/contract/security';
import { api } from '../../api/client';
import { FormError, TextArea, TextField } from '../../components/Field';
import { callFieldErrors, messageOf, zodFieldErrors, type FieldErrors } from '../../lib/errors';
import { call } from '../../state/session';
import { useSecurityUi, type IncidentSeed } from './store';

const OpenInput = securityCalls['incidents.open'].input;

/** Opens an incident by hand or from alerts; validated with the contract's own schema. */
export function OpenIncidentForm({ seed }: { seed: IncidentSeed }) {
  const clearSeed = useSecurityUi((s) => s.clearSeed);
  const showIncident = useSecurityUi((s) => s.showIncident);
  const [title, setTitle] = useState(seed.title);
  const [discovered, setDiscovered] = useState('');
  const [notes, setNotes] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const at = new Date(discovered);
    const input = { title, alertIds: seed.alertIds, notes, ...(discovered ? { discoveredAt: Number.isNaN(at.getTime()) ? discovered : at.toISOString() } : {}) };
    const parsed = OpenInput.safeParse(input);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setBusy(true);
    try {
      const v = await call(api.incidents.open(parsed.data));
      showIncident(v.id);
    } catch (err) {
      setErrors(callFieldErrors(err) ?? {});
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card editor-form wide-form" onSubmit={submit} noValidate aria-label="Open an incident">
      <h3>Open an incident</h3>
      {seed.alertIds.length > 0 && <p className="small muted">From {seed.alertIds.length} alert{seed.alertIds.length === 1 ? '' : 's'}: the activity window and the users involved come from them.</p>}
      <TextField label="Title" value={title} error={errors.title} maxLength={200} autoFocus onChange={(e) => setTitle(e.target.value)} hint="No names of the individuals involved." />
      <TextField
        label="Discovered at"
        type="datetime-local"
        value={discovered}
        error={errors.discoveredAt}
        onChange={(e) => setDiscovered(e.target.value)}
        hint="Leave empty for now. The 60-day notification clock starts on the local day of discovery (164.404)."
      />
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
