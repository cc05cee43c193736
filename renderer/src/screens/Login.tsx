import { useState, type FormEvent } from 'react';
import { api, CallError, unwrap } from '../api/client';
import { FormError, TextField } from '../components/Field';
import { messageOf } from '../lib/errors';
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

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
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
        <FormError text={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </main>
  );
}
