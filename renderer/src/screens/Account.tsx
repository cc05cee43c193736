import { useState, type FormEvent } from 'react';
import { authCalls } from '../../../shared/contract/auth';
import { ROLE_LABELS } from '../../../shared/rbac';
import { api } from '../api/client';
import { FormError, TextArea, TextField } from '../components/Field';
import { useFormAction } from '../hooks/useFormAction';
import { messageOf } from '../lib/errors';
import { useSchedule } from '../state/schedule';
import { call, useCan, useSession } from '../state/session';
import { MfaEnrollForm, PasswordChangeForm } from './Gates';

/** The signed-in person's own account: password, two-step sign-in. */
export function AccountPanel() {
  const session = useSession((s) => s.session);
  const setSession = useSession((s) => s.setSession);
  const [enrolling, setEnrolling] = useState(false);
  const [changed, setChanged] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!session) return null;
  const disable = async () => {
    setError(null);
    try {
      setSession(await call(api.auth.mfaDisable({ currentPassword: password })));
      setPassword('');
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <section className="account" aria-labelledby="account-title">
      <h2 id="account-title">My account</h2>
      <dl className="stats">
        <div>
          <dt>Name</dt>
          <dd>{session.displayName}</dd>
        </div>
        <div>
          <dt>User name</dt>
          <dd>{session.username}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{ROLE_LABELS[session.role]}</dd>
        </div>
      </dl>
      <div className="two-col">
        <div className="card">
          <h3>Password</h3>
          {changed && <p role="status">Your password was changed.</p>}
          <PasswordChangeForm title="Change password" onDone={() => setChanged(true)} />
        </div>
        <div className="card">
          <h3>Two-step sign-in</h3>
          {session.mfaEnrolled ? (
            <>
              <p>An authenticator app is set up for this account.</p>
              {!session.mfaRequired && (
                <>
                  <TextField label="Your password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
                  <FormError text={error} />
                  <button type="button" onClick={() => void disable()}>
                    Turn off
                  </button>
                </>
              )}
            </>
          ) : enrolling ? (
            <MfaEnrollForm onDone={() => setEnrolling(false)} />
          ) : (
            <button type="button" onClick={() => setEnrolling(true)}>
              Set up an authenticator
            </button>
          )}
        </div>
        <BreakGlass />
      </div>
    </section>
  );
}

const BreakGlassInput = authCalls['auth.breakGlass'].input;

/**
 * Emergency access (break-glass): a stated reason and proof that someone trusted agrees (the
 * program's recovery key, or a second administrator at this computer). Read-only, time-limited,
 * every action audited at high severity; the top bar shows it while it lasts.
 */
function BreakGlass() {
  const session = useSession((s) => s.session);
  const setSession = useSession((s) => s.setSession);
  const allowed = useCan('breakglass.use');
  const [open, setOpen] = useState(false);
  const [v, setV] = useState({ reason: '', proof: 'recovery_key' as 'recovery_key' | 'admin_approval', recoveryKey: '', username: '', password: '', otp: '' });
  const { busy, error, errors, setError, checkParsed, run } = useFormAction();
  if (!session || (!allowed && !session.breakGlass)) return null;

  // Restricted fields (absence reasons) arrive filtered by the session's permissions: fetch them again.
  const refresh = () => void useSchedule.getState().reloadList('absences');

  const start = async (e: FormEvent) => {
    e.preventDefault();
    const proof = v.proof === 'recovery_key' ? { kind: v.proof, recoveryKey: v.recoveryKey.trim() } : { kind: v.proof, username: v.username.trim(), password: v.password, ...(v.otp.trim() ? { otp: v.otp.trim() } : {}) };
    const parsed = BreakGlassInput.safeParse({ reason: v.reason, proof });
    if (!checkParsed(parsed)) return;
    await run(async () => {
      setSession(await call(api.auth.breakGlass(parsed.data)));
      setV((o) => ({ ...o, reason: '', recoveryKey: '', password: '', otp: '' }));
      setOpen(false);
      refresh();
    });
  };
  const end = async () => {
    setError(null);
    try {
      setSession(await call(api.auth.endBreakGlass({})));
      refresh();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const bind = (name: 'reason' | 'recoveryKey' | 'username' | 'password' | 'otp', errorKey: string) => ({
    name,
    value: v[name],
    error: errors[errorKey],
    onChange: (e: { target: { value: string } }) => setV((o) => ({ ...o, [name]: e.target.value })),
  });

  return (
    <div className="card" data-testid="break-glass">
      <h3>Emergency access</h3>
      {session.breakGlass ? (
        <>
          <p role="status">
            Emergency access is on until {new Date(session.breakGlass.until).toLocaleTimeString()}. It adds read access only, and every action is recorded at high severity.
          </p>
          <FormError text={error} />
          <button type="button" className="primary" onClick={() => void end()}>
            End emergency access
          </button>
        </>
      ) : !open ? (
        <>
          <p className="muted">For an emergency only: read access to schedules, people and absence details for a limited time, with every action recorded at high severity.</p>
          <button type="button" onClick={() => setOpen(true)}>
            Request emergency access…
          </button>
        </>
      ) : (
        <form onSubmit={start} noValidate aria-label="Request emergency access">
          <TextArea label="Reason" rows={3} hint="At least 10 characters; it is recorded in the audit trail." {...bind('reason', 'reason')} />
          <fieldset>
            <legend>Approved by</legend>
            <label className="inline">
              <input type="radio" name="proof" value="recovery_key" checked={v.proof === 'recovery_key'} onChange={() => setV((o) => ({ ...o, proof: 'recovery_key' }))} />
              <span>The program's recovery key</span>
            </label>{' '}
            <label className="inline">
              <input type="radio" name="proof" value="admin_approval" checked={v.proof === 'admin_approval'} onChange={() => setV((o) => ({ ...o, proof: 'admin_approval' }))} />
              <span>An administrator at this computer</span>
            </label>
          </fieldset>
          {v.proof === 'recovery_key' ? (
            <TextField label="Recovery key" autoComplete="off" spellCheck={false} {...bind('recoveryKey', 'proof.recoveryKey')} />
          ) : (
            <>
              <TextField label="Administrator's user name" autoComplete="off" {...bind('username', 'proof.username')} />
              <TextField label="Administrator's password" type="password" autoComplete="off" {...bind('password', 'proof.password')} />
              <TextField label="Administrator's authenticator code" inputMode="numeric" autoComplete="off" hint="If the administrator uses an authenticator app" {...bind('otp', 'proof.otp')} />
            </>
          )}
          <FormError text={error} />
          <div className="actions">
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy}>
              Start emergency access
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
