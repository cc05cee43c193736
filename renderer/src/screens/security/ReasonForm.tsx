import { useState, type FormEvent } from 'react';
import { TextField } from '../../components/Field';

/**
 * A reason asked for before an audited change (acknowledge, dismiss, status change): the reason is
 * recorded in the audit entry. Focus lands in the field; Escape cancels.
 */
export function ReasonForm({ label, action, busy, onSubmit, onCancel }: { label: string; action: string; busy: boolean; onSubmit(reason: string): void; onCancel(): void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setError('Give a reason (it is recorded in the audit trail).');
      return;
    }
    onSubmit(reason.trim());
  };
  return (
    <form className="reason-form" onSubmit={submit} noValidate aria-label={action} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <TextField label={label} value={reason} error={error} maxLength={500} autoFocus onChange={(e) => setReason(e.target.value)} />
      <div className="actions left">
        <button type="submit" className="primary" disabled={busy}>
          {action}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
