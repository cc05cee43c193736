import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { determine, PHI_ELEMENTS, type IncidentView } from '../../../../shared/security/incidents';
import { api } from '../../api/client';
import { CheckField, FormError, SelectField, TextArea } from '../../components/Field';
import { useFormAction } from '../../hooks/useFormAction';
import { call } from '../../state/session';
import { draftOf, ELEMENT_LABELS, FINDINGS, LIKELIHOOD, MITIGATION, RECIPIENTS, validateDraft, type AssessmentDraft } from './assessment-model';
import { DETERMINATION_LABELS, when } from './format';

type Factor = Exclude<keyof AssessmentDraft, 'encryptedKeyUncompromised'>;

function Options({ labels }: { labels: Record<string, string> }) {
  return (
    <>
      <option value="">Choose…</option>
      {Object.entries(labels).map(([v, l]) => (
        <option key={v} value={v}>
          {l}
        </option>
      ))}
    </>
  );
}

/**
 * The four-factor risk assessment of 45 CFR 164.402(2), one fieldset per factor. A breach is
 * presumed unless the documented factors show a low probability of compromise; the core states
 * the determination when it is saved.
 */
export function RiskAssessmentForm({ incident, readOnly, onSaved }: { incident: IncidentView; readOnly: boolean; onSaved(v: IncidentView): void }) {
  const [d, setD] = useState<AssessmentDraft>(() => draftOf(incident.assessment));
  const { busy, error, errors, check, run } = useFormAction('assessment.');
  const [saved, setSaved] = useState(false);
  useEffect(() => setD(draftOf(incident.assessment)), [incident.assessment]);

  const part = <K extends Factor>(k: K, patch: Partial<AssessmentDraft[K]>) => {
    setSaved(false);
    setD((o) => ({ ...o, [k]: { ...o[k], ...patch } }));
  };
  // What the core will conclude, shown before recording (the same shared rule).
  const preview = useMemo(() => {
    const v = validateDraft(incident.id, d);
    return v.ok ? determine(v.assessment) : null;
  }, [incident.id, d]);
  const n = d.natureAndExtent;
  const u = d.unauthorizedPerson;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const v = validateDraft(incident.id, d);
    if (!check(v.ok ? {} : v.errors) || !v.ok) return;
    await run(async () => {
      onSaved(await call(api.incidents.assess({ id: incident.id, assessment: v.assessment })));
      setSaved(true);
    });
  };

  return (
    <form className="card assessment" onSubmit={submit} noValidate aria-labelledby="assessment-title">
      <h4 id="assessment-title">Risk assessment (164.402, four factors)</h4>
      {incident.assessment?.assessedAt && <p className="small muted">Last recorded {when(incident.assessment.assessedAt)}.</p>}
      <fieldset disabled={readOnly} className="bare">
        <fieldset>
          <legend>1. Nature and extent of the PHI</legend>
          <fieldset className="checks">
            <legend>Information involved</legend>
            {errors['natureAndExtent.elements'] && <p className="field-error" role="alert">{errors['natureAndExtent.elements']}</p>}
            {PHI_ELEMENTS.map((el) => (
              <CheckField key={el} label={ELEMENT_LABELS[el]} checked={n.elements.includes(el)} onChange={(e) => part('natureAndExtent', { elements: e.target.checked ? [...n.elements, el] : n.elements.filter((x) => x !== el) })} />
            ))}
          </fieldset>
          <CheckField label="Sensitive information (e.g. military movements, health-related absences)" checked={n.sensitive} onChange={(e) => part('natureAndExtent', { sensitive: e.target.checked })} />
          <SelectField label="Likelihood of re-identification" value={n.reidentificationLikelihood} error={errors['natureAndExtent.reidentificationLikelihood']} onChange={(e) => part('natureAndExtent', { reidentificationLikelihood: e.target.value })}>
            <Options labels={LIKELIHOOD} />
          </SelectField>
          <TextArea label="Notes on factor 1" rows={2} value={n.notes} error={errors['natureAndExtent.notes']} onChange={(e) => part('natureAndExtent', { notes: e.target.value })} />
        </fieldset>
        <fieldset>
          <legend>2. The unauthorized person</legend>
          <SelectField label="Who used or received the PHI" value={u.recipient} error={errors['unauthorizedPerson.recipient']} onChange={(e) => part('unauthorizedPerson', { recipient: e.target.value })}>
            <Options labels={RECIPIENTS} />
          </SelectField>
          <CheckField label="Obligated to protect the PHI (HIPAA or a confidentiality duty)" checked={u.obligatedToProtect} onChange={(e) => part('unauthorizedPerson', { obligatedToProtect: e.target.checked })} />
          <TextArea label="Notes on factor 2" rows={2} value={u.notes} error={errors['unauthorizedPerson.notes']} onChange={(e) => part('unauthorizedPerson', { notes: e.target.value })} />
        </fieldset>
        <fieldset>
          <legend>3. Whether the PHI was acquired or viewed</legend>
          <SelectField label="Finding" value={d.acquiredOrViewed.finding} error={errors['acquiredOrViewed.finding']} onChange={(e) => part('acquiredOrViewed', { finding: e.target.value })}>
            <Options labels={FINDINGS} />
          </SelectField>
          <TextArea label="Notes on factor 3" rows={2} value={d.acquiredOrViewed.notes} error={errors['acquiredOrViewed.notes']} onChange={(e) => part('acquiredOrViewed', { notes: e.target.value })} />
        </fieldset>
        <fieldset>
          <legend>4. Extent the risk has been mitigated</legend>
          <SelectField label="Mitigation" value={d.mitigation.extent} error={errors['mitigation.extent']} onChange={(e) => part('mitigation', { extent: e.target.value })}>
            <Options labels={MITIGATION} />
          </SelectField>
          <TextArea label="Notes on factor 4" rows={2} value={d.mitigation.notes} error={errors['mitigation.notes']} onChange={(e) => part('mitigation', { notes: e.target.value })} />
        </fieldset>
        <CheckField
          label="Safe harbor: the PHI was encrypted (NIST SP 800-111) and the key was not compromised"
          checked={d.encryptedKeyUncompromised}
          onChange={(e) => {
            setSaved(false);
            setD((o) => ({ ...o, encryptedKeyUncompromised: e.target.checked }));
          }}
        />
      </fieldset>
      {!readOnly && preview && (
        <p className="small" data-testid="determination-preview">
          If recorded as it stands: <strong>{DETERMINATION_LABELS[preview.determination]}</strong> — {preview.reasons.join('; ')}.
        </p>
      )}
      <FormError text={error} />
      {Object.keys(errors).length > 0 && !error && (
        <p role="alert" className="error">
          Some answers are missing or too long; see the fields marked above.
        </p>
      )}
      {saved && <p role="status">Assessment recorded.</p>}
      {!readOnly && (
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Record the assessment
          </button>
        </div>
      )}
    </form>
  );
}
