import { useState, type FormEvent } from 'react';
import { DEID_ENTITIES, DEID_POLICY, DeidExportRequest, type DeidEntity, type DeidManifest } from '../../../../shared/security/deid';
import { api } from '../../api/client';
import { CheckField, FormError, SelectField, TextField } from '../../components/Field';
import { useFormAction } from '../../hooks/useFormAction';
import { saveFile } from '../../lib/save-file';
import { call } from '../../state/session';
import { num } from './use-settings';

const ENTITY_LABELS: Record<DeidEntity, string> = {
  people: 'People',
  blockAssignments: 'Block assignments',
  shiftAssignments: 'Call and shift assignments',
  absences: 'Absences',
};
const PURPOSES = { research: 'Research', support: 'Support', demo: 'Demonstration' } as const;

/**
 * De-identified export. The strategy for every field is fixed in code (shared/security/deid.ts),
 * so nobody ships an identifier by forgetting a field; the request chooses the purpose, the
 * entities, k and the date shift. The file is JSON; its manifest is summarised here.
 */
export function DeidExport() {
  const [req, setReq] = useState({ purpose: 'research' as keyof typeof PURPOSES, entities: [...DEID_ENTITIES] as DeidEntity[], k: 5, maxShiftWeeks: 26 });
  const [manifest, setManifest] = useState<DeidManifest | null>(null);
  const { busy, error, errors, checkParsed, run } = useFormAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = DeidExportRequest.safeParse(req);
    if (!checkParsed(parsed)) return;
    await run(async () => {
      const r = await call(api.deid.export(parsed.data));
      saveFile(r.fileName, r.data, 'application/json');
      setManifest(r.manifest);
    });
  };

  return (
    <div className="two-col">
      <form className="card" onSubmit={submit} noValidate aria-labelledby="deid-title">
        <h3 id="deid-title">De-identified export</h3>
        <SelectField label="Purpose" value={req.purpose} error={errors.purpose} onChange={(e) => setReq({ ...req, purpose: e.target.value as keyof typeof PURPOSES })}>
          {Object.entries(PURPOSES).map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </SelectField>
        <fieldset className="checks">
          <legend>Include</legend>
          {errors.entities && <p className="field-error" role="alert">Choose at least one.</p>}
          {DEID_ENTITIES.map((en) => (
            <CheckField key={en} label={ENTITY_LABELS[en]} checked={req.entities.includes(en)} onChange={(e) => setReq({ ...req, entities: e.target.checked ? [...req.entities, en] : req.entities.filter((x) => x !== en) })} />
          ))}
        </fieldset>
        <TextField label="Smallest group size (k)" type="number" min={5} max={100} value={req.k} error={errors.k} hint="Groups of people sharing type, PGY band and specialty smaller than k are blanked or left out." onChange={(e) => setReq({ ...req, k: num(e.target.value) })} />
        <TextField label="Largest date shift (weeks)" type="number" min={1} max={52} value={req.maxShiftWeeks} error={errors.maxShiftWeeks} onChange={(e) => setReq({ ...req, maxShiftWeeks: num(e.target.value) })} />
        <FormError text={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Export and download
          </button>
        </div>
        {manifest && <ManifestSummary manifest={manifest} />}
      </form>
      <StrategyTable entities={req.entities} />
    </div>
  );
}

function ManifestSummary({ manifest: m }: { manifest: DeidManifest }) {
  return (
    <div role="status" data-testid="deid-manifest">
      <h4>Exported</h4>
      <p>
        {Object.entries(m.counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}
        ; k = {m.k}; {m.suppressedPeople} people with blanked quasi-identifiers, {m.droppedPeople} left out. Data SHA-256 <code>{m.dataSha256.slice(0, 16)}…</code> (recorded in the audit trail).
      </p>
    </div>
  );
}

/** The fixed strategy of every exported field, for the entities chosen. */
function StrategyTable({ entities }: { entities: DeidEntity[] }) {
  return (
    <section className="card" aria-labelledby="deid-policy-title">
      <h3 id="deid-policy-title">What happens to each field</h3>
      <table className="records">
        <thead>
          <tr>
            <th>Field</th>
            <th>Strategy</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {entities.flatMap((en) =>
            Object.entries(DEID_POLICY[en]).map(([field, p]) => (
              <tr key={`${en}.${field}`}>
                <td>
                  {ENTITY_LABELS[en]}: {field}
                </td>
                <td>{p.strategy.replace(/_/g, ' ')}</td>
                <td className="small">{p.detail}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </section>
  );
}
