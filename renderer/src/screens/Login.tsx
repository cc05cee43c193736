import { useState, type FormEvent } from 'react';
import { authCalls } from '../../../shared/contract/auth';
import { api, CallError, unwrap } from '../api/client';
import { FormError, TextField } from '../components/Field';
import { useFormAction } from '../hooks/useFormAction';
import { messageOf, zodFieldErrors } from '../lib/errors';
import { useSession } from '../state/session';

/** Sign-in, which also unlocks the vault; the lock screen is this same screen after a lock. */
export function Login() {
  const { setSession, lastUsername, status } = useSession();
  const [username, setUsername] = useState(lastUsername);
  const [password, setPassword] = useState('');
  const [otp, setOtp] = useState('');
  const [needOtp, setNeedOtp] = useState(false);
  const [useRecovery, setUseRecovery] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [recovering, setRecovering] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  if (recovering)
    return (
      <RecoverPassword
        username={username}
        onCancel={() => setRecovering(false)}
        onDone={(name) => {
          setUsername(name);
          setPassword('');
          setNeedOtp(false);
          setError(null);
          setNotice('Your password was reset. Sign in with the new one.');
          setRecovering(false);
        }}
      />
    );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    if (!username.trim() || !password) {
      setError('Enter your user name and password.');
      return;
    }
    setBusy(true);
    try {
      const code = otp.trim();
      const info = await unwrap(
        api.auth.login({ username: username.trim(), password, ...(needOtp && code ? (useRecovery ? { recoveryCode: code } : { otp: code }) : {}) }),
      );
      setPassword('');
      setSession(info);
    } catch (err) {
      if (err instanceof CallError && err.code === 'MFA_REQUIRED') {
        setNeedOtp(true);
        setError(needOtp ? 'That code was not accepted. Try the current one.' : null);
      } else {
        setError(messageOf(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <h1 id="login-title">{status?.vault === 'locked' ? 'Vault locked' : 'Sign in'}</h1>
        <p className="muted" data-testid="vault-state">
          {status?.vault === 'locked' ? 'Vault locked: sign in to continue.' : 'Sign in to continue.'}
        </p>
        <TextField label="User name" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus={!username} />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus={!!username} />
        {needOtp && (
          <>
            <TextField
              label={useRecovery ? 'Recovery code' : 'Code from your authenticator app'}
              name="otp"
              inputMode={useRecovery ? 'text' : 'numeric'}
              autoComplete="one-time-code"
              value={otp}
              onChange={(e) => setOtp(e.target.value)}
              autoFocus
            />
            <button type="button" className="link" onClick={() => setUseRecovery((u) => !u)}>
              {useRecovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
            </button>
          </>
        )}
        {notice && <p role="status">{notice}</p>}
        <FormError text={error} />
        <div className="actions">
          <button type="button" className="link" onClick={() => setRecovering(true)}>
            Forgot your password?
          </button>
          <span className="spacer" />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </main>
  );
}

const RecoverInput = authCalls['auth.recover'].input;

/**
 * Forgotten password or locked account: the program's recovery key (written down at setup) sets a
 * new password and unlocks the account. The core checks the password policy and audits it.
 */
function RecoverPassword({ username: initial, onCancel, onDone }: { username: string; onCancel(): void; onDone(username: string): void }) {
  const [v, setV] = useState({ username: initial, recoveryKey: '', newPassword: '', confirm: '' });
  const { busy, error, errors, check, run } = useFormAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = RecoverInput.safeParse({ username: v.username.trim(), recoveryKey: v.recoveryKey.trim(), newPassword: v.newPassword });
    const errs = parsed.success ? {} : zodFieldErrors(parsed.error);
    if (v.newPassword !== v.confirm) errs.confirm = 'does not match the new password';
    if (!check(errs) || !parsed.success) return;
    await run(async () => {
      await unwrap(api.auth.recover(parsed.data));
      onDone(parsed.data.username);
    });
  };
  const bind = (name: keyof typeof v) => ({ name, value: v[name], error: errors[name], onChange: (e: { target: { value: string } }) => setV((o) => ({ ...o, [name]: e.target.value })) });
  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit} noValidate aria-labelledby="recover-title">
        <h1 id="recover-title">Reset your password</h1>
        <p className="muted">Use the recovery key written down when this vault was set up. It sets a new password and unlocks the account; the reset is recorded in the audit trail.</p>
        <TextField label="User name" autoComplete="username" autoFocus={!v.username} {...bind('username')} />
        <TextField label="Recovery key" autoComplete="off" spellCheck={false} autoFocus={!!v.username} hint="Eight groups, dashes optional" {...bind('recoveryKey')} />
        <TextField label="New password" type="password" autoComplete="new-password" hint="At least 15 characters (8 with an authenticator)." {...bind('newPassword')} />
        <TextField label="Repeat the new password" type="password" autoComplete="new-password" {...bind('confirm')} />
        <FormError text={error} />
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Back to sign-in
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Resetting…' : 'Reset password'}
          </button>
        </div>
      </form>
    </main>
  );
}
