import type { FormEvent } from 'react';
import { RETENTION_FLOOR_DAYS, RETENTION_LABELS, RETENTION_TYPES } from '../../../../shared/security/settings';
import { FormError, TextField } from '../../components/Field';
import { useCan } from '../../state/session';
import { PurgePanel } from './PurgePanel';
import { num, useSecuritySettings } from './use-settings';

function years(d: number): string {
  const n = Math.round(d / 365.25);
  return `about ${n} year${n === 1 ? '' : 's'}`;
}

/** The retention schedule per data type, never under its floor, and the purge. */
export function RetentionPanel() {
  const canEdit = useCan('settings.manage');
  return (
    <div className="two-col">
      <RetentionSettings canEdit={canEdit} />
      {canEdit && <PurgePanel />}
    </div>
  );
}

function RetentionSettings({ canEdit }: { canEdit: boolean }) {
  const { settings, edit, save, errors, error, saved, busy } = useSecuritySettings();
  if (!settings) return <FormError text={error} />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="retention-title">
      <h3 id="retention-title">Retention schedule</h3>
      <p className="small muted">Days kept before the purge destroys a record. Security documentation is kept at least 6 years (164.316(b)(2)); nothing not yet synced to the hospital is ever purged.</p>
      <fieldset disabled={!canEdit} className="bare">
        {RETENTION_TYPES.map((t) => (
          <TextField
            key={t}
            label={RETENTION_LABELS[t]}
            type="number"
            min={RETENTION_FLOOR_DAYS[t]}
            max={36_500}
            value={settings.retention[t]}
            error={errors[`retention.${t}`]}
            hint={`At least ${RETENTION_FLOOR_DAYS[t]} days (${years(RETENTION_FLOOR_DAYS[t])}).`}
            data-retention={t}
            onChange={(e) => edit((s) => ({ ...s, retention: { ...s.retention, [t]: num(e.target.value) } }))}
          />
        ))}
        <TextField
          label="Purge automatically every (days, 0 = only by hand)"
          type="number"
          min={0}
          max={366}
          value={settings.purgeEveryDays}
          error={errors.purgeEveryDays}
          onChange={(e) => edit((s) => ({ ...s, purgeEveryDays: num(e.target.value) }))}
        />
      </fieldset>
      <FormError text={error} />
      {saved && <p role="status">Retention schedule saved.</p>}
      {canEdit && (
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Save the retention schedule
          </button>
        </div>
      )}
    </form>
  );
}
