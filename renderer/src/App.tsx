import { useEffect } from 'react';
import { Setup } from './screens/Setup';
import { RecoveryKey } from './screens/RecoveryKey';
import { Login } from './screens/Login';
import { Consent, MfaEnroll, PasswordChange } from './screens/Gates';
import { Workspace } from './screens/Workspace';
import { DestructionDone } from './screens/admin/EmergencyDestruction';
import { phaseOf, useSession } from './state/session';

/** Routes by where the person stands: first run, signed out, a gate to clear, or the workspace. */
export function App() {
  const load = useSession((s) => s.load);
  const phase = useSession(phaseOf);
  const destroyed = useSession((s) => s.destroyed);
  useEffect(() => {
    void load();
  }, [load]);

  switch (phase) {
    case 'loading':
      return (
        <main className="auth-page" aria-busy="true">
          <p>Loading…</p>
        </main>
      );
    case 'unreachable':
      return (
        <main className="auth-page">
          <p role="alert" className="error">
            The application core could not be reached.
          </p>
        </main>
      );
    case 'destroyed':
      return destroyed && <DestructionDone summary={destroyed} />;
    case 'setup':
      return <Setup />;
    case 'recovery-key':
      return <RecoveryKey />;
    case 'login':
      return <Login />;
    case 'consent':
      return <Consent />;
    case 'password_change':
      return <PasswordChange />;
    case 'mfa_enrollment':
      return <MfaEnroll />;
    case 'app':
      return <Workspace />;
  }
}
