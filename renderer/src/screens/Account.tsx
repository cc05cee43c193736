import { useState } from 'react';
import { ROLE_LABELS } from '../../../shared/rbac';
import { api } from '../api/client';
import { FormError, TextField } from '../components/Field';
import { messageOf } from '../lib/errors';
import { call, useSession } from '../state/session';
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
      </div>
    </section>
  );
}
