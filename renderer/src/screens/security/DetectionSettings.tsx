import type { FormEvent } from 'react';
import type { DetectionSettings, WindowRule } from '../../../../shared/security/settings';
import { CheckField, FormError, TextField } from '../../components/Field';
import { useCan } from '../../state/session';
import { num, useSecuritySettings } from './use-settings';

type WindowKey = 'failedLogins' | 'deniedAccess' | 'massAccess' | 'disabledAccountLogins';

const WINDOW_RULES: { key: WindowKey; title: string; count: string }[] = [
  { key: 'failedLogins', title: 'Failed sign-ins on this workstation', count: 'Alert at this many failures' },
  { key: 'deniedAccess', title: 'Calls refused for the caller\'s role (per user)', count: 'Alert at this many refusals' },
  { key: 'massAccess', title: 'Person records read or exported by one user', count: 'Alert above this many records' },
  { key: 'disabledAccountLogins', title: 'Sign-in attempts on disabled accounts', count: 'Alert at this many attempts' },
];

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The detection rules' thresholds, windows and expected sign-in hours. */
export function DetectionSettingsForm() {
  const canEdit = useCan('settings.manage');
  const { settings, edit, save, errors, error, saved, busy } = useSecuritySettings();
  if (!settings) return <FormError text={error} />;
  const det = settings.detection;
  const set = (change: (d: DetectionSettings) => DetectionSettings) => edit((s) => ({ ...s, detection: change(s.detection) }));
  const setRule = (key: WindowKey, patch: Partial<WindowRule>) => set((d) => ({ ...d, [key]: { ...d[key], ...patch } }));
  const err = (path: string) => errors[`detection.${path}`];
  const hours = det.loginHours;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="detection-title">
      <h3 id="detection-title">Detection thresholds</h3>
      <fieldset disabled={!canEdit} className="bare">
        <div className="rule-grid">
          {WINDOW_RULES.map((r) => (
            <fieldset key={r.key}>
              <legend>{r.title}</legend>
              <TextField label={r.count} type="number" min={1} value={det[r.key].threshold} error={err(`${r.key}.threshold`)} onChange={(e) => setRule(r.key, { threshold: num(e.target.value) })} />
              <TextField label="Within (minutes)" type="number" min={1} value={det[r.key].windowMinutes} error={err(`${r.key}.windowMinutes`)} onChange={(e) => setRule(r.key, { windowMinutes: num(e.target.value) })} />
            </fieldset>
          ))}
        </div>
        <fieldset>
          <legend>Sign-in hours (program time zone)</legend>
          <CheckField label="Alert on sign-ins outside these hours" checked={hours.enabled} onChange={(e) => set((d) => ({ ...d, loginHours: { ...d.loginHours, enabled: e.target.checked } }))} />
          <TextField label="From (HH:MM)" value={hours.start} error={err('loginHours.start')} onChange={(e) => set((d) => ({ ...d, loginHours: { ...d.loginHours, start: e.target.value } }))} />
          <TextField label="Until (HH:MM, 24:00 allowed)" value={hours.end} error={err('loginHours.end')} onChange={(e) => set((d) => ({ ...d, loginHours: { ...d.loginHours, end: e.target.value } }))} />
          <fieldset className="checks">
            <legend>On these days</legend>
            {WEEKDAYS.map((w, i) => (
              <CheckField
                key={w}
                label={w}
                checked={hours.weekdays.includes(i + 1)}
                onChange={(e) => set((d) => ({ ...d, loginHours: { ...d.loginHours, weekdays: e.target.checked ? [...d.loginHours.weekdays, i + 1].sort() : d.loginHours.weekdays.filter((x) => x !== i + 1) } }))}
              />
            ))}
          </fieldset>
        </fieldset>
        <TextField label="Clock moved backwards: tolerance (seconds)" type="number" min={0} value={det.clockBackwardsToleranceSeconds} error={err('clockBackwardsToleranceSeconds')} onChange={(e) => set((d) => ({ ...d, clockBackwardsToleranceSeconds: num(e.target.value) }))} />
        <TextField label="Verify the whole audit trail every (hours, 0 = only on demand)" type="number" min={0} value={det.verifyEveryHours} error={err('verifyEveryHours')} onChange={(e) => set((d) => ({ ...d, verifyEveryHours: num(e.target.value) }))} />
      </fieldset>
      <FormError text={error} />
      {saved && <p role="status">Thresholds saved.</p>}
      {canEdit && (
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Save the thresholds
          </button>
        </div>
      )}
    </form>
  );
}
