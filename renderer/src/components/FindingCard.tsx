import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { messageOf } from '../lib/errors';
import type { Finding } from '../lib/findings';
import { useSchedule } from '../state/schedule';
import { call, useCan } from '../state/session';
import { FormError, TextArea } from './Field';

const RULE_NAMES: Record<string, string> = {
  'CPR-80H': '80 hours a week, averaged over four weeks',
  'CPR-8H': '8 hours off between shifts',
  'CPR-14H': '14 hours off after 24 hours of in-house call',
  'CPR-1IN7': 'One day in seven free, averaged over four weeks',
  'CPR-24H': 'At most 24 hours of continuous scheduled work',
  'CPR-24P4': 'Up to 4 more hours for transitions after 24',
  'CPR-ML-PGY1': 'PGY-1 residents may not moonlight',
  'CPR-Q3': 'In-house call no more often than every third night',
  'CPR-HOME': 'At-home call: hours count, one day in seven free',
  'PRG-CAPACITY': 'Rotation staffing minimum and maximum',
  'PRG-ELIGIBILITY': 'Rotation open to this PGY level',
  'PRG-CREDENTIAL': 'Required credential valid for the block',
  'PRG-CURRICULUM': 'Curriculum: blocks per rotation group',
  'PRG-SUPERVISION': 'Faculty supervision ratio',
  'PRG-ABSENCE': 'No work during an approved absence',
};
export const ruleName = (id: string): string => RULE_NAMES[id] ?? id;

/** One finding: what, why, the citation, and acknowledgement with a reason where the role allows. */
export function FindingCard({ finding, personName, onSelect }: { finding: Finding; personName?: string | undefined; onSelect?: () => void }) {
  const canAck = useCan('compliance.acknowledge');
  const refresh = useSchedule((s) => s.refreshCompliance);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length < 5) {
      setError('Give a reason of at least 5 characters.');
      return;
    }
    setBusy(true);
    try {
      await call(api.compliance.acknowledge({ key: finding.key, reason: reason.trim() }));
      setOpen(false);
      await refresh();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <article className={`finding finding-${finding.acknowledged ? 'ack' : finding.verdict}`} data-finding={finding.key} aria-label={`${finding.verdict}: ${ruleName(finding.ruleId)}`}>
      <header>
        <span className={`pill ${finding.verdict === 'violation' ? 'danger' : 'warn'}`}>{finding.acknowledged ? 'Acknowledged' : finding.verdict === 'violation' ? 'Violation' : 'Advisory'}</span>
        <strong>{ruleName(finding.ruleId)}</strong>
        <span className="muted small">{finding.ruleId}</span>
      </header>
      <p>
        {personName && <>{personName}: </>}
        {finding.explanation}
        {finding.period && finding.period[0] !== finding.period[1] && (
          <span className="muted">
            {' '}
            ({finding.period[0]} to {finding.period[1]})
          </span>
        )}
      </p>
      {finding.citations && (
        <p className="small muted">
          ACGME Common Program Requirements {finding.citations.cpr2025} (2025 numbering; {finding.citations.cpr2023} before July 2025)
        </p>
      )}
      {finding.acknowledged && <p className="small">Acknowledged {finding.acknowledged.at.slice(0, 10)}: “{finding.acknowledged.reason}”</p>}
      <div className="actions left">
        {onSelect && (
          <button type="button" onClick={onSelect}>
            Show in schedule
          </button>
        )}
        {canAck && finding.verdict === 'violation' && !finding.acknowledged && !open && (
          <button type="button" onClick={() => setOpen(true)}>
            Acknowledge…
          </button>
        )}
      </div>
      {open && (
        <form onSubmit={submit} className="ack-form" noValidate>
          <TextArea label="Reason for acknowledging" name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
          <FormError text={error} />
          <div className="actions left">
            <button type="submit" className="primary" disabled={busy}>
              Acknowledge
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
