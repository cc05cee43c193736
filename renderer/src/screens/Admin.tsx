import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { AccountPolicies, type UserSummary } from '../../../shared/contract/users';
import { canManageRole, ROLE_LABELS, ROLES, type Role } from '../../../shared/rbac';
import { api } from '../api/client';
import { CheckField, FormError, SelectField, TextField } from '../components/Field';
import { callFieldErrors, messageOf, zodFieldErrors, type FieldErrors } from '../lib/errors';
import { useSchedule } from '../state/schedule';
import { call, useCan, useSession } from '../state/session';
import { SyncPanel } from './SyncPanel';
import { KeysPanel } from './admin/Keys';
import { ProgramSettingsPanel } from './admin/ProgramSettings';

/** A one-time password to hand over in person; shown once. */
function TempPassword({ value, onClose }: { value: { username: string; password: string; expiresAt: string }; onClose(): void }) {
  return (
    <div className="card notice-card" role="status">
      <p>
        Temporary password for <strong>{value.username}</strong> (works once, until {new Date(value.expiresAt).toLocaleString()}):
      </p>
      <p>
        <code data-testid="temp-password">{value.password}</code>
      </p>
      <button type="button" onClick={onClose}>
        Done
      </button>
    </div>
  );
}

function NewUser({ actor, onCreated }: { actor: Role; onCreated(v: { username: string; password: string; expiresAt: string }): void }) {
  const people = useSchedule((s) => s.people);
  const [v, setV] = useState({ username: '', displayName: '', email: '', role: 'resident', personId: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const bind = (name: keyof typeof v) => ({ name, value: v[name], error: errors[name], onChange: (e: { target: { value: string } }) => setV((o) => ({ ...o, [name]: e.target.value })) });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await call(api.users.create({ username: v.username, displayName: v.displayName, email: v.email, role: v.role as Role, ...(v.personId ? { personId: v.personId } : {}) }));
      onCreated({ username: r.user.username, password: r.temporaryPassword, expiresAt: r.expiresAt });
      setV({ username: '', displayName: '', email: '', role: 'resident', personId: '' });
      setErrors({});
    } catch (err) {
      setErrors(callFieldErrors(err) ?? {});
      setError(messageOf(err));
    }
  };
  return (
    <form className="card editor-form" onSubmit={submit} noValidate aria-label="New user">
      <h3>New user</h3>
      <TextField label="User name" autoComplete="off" {...bind('username')} />
      <TextField label="Full name" {...bind('displayName')} />
      <TextField label="Email" type="email" {...bind('email')} />
      <SelectField label="Role" {...bind('role')}>
        {ROLES.filter((r) => canManageRole(actor, r)).map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </SelectField>
      <SelectField label="Person record (for residents and faculty)" {...bind('personId')}>
        <option value="">None</option>
        {[...people].sort((a, b) => a.displayName.localeCompare(b.displayName, undefined, { numeric: true })).map((p) => (
          <option key={p.id} value={p.id}>
            {p.displayName}
          </option>
        ))}
      </SelectField>
      <FormError text={error} />
      <div className="actions">
        <button type="submit" className="primary">
          Create account
        </button>
      </div>
    </form>
  );
}

function Users() {
  const actor = useSession((s) => s.session?.role) ?? 'resident';
  const [users, setUsers] = useState<UserSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [temp, setTemp] = useState<{ username: string; password: string; expiresAt: string } | null>(null);
  const [adding, setAdding] = useState(false);
  const load = useCallback(async () => {
    try {
      setUsers((await call(api.users.list({}))).users);
    } catch (err) {
      setError(messageOf(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await load();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <section aria-labelledby="users-title">
      <div className="section-head">
        <h3 id="users-title">Users and roles</h3>
        <button type="button" className="primary" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
          New user
        </button>
      </div>
      {temp && <TempPassword value={temp} onClose={() => setTemp(null)} />}
      {adding && (
        <NewUser
          actor={actor}
          onCreated={(v) => {
            setTemp(v);
            setAdding(false);
            void load();
          }}
        />
      )}
      <FormError text={error} />
      <div className="table-wrap">
        <table className="records">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Two-step</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => {
              const manageable = canManageRole(actor, u.role);
              return (
                <tr key={u.id}>
                  <td>
                    {u.displayName} <span className="muted small">({u.username})</span>
                  </td>
                  <td>
                    <select
                      aria-label={`Role of ${u.username}`}
                      value={u.role}
                      disabled={!manageable}
                      onChange={(e) => void act(() => call(api.users.update({ userId: u.id, role: e.target.value as Role })))}
                    >
                      {ROLES.filter((r) => r === u.role || canManageRole(actor, r)).map((r) => (
                        <option key={r} value={r}>
                          {ROLE_LABELS[r]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {u.status}
                    {u.locked && <span className="pill danger">locked</span>}
                  </td>
                  <td>{u.mfaEnrolled ? 'on' : 'off'}</td>
                  <td>{u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString() : 'never'}</td>
                  <td className="row-actions">
                    {manageable && (
                      <>
                        <button type="button" onClick={() => void act(() => call(api.users.setStatus({ userId: u.id, status: u.status === 'active' ? 'disabled' : 'active' })))}>
                          {u.status === 'active' ? 'Disable' : 'Enable'}
                        </button>
                        <button
                          type="button"
                          onClick={() =>
                            void act(async () => {
                              const r = await call(api.users.resetPassword({ userId: u.id }));
                              setTemp({ username: u.username, password: r.temporaryPassword, expiresAt: r.expiresAt });
                            })
                          }
                        >
                          Reset password
                        </button>
                        {u.locked && (
                          <button type="button" onClick={() => void act(() => call(api.users.unlock({ userId: u.id })))}>
                            Unlock
                          </button>
                        )}
                        {u.mfaEnrolled && (
                          <button type="button" onClick={() => void act(() => call(api.users.resetMfa({ userId: u.id })))}>
                            Reset two-step
                          </button>
                        )}
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Policies() {
  const [p, setP] = useState<AccountPolicies | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    call(api.users.getPolicies({})).then(setP, (err: unknown) => setError(messageOf(err)));
  }, []);
  if (!p) return <FormError text={error} />;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const parsed = AccountPolicies.safeParse(p);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    try {
      setP(await call(api.users.setPolicies(parsed.data)));
      setErrors({});
      setError(null);
      setSaved(true);
    } catch (err) {
      setErrors(callFieldErrors(err) ?? {});
      setError(messageOf(err));
    }
  };
  return (
    <form className="card editor-form" onSubmit={submit} noValidate aria-labelledby="policies-title">
      <h3 id="policies-title">Sign-in policies</h3>
      <TextField label="Sign out after this many idle minutes" type="number" min={1} max={60} value={p.idleTimeoutMinutes} error={errors.idleTimeoutMinutes} onChange={(e) => setP({ ...p, idleTimeoutMinutes: Number(e.target.value) })} />
      <TextField label="Emergency access lasts (minutes)" type="number" min={5} max={240} value={p.breakGlassMinutes} error={errors.breakGlassMinutes} onChange={(e) => setP({ ...p, breakGlassMinutes: Number(e.target.value) })} />
      <fieldset>
        <legend>Two-step sign-in required for</legend>
        {ROLES.map((r) => (
          <CheckField
            key={r}
            label={ROLE_LABELS[r]}
            checked={p.mfaRequiredRoles.includes(r)}
            onChange={(e) => setP({ ...p, mfaRequiredRoles: e.target.checked ? [...p.mfaRequiredRoles, r] : p.mfaRequiredRoles.filter((x) => x !== r) })}
          />
        ))}
      </fieldset>
      <p className="small muted">Passwords: at least 15 characters (8 with two-step sign-in), checked against common and breached passwords. Fixed by the application.</p>
      <FormError text={error} />
      {saved && <p role="status">Saved.</p>}
      <div className="actions">
        <button type="submit" className="primary">
          Save policies
        </button>
      </div>
    </form>
  );
}

/** Administration: accounts, program settings, sign-in policies, keys and backup, the link to the hospital. */
export function AdminPanel() {
  const canUsers = useCan('users.manage');
  const canSettings = useCan('settings.manage');
  const canKeys = useCan('vault.keys');
  const canManageSync = useCan('sync.manage');
  const canReadSync = useCan('incidents.read');
  const canSync = canManageSync || canReadSync;
  return (
    <section className="admin" aria-labelledby="admin-title">
      <h2 id="admin-title">Administration</h2>
      {canUsers && <Users />}
      {canSettings && <ProgramSettingsPanel />}
      {canSettings && <Policies />}
      {canKeys && <KeysPanel />}
      {canSync && <SyncPanel />}
    </section>
  );
}
