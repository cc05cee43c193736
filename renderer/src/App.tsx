import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { AppStatus } from '../../shared/contract/system';
import { api, CallError, unwrap } from './api/client';

type Status = z.infer<typeof AppStatus>;

const VAULT_STATE_TEXT: Record<Status['vault'], string> = {
  absent: 'No vault yet: set one up to begin.',
  locked: 'Vault locked: sign in to continue.',
  unlocked: 'Vault open.',
};

export function App() {
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    unwrap(api.system.status({})).then(setStatus, (err: unknown) =>
      setError(err instanceof CallError ? `${err.message} (ref ${err.correlationId})` : 'The application core could not be reached.'),
    );
  }, []);

  return (
    <div className="shell">
      <header className="topbar">
        <h1>Residency Scheduler</h1>
        {status && <span className="muted" data-testid="version">v{status.version}</span>}
      </header>
      <main className="content" aria-live="polite">
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {status ? (
          <section aria-label="Application status" data-testid="status">
            <p data-testid="vault-state">{VAULT_STATE_TEXT[status.vault]}</p>
            <p className="muted">Connected through the {status.transport === 'electron' ? 'desktop bridge' : 'browser preview bridge'}.</p>
          </section>
        ) : (
          !error && <p>Loading…</p>
        )}
      </main>
    </div>
  );
}
