import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { DestructionSummary } from '../../../../shared/contract/vault';
import { api, CallError } from '../../api/client';
import { FormError, TextField } from '../../components/Field';
import { useFormAction } from '../../hooks/useFormAction';
import type { FieldErrors } from '../../lib/errors';
import { call, sessionLost, useSession } from '../../state/session';

/**
 * What the core refuses before it closes the vault: the form stays, with the message. Any other
 * failure may come after the close (sessions ended, data gone or half gone), so the page reloads and
 * drops everything it shows, like any lost session.
 */
const REFUSED_BEFORE_CLOSE = new Set(['WRONG_CREDENTIALS', 'THROTTLED', 'ACCOUNT_LOCKED', 'CONFIRMATION_REQUIRED', 'CONFLICT', 'BAD_INPUT', 'FORBIDDEN']);

/**
 * Emergency destruction (vault.destroy): the administrator's password and the vault's phrase typed
 * exactly. Kept apart from the other key operations, in its own danger section.
 */
export function EmergencyDestruction({ phrase }: { phrase: string }) {
  const vaultDestroyed = useSession((s) => s.vaultDestroyed);
  const [password, setPassword] = useState('');
  const [typed, setTyped] = useState('');
  const { busy, error, errors, check, run } = useFormAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems: FieldErrors = {};
    if (!password) problems.currentPassword = 'required';
    if (typed.trim() !== phrase) problems.confirmation = `type ${phrase} exactly`;
    if (!check(problems)) return;
    await run(async () => {
      let summary: DestructionSummary;
      try {
        summary = await call(api.vault.destroy({ currentPassword: password, confirmation: typed }));
      } catch (err) {
        if (!(err instanceof CallError && REFUSED_BEFORE_CLOSE.has(err.code))) sessionLost();
        throw err;
      }
      setPassword('');
      setTyped('');
      // Reloads the page (dropping everything it held) onto the certificate summary.
      vaultDestroyed(summary);
    });
  };
  return (
    <section className="card notice-card" aria-labelledby="destroy-title" data-testid="danger-zone">
      <h4 id="destroy-title">Emergency destruction</h4>
      <p>
        <span className="pill danger">Cannot be undone.</span> For when this computer is about to be lost or seized. Destroying the vault:
      </p>
      <ul>
        <li>
          overwrites every key slot with random bytes, including leftover copies in the data folder and the earlier copies a restore set
          aside beside it, so no key file the app keeps can decrypt the vault again;
        </li>
        <li>removes the database, its journal files and leftovers of interrupted operations;</li>
        <li>signs everyone out and returns the app to first-run setup;</li>
        <li>leaves a signed destruction certificate (time, account id, vault id) in the data folder for the hospital.</li>
      </ul>
      <p className="small muted">Encrypted backups stored elsewhere are not affected: they still open with the recovery key or their passphrase.</p>
      <form className="editor-form" onSubmit={submit} noValidate aria-label="Destroy the vault">
        <TextField
          label="Your password"
          type="password"
          autoComplete="current-password"
          name="currentPassword"
          value={password}
          error={errors.currentPassword}
          onChange={(e) => setPassword(e.target.value)}
        />
        <TextField
          label={`Type ${phrase} to confirm`}
          name="confirmation"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          error={errors.confirmation}
          onChange={(e) => setTyped(e.target.value)}
        />
        <FormError text={error} />
        <div className="actions">
          <button type="submit" className="danger" disabled={busy} aria-busy={busy}>
            {busy ? 'Destroying the vault…' : 'Destroy the vault'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** What was destroyed, from the certificate (no names: they went with the vault); then first run. */
export function DestructionDone({ summary }: { summary: DestructionSummary }) {
  const acknowledge = useSession((s) => s.destructionAcknowledged);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <main className="auth-page">
    <section className="card notice-card" aria-labelledby="destroyed-title" data-testid="destruction-certificate">
      <h1 id="destroyed-title" ref={heading} tabIndex={-1}>
        The vault was destroyed
      </h1>
      <p role="status">Every session has ended. A signed destruction certificate was written to the data folder.</p>
      <dl className="kv">
        <dt>Destroyed at</dt>
        <dd data-testid="destroyed-at">{new Date(summary.destroyedAt).toLocaleString()}</dd>
        <dt>By account</dt>
        <dd data-testid="destroyed-by">{summary.actorId}</dd>
        <dt>Vault id</dt>
        <dd data-testid="destroyed-vault">{summary.vaultId}</dd>
        <dt>Certificate file</dt>
        <dd data-testid="certificate-file">{summary.certificateFile}</dd>
      </dl>
      <p className="small muted">Give the certificate file to the hospital&apos;s security office; it verifies with this device&apos;s signing key.</p>
      <div className="actions">
        <button type="button" className="primary" onClick={acknowledge}>
          Continue to first-run setup
        </button>
      </div>
    </section>
    </main>
  );
}
