import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { BackupPassphrase, type KeySlotView, type VaultInfoView } from '../../../../shared/contract/vault';
import { api } from '../../api/client';
import { CheckField, FormError, TextField } from '../../components/Field';
import { RecoveryKeyConfirm } from '../../components/RecoveryKeyConfirm';
import { useFormAction } from '../../hooks/useFormAction';
import { messageOf, type FieldErrors } from '../../lib/errors';
import { fromBase64, saveFile } from '../../lib/save-file';
import { call, useSession } from '../../state/session';
import { EmergencyDestruction } from './EmergencyDestruction';

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function slotLabel(s: KeySlotView): string {
  if (s.kind === 'recovery') return 'Recovery key';
  if (s.username) return `${s.displayName ?? s.username} (${s.username})`;
  return 'Account no longer exists';
}

/**
 * Revokes another account's key slot (a departed or disabled account whose password must stop
 * opening the files); two clicks, since the slot's wrap cannot be brought back.
 */
function RevokeSlot({ slot, onDone }: { slot: KeySlotView; onDone(): void }) {
  const [armed, setArmed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const userId = slot.userId;
  if (!userId) return null;
  const revoke = async () => {
    setError(null);
    try {
      await call(api.vault.revokeSlot({ userId }));
      onDone();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <>
      {armed ? (
        <>
          <button type="button" onClick={() => void revoke()}>
            Confirm: revoke {slot.username ?? 'this slot'}
          </button>{' '}
          <button type="button" onClick={() => setArmed(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setArmed(true)}>
          Revoke
        </button>
      )}
      <FormError text={error} />
    </>
  );
}

/** What protects the vault: cipher, formats, key slots, size and last backup. No key material. */
function VaultFacts({ info, onChanged }: { info: VaultInfoView; onChanged(): void }) {
  const me = useSession((s) => s.session?.userId);
  return (
    <div className="card">
      <dl className="kv">
        <dt>Encryption</dt>
        <dd data-testid="vault-cipher">{info.cipher.description}</dd>
        <dt>Data key</dt>
        <dd>{info.cipher.keyDerivation}</dd>
        <dt>Key slots</dt>
        <dd>{info.cipher.slotKdf}</dd>
        <dt>Memory wipe</dt>
        <dd>{info.cipher.memorySecurity === 'on' ? 'freed memory is overwritten' : 'not supported by this build'}</dd>
        <dt>Formats</dt>
        <dd>
          {info.format.app}, schema {info.format.schemaVersion}; {info.format.keystore} v{info.format.keystoreVersion}, generation {info.format.keystoreGeneration}
        </dd>
        <dt>Database size</dt>
        <dd>{size(info.databaseBytes)}</dd>
        <dt>Last backup</dt>
        <dd data-testid="last-backup">{info.lastBackupAt ? new Date(info.lastBackupAt).toLocaleString() : 'never'}</dd>
      </dl>
      {info.rekeyPending && <p className="field-error">A key change was interrupted; it completes at the next unlock.</p>}
      <div className="table-wrap">
        <table className="records" aria-label="Key slots">
          <thead>
            <tr>
              <th scope="col">Opens the vault for</th>
              <th scope="col">Kind</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {info.slots.map((s) => (
              <tr key={s.slotId}>
                <td>{slotLabel(s)}</td>
                <td>{s.kind === 'recovery' ? 'recovery key' : 'password'}</td>
                <td>{new Date(s.createdAt).toLocaleDateString()}</td>
                <td>{s.needsReset ? <span className="pill danger">needs a password reset</span> : 'ok'}</td>
                <td className="row-actions">{s.kind === 'password' && s.userId !== me && <RevokeSlot slot={s} onDone={onChanged} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

const BackupForm = z
  .object({
    currentPassword: z.string().min(1, 'required'),
    withPassphrase: z.boolean(),
    passphrase: z.string(),
    confirm: z.string(),
  })
  .superRefine((v, ctx) => {
    if (!v.withPassphrase) return;
    const p = BackupPassphrase.safeParse(v.passphrase);
    if (!p.success) ctx.addIssue({ code: 'custom', path: ['passphrase'], message: p.error.issues[0]?.message ?? 'required' });
    else if (v.passphrase !== v.confirm) ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'does not match the passphrase' });
  });

/** Downloads an encrypted backup; the passphrase is checked against the password policy by the core. */
function Backup({ minLength, onDone }: { minLength: number; onDone(): void }) {
  const [v, setV] = useState({ currentPassword: '', withPassphrase: true, passphrase: '', confirm: '' });
  const { busy, error, errors, checkParsed, run } = useFormAction();
  const [done, setDone] = useState<string | null>(null);
  const bind = (name: 'currentPassword' | 'passphrase' | 'confirm') => ({
    name,
    value: v[name],
    error: errors[name],
    onChange: (e: { target: { value: string } }) => setV((o) => ({ ...o, [name]: e.target.value })),
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    if (!checkParsed(BackupForm.safeParse(v))) return;
    await run(async () => {
      const r = await call(api.vault.backup({ currentPassword: v.currentPassword, ...(v.withPassphrase ? { passphrase: v.passphrase } : {}) }));
      saveFile(r.fileName, fromBase64(r.data), r.mimeType);
      setDone(`Backup saved as ${r.fileName} (${size(r.bytes)}). It opens with ${r.opensWith.map((w) => (w === 'recovery-key' ? 'the recovery key' : 'the passphrase')).join(' or ')}.`);
      setV({ currentPassword: '', withPassphrase: v.withPassphrase, passphrase: '', confirm: '' });
      onDone();
    });
  };
  return (
    <form className="card editor-form" onSubmit={submit} noValidate aria-labelledby="backup-title">
      <h4 id="backup-title">Encrypted backup</h4>
      <p className="small muted">
        One authenticated file with everything in the vault, still encrypted. Keep it away from this computer. It opens with the recovery key, and with
        the passphrase if you set one (for someone who keeps backups but not the recovery key).
      </p>
      <TextField label="Your password" type="password" autoComplete="current-password" {...bind('currentPassword')} />
      <CheckField label="Also protect with a backup passphrase" checked={v.withPassphrase} onChange={(e) => setV((o) => ({ ...o, withPassphrase: e.target.checked }))} />
      {v.withPassphrase && (
        <>
          <TextField
            label="Backup passphrase"
            type="password"
            autoComplete="new-password"
            hint={`At least ${minLength} characters, not guessable (the same rules as passwords); several unrelated words work well.`}
            {...bind('passphrase')}
          />
          <TextField label="Repeat the passphrase" type="password" autoComplete="new-password" {...bind('confirm')} />
        </>
      )}
      <FormError text={error} />
      {done && <p role="status">{done}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
          {busy ? 'Writing the backup…' : 'Download backup'}
        </button>
      </div>
    </form>
  );
}

/** The new recovery key, shown once; the administrator retypes one group before it goes away. */
function NewRecoveryKey({ value, needingReset, onClose }: { value: string; needingReset: KeySlotView[]; onClose(): void }) {
  return (
    <RecoveryKeyConfirm
      recoveryKey={value}
      onConfirmed={onClose}
      className="card notice-card"
      heading={{ level: 4, id: 'new-rk-title', text: 'Write down the new recovery key' }}
      keyTestId="new-recovery-key"
      keyLabel="New recovery key"
      intro={
        <p>
          The data key was replaced. The old recovery key no longer opens this vault or its new backups. This key is shown <strong>once</strong>.
        </p>
      }
    >
      {needingReset.length > 0 && (
        <p data-testid="needs-reset">
          These accounts need a password reset (Users and roles, “Reset password”) before they can unlock the vault again:{' '}
          {needingReset.map(slotLabel).join(', ')}.
        </p>
      )}
    </RecoveryKeyConfirm>
  );
}

/** Replaces the data key (after a suspected compromise); needs the administrator's password again. */
function Rekey({ onDone }: { onDone(result: { recoveryKey: string; slotsNeedingReset: KeySlotView[] }): void }) {
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const { busy, error, errors, check, run } = useFormAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems: FieldErrors = {};
    if (!password) problems.currentPassword = 'required';
    if (!understood) problems.understood = 'confirm that you understand what changes';
    if (!check(problems)) return;
    await run(async () => {
      const r = await call(api.vault.rekey({ currentPassword: password }));
      setPassword('');
      setUnderstood(false);
      onDone(r);
    });
  };
  return (
    <form className="card editor-form" onSubmit={submit} noValidate aria-labelledby="rekey-title">
      <h4 id="rekey-title">Replace the data key</h4>
      <p className="small muted">
        After a suspected compromise: the vault is re-encrypted under a new key and you get a new recovery key. Old backups keep opening with the old
        recovery key. Every other account needs a password reset afterwards.
      </p>
      <TextField label="Your password (again)" type="password" autoComplete="current-password" name="currentPassword" value={password} error={errors.currentPassword} onChange={(e) => setPassword(e.target.value)} />
      <CheckField label="I understand: a new recovery key, and other accounts need a password reset" name="understood" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
      {errors.understood && (
        <p className="field-error" role="alert">
          {errors.understood}
        </p>
      )}
      <FormError text={error} />
      <div className="actions">
        <button type="submit" className="danger" disabled={busy} aria-busy={busy}>
          {busy ? 'Replacing the key…' : 'Replace the data key'}
        </button>
      </div>
    </form>
  );
}

/** Administration: vault facts and key slots, encrypted backup download, rekey, emergency destruction. */
export function KeysPanel() {
  const [info, setInfo] = useState<VaultInfoView | null>(null);
  const [minLength, setMinLength] = useState(15);
  const [error, setError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<{ recoveryKey: string; slotsNeedingReset: KeySlotView[] } | null>(null);
  const load = useCallback(async () => {
    try {
      setInfo(await call(api.vault.info({})));
      setError(null);
    } catch (err) {
      setError(messageOf(err));
    }
  }, []);
  useEffect(() => {
    void load();
    call(api.auth.passwordPolicy({})).then((p) => setMinLength(p.minLength), () => undefined);
  }, [load]);
  return (
    <section aria-labelledby="keys-title">
      <h3 id="keys-title">Keys &amp; backup</h3>
      <FormError text={error} />
      {fresh ? (
        <NewRecoveryKey value={fresh.recoveryKey} needingReset={fresh.slotsNeedingReset} onClose={() => setFresh(null)} />
      ) : (
        <>
          {info && <VaultFacts info={info} onChanged={() => void load()} />}
          <Backup minLength={minLength} onDone={() => void load()} />
          <Rekey
            onDone={(r) => {
              setFresh(r);
              void load();
            }}
          />
          {info && <EmergencyDestruction phrase={info.destructionPhrase} />}
        </>
      )}
    </section>
  );
}
