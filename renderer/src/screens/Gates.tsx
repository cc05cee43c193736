import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { FormError, TextField } from '../components/Field';
import { useFormAction } from '../hooks/useFormAction';
import { messageOf, type FieldErrors } from '../lib/errors';
import { call, useSession } from '../state/session';

function SignOut() {
  const signOut = async () => {
    await api.auth.logout({});
    window.location.reload();
  };
  return (
    <button type="button" className="link" onClick={() => void signOut()}>
      Sign out
    </button>
  );
}

/** The confidentiality notice every user accepts (again when its version changes). */
export function Consent() {
  const setSession = useSession((s) => s.setSession);
  const [notice, setNotice] = useState<{ version: string; text: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call(api.auth.notice({})).then(setNotice, (err: unknown) => setError(messageOf(err)));
  }, []);
  const accept = async () => {
    if (!notice) return;
    try {
      setSession(await call(api.auth.acceptNotice({ version: notice.version })));
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <main className="auth-page">
      <section className="card auth-card wide" aria-labelledby="consent-title">
        <h1 id="consent-title">Confidentiality notice</h1>
        {notice ? (
          <div className="notice-text" tabIndex={0} aria-label="Notice text">
            {notice.text.split(/\n{2,}/).map((para, i) => (
              <p key={i}>{para.replace(/^#+\s*/, '')}</p>
            ))}
          </div>
        ) : (
          !error && <p>Loading…</p>
        )}
        <FormError text={error} />
        <div className="actions">
          <SignOut />
          <button type="button" className="primary" disabled={!notice} onClick={() => void accept()}>
            I accept
          </button>
        </div>
      </section>
    </main>
  );
}

/** Change one's password: forced after a temporary password, or from the account menu. */
export function PasswordChangeForm({ onDone, title }: { onDone?: () => void; title: string }) {
  const setSession = useSession((s) => s.setSession);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, errors, check, run } = useFormAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: FieldErrors = {};
    if (!current) errs.currentPassword = 'required';
    if (!next) errs.newPassword = 'required';
    if (next !== confirm) errs.confirm = 'does not match the new password';
    if (!check(errs)) return;
    await run(async () => {
      setSession(await call(api.auth.changePassword({ currentPassword: current, newPassword: next })));
      setCurrent('');
      setNext('');
      setConfirm('');
      onDone?.();
    });
  };
  return (
    <form onSubmit={submit} noValidate aria-label={title}>
      <TextField label="Current (or temporary) password" type="password" name="currentPassword" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={errors.currentPassword} />
      <TextField label="New password" type="password" name="newPassword" autoComplete="new-password" hint="At least 15 characters (8 with an authenticator)." value={next} onChange={(e) => setNext(e.target.value)} error={errors.newPassword} />
      <TextField label="Repeat the new password" type="password" name="confirm" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.confirm} />
      <FormError text={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Change password
        </button>
      </div>
    </form>
  );
}

export function PasswordChange() {
  return (
    <main className="auth-page">
      <section className="card auth-card" aria-labelledby="pw-title">
        <h1 id="pw-title">Choose a new password</h1>
        <p className="muted">You signed in with a temporary password. Choose your own to continue.</p>
        <PasswordChangeForm title="Choose a new password" />
        <SignOut />
      </section>
    </main>
  );
}

/** TOTP enrollment: required for some roles by policy, optional for others. */
export function MfaEnrollForm({ onDone }: { onDone?: () => void }) {
  const setSession = useSession((s) => s.setSession);
  const [setup, setSetup] = useState<{ secret: string; qrDataUrl: string } | null>(null);
  const [otp, setOtp] = useState('');
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [pendingSession, setPendingSession] = useState<Parameters<typeof setSession>[0]>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call(api.auth.mfaBegin({})).then(setSetup, (err: unknown) => setError(messageOf(err)));
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await call(api.auth.mfaConfirm({ otp: otp.trim(), currentPassword: password }));
      setCodes(r.recoveryCodes);
      // Keep the gate until the codes were seen: switching session now would leave this screen.
      setPendingSession(r.session);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  if (codes) {
    return (
      <div>
        <h2>Recovery codes</h2>
        <p>Each code signs you in once if you lose your phone. They are shown only now: print or write them down.</p>
        <ul className="codes" data-testid="mfa-recovery-codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <div className="actions">
          <button
            type="button"
            className="primary"
            onClick={() => {
              setSession(pendingSession);
              onDone?.();
            }}
          >
            I saved them
          </button>
        </div>
      </div>
    );
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Set up an authenticator">
      {setup ? (
        <div className="mfa-setup">
          <img src={setup.qrDataUrl} alt="QR code to scan with an authenticator app" width={180} height={180} />
          <div>
            <p>Scan the code with an authenticator app, or type this key into it:</p>
            <p>
              <code data-testid="mfa-secret">{setup.secret}</code>
            </p>
          </div>
        </div>
      ) : (
        !error && <p>Preparing…</p>
      )}
      <TextField label="Six-digit code from the app" name="otp" inputMode="numeric" autoComplete="one-time-code" value={otp} onChange={(e) => setOtp(e.target.value)} />
      <TextField label="Your password" type="password" name="currentPassword" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      <FormError text={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={!setup}>
          Turn on
        </button>
      </div>
    </form>
  );
}

export function MfaEnroll() {
  return (
    <main className="auth-page">
      <section className="card auth-card wide" aria-labelledby="mfa-title">
        <h1 id="mfa-title">Set up two-step sign-in</h1>
        <p className="muted">Your role requires a code from an authenticator app at each sign-in.</p>
        <MfaEnrollForm />
        <SignOut />
      </section>
    </main>
  );
}
