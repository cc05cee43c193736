import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ProgramSettings, RULE_SETS, RulePack } from '../../../../shared/domain/schedule';
import { api } from '../../api/client';
import { CheckField, FormError, SelectField, TextField } from '../../components/Field';
import { useFormAction } from '../../hooks/useFormAction';
import { messageOf } from '../../lib/errors';
import { useSchedule } from '../../state/schedule';
import { call } from '../../state/session';

const RULE_SET_LABELS: Record<(typeof RULE_SETS)[number], string> = {
  'CPR-2023': 'ACGME Common Program Requirements 2023',
  'CPR-2025': 'ACGME Common Program Requirements 2025',
};
const RULE_PACK_LABELS: Record<ProgramSettings['rulePacks'][number], string> = { EM: 'Emergency medicine (shift limits)' };

function zones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/** Program settings (program.update): validated with the contract's schema before it is sent. */
export function ProgramSettingsPanel() {
  const [v, setV] = useState<ProgramSettings | null>(null);
  const [gap, setGap] = useState('');
  const { busy, error, errors, setError, checkParsed, run } = useFormAction('settings.');
  const [saved, setSaved] = useState(false);
  const zoneList = useMemo(zones, []);
  useEffect(() => {
    call(api.program.get({})).then(
      (p) => {
        setV(p);
        setGap(String(p.workPeriodGapMinutes));
      },
      (err: unknown) => setError(messageOf(err)),
    );
  }, []);
  if (!v) return <FormError text={error} />;
  const text = (name: 'name' | 'specialty' | 'timeZone') => ({
    name,
    value: v[name],
    error: errors[name],
    onChange: (e: { target: { value: string } }) => {
      setSaved(false);
      setV({ ...v, [name]: e.target.value });
    },
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const parsed = ProgramSettings.safeParse({ ...v, workPeriodGapMinutes: gap.trim() === '' ? Number.NaN : Number(gap) });
    if (!checkParsed(parsed)) return;
    await run(async () => {
      const next = await call(api.program.update({ settings: parsed.data }));
      setV(next);
      setGap(String(next.workPeriodGapMinutes));
      setSaved(true);
      // The top bar and the schedule screens read the program from the schedule store.
      useSchedule.setState({ program: next });
    });
  };
  return (
    <form className="card editor-form" onSubmit={submit} noValidate aria-labelledby="program-title">
      <h3 id="program-title">Program settings</h3>
      <TextField label="Program name" autoComplete="off" {...text('name')} />
      <TextField label="Specialty" autoComplete="off" {...text('specialty')} />
      <TextField
        label="Time zone"
        autoComplete="off"
        list="program-time-zones"
        hint="Shift times are stored as instants: changing the zone changes how existing shifts read on the clock."
        {...text('timeZone')}
      />
      <datalist id="program-time-zones">
        {zoneList.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <SelectField label="Duty-hour rule set" name="ruleSet" value={v.ruleSet} error={errors.ruleSet} onChange={(e) => setV({ ...v, ruleSet: e.target.value as ProgramSettings['ruleSet'] })}>
        {RULE_SETS.map((r) => (
          <option key={r} value={r}>
            {RULE_SET_LABELS[r]}
          </option>
        ))}
      </SelectField>
      <fieldset>
        <legend>Specialty rule packs</legend>
        {RulePack.options.map((p) => (
          <CheckField
            key={p}
            label={RULE_PACK_LABELS[p]}
            checked={v.rulePacks.includes(p)}
            onChange={(e) => setV({ ...v, rulePacks: e.target.checked ? [...v.rulePacks, p] : v.rulePacks.filter((x) => x !== p) })}
          />
        ))}
      </fieldset>
      <TextField
        label="Gap that still joins two work periods (minutes)"
        type="number"
        min={0}
        max={120}
        name="workPeriodGapMinutes"
        value={gap}
        error={errors.workPeriodGapMinutes}
        onChange={(e) => setGap(e.target.value)}
      />
      <FormError text={error} />
      {saved && <p role="status">Saved.</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Save program settings
        </button>
      </div>
    </form>
  );
}
