import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { IanaTimeZone } from '../../../shared/contract/auth';
import { Username } from '../../../shared/accounts/username';
import { api, unwrap } from '../api/client';
import { CheckField, FormError, TextField } from '../components/Field';
import { useFormAction } from '../hooks/useFormAction';
import { useSession } from '../state/session';

// The same rules the contract applies (auth.setup), so most mistakes show before the round trip.
const SetupForm = z
  .object({
    programName: z.string().trim().min(2, 'at least 2 characters').max(120),
    institution: z.string().trim().max(120),
    timeZone: IanaTimeZone,
    username: Username,
    displayName: z.string().trim().min(1, 'required').max(120),
    email: z.email('must be an email address').max(254),
    password: z.string().min(1, 'required').max(1024),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'does not match the password' });

function guessZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'America/New_York';
  } catch {
    return 'America/New_York';
  }
}

/** First run: the encrypted vault, the program and its first administrator. */
export function Setup() {
  const setupDone = useSession((s) => s.setupDone);
  const [v, setV] = useState({ programName: '', institution: '', timeZone: guessZone(), username: '', displayName: '', email: '', password: '', confirm: '' });
  const [demo, setDemo] = useState(true);
  const { busy, error, errors, checkParsed, run } = useFormAction('admin.');
  const bind = (name: keyof typeof v) => ({
    name,
    value: v[name],
    error: errors[name],
    onChange: (e: { target: { value: string } }) => setV((old) => ({ ...old, [name]: e.target.value })),
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!checkParsed(SetupForm.safeParse(v))) return;
    await run(async () => {
      const r = await unwrap(
        api.auth.setup({
          programName: v.programName,
          ...(v.institution.trim() ? { institution: v.institution } : {}),
          timeZone: v.timeZone,
          admin: { username: v.username, displayName: v.displayName, email: v.email, password: v.password },
        }),
      );
      setupDone(r.recoveryKey, v.username, demo);
    });
  };

  return (
    <main className="auth-page">
      <form className="card auth-card wide" onSubmit={submit} noValidate aria-labelledby="setup-title">
        <h1 id="setup-title">Set up Residency Scheduler</h1>
        <p className="muted" data-testid="vault-state">
          No vault yet: set one up to begin. This creates an encrypted vault on this computer; everything you enter stays in it.
        </p>
        <fieldset>
          <legend>Program</legend>
          <TextField label="Program name" autoComplete="off" {...bind('programName')} />
          <TextField label="Institution (optional)" autoComplete="off" {...bind('institution')} />
          <TextField label="Time zone" hint="IANA name, e.g. America/New_York" {...bind('timeZone')} />
        </fieldset>
        <fieldset>
          <legend>First administrator</legend>
          <TextField label="User name" autoComplete="username" {...bind('username')} />
          <TextField label="Full name" {...bind('displayName')} />
          <TextField label="Email" type="email" {...bind('email')} />
          <TextField label="Password" type="password" autoComplete="new-password" hint="At least 15 characters; a passphrase of several words works well." {...bind('password')} />
          <TextField label="Repeat the password" type="password" autoComplete="new-password" {...bind('confirm')} />
        </fieldset>
        <CheckField label="Add the demo program (synthetic residents, rotations and a year of call)" checked={demo} onChange={(e) => setDemo(e.target.checked)} />
        <FormError text={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating the vault…' : 'Create the vault'}
          </button>
        </div>
      </form>
    </main>
  );
}
