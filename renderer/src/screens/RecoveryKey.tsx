import { useMemo, useState, type FormEvent } from 'react';
import { FormError, TextField } from '../components/Field';
import { useSession } from '../state/session';

/** Look-alike letters are forgiven, as the core does when the key is used. */
const norm = (s: string): string => s.replace(/[\s-]+/g, '').toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0');

/**
 * The recovery key, shown once: the core forgets it. The administrator proves they wrote it down by
 * typing one group of it back; only then does the screen let go of it.
 */
export function RecoveryKey() {
  const key = useSession((s) => s.recoveryKey) ?? '';
  const confirmed = useSession((s) => s.recoveryConfirmed);
  const groups = useMemo(() => key.split('-'), [key]);
  // Which group to retype: fixed for this screen, not the first (people copy the start first).
  const [which] = useState(() => 1 + Math.floor(Math.random() * Math.max(1, groups.length - 1)));
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (norm(typed) !== norm(groups[which] ?? '')) {
      setError(`That is not group ${which + 1}. Check what you wrote down.`);
      return;
    }
    confirmed();
  };

  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit} noValidate aria-labelledby="rk-title">
        <h1 id="rk-title">Write down the recovery key</h1>
        <p>
          This key unlocks the vault if every administrator password is lost. It is shown <strong>once</strong> and not stored
          on this computer. Write it on paper and keep it in a safe.
        </p>
        <p className="recovery-key" data-testid="recovery-key" aria-label="Recovery key">
          {groups.map((g, i) => (
            <span key={i} className="rk-group">
              <span className="rk-index">{i + 1}</span>
              {g}
            </span>
          ))}
        </p>
        <TextField label={`Type group ${which + 1} of the key to confirm`} name="group" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} error={error ?? undefined} data-group={which + 1} />
        <FormError text={null} />
        <div className="actions">
          <button type="submit" className="primary">
            I wrote it down
          </button>
        </div>
      </form>
    </main>
  );
}
