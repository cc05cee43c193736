import { RecoveryKeyConfirm } from '../components/RecoveryKeyConfirm';
import { useSession } from '../state/session';

/** First run: the recovery key, shown once; the screen lets go of it once a group is typed back. */
export function RecoveryKey() {
  const key = useSession((s) => s.recoveryKey) ?? '';
  const confirmed = useSession((s) => s.recoveryConfirmed);
  return (
    <main className="auth-page">
      <RecoveryKeyConfirm
        recoveryKey={key}
        onConfirmed={confirmed}
        className="card auth-card"
        heading={{ level: 1, id: 'rk-title', text: 'Write down the recovery key' }}
        keyTestId="recovery-key"
        keyLabel="Recovery key"
        intro={
          <p>
            This key unlocks the vault if every administrator password is lost. It is shown <strong>once</strong> and not stored on this computer. Write
            it on paper and keep it in a safe.
          </p>
        }
      />
    </main>
  );
}
