import { useMemo, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { LocalDate, LongText } from '../../../../shared/domain/common';
import { ABSENCE_TYPES, Absence, AbsenceType, EXCLUDED_FROM_AVERAGING_BY_DEFAULT } from '../../../../shared/domain/schedule';
import { UNAVAILABLE } from '../../../../shared/rbac';
import { api } from '../../api/client';
import { FormError, SelectField, TextArea, TextField } from '../../components/Field';
import { RecordEditor, type FieldSpec } from '../../components/RecordEditor';
import { callFieldErrors, messageOf, zodFieldErrors, type FieldErrors } from '../../lib/errors';
import { useSchedule, type AbsenceRow } from '../../state/schedule';
import { call, useCan } from '../../state/session';
import { RequestsEditor } from './Requests';
import { EditorTabs } from './Tabs';

const TYPE_LABELS: Record<string, string> = {
  vacation: 'Vacation', sick: 'Sick', parental: 'Parental', medical: 'Medical', caregiver: 'Caregiver', bereavement: 'Bereavement',
  conference: 'Conference', education: 'Education', military_duty: 'Military duty', tdy: 'TDY', deployment: 'Deployment',
  interview: 'Interview', wellness: 'Wellness', other: 'Other',
};
const typeOptions = ABSENCE_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] ?? t }));

/** Restricted fields arrive as "unavailable" for roles that may not see them: say so plainly. */
const shown = (v: string | null): string => (v === UNAVAILABLE ? 'Restricted' : (v ?? ''));

const RequestForm = z
  .object({ type: AbsenceType, startDate: LocalDate, endDate: LocalDate, reason: LongText.nullable(), notes: LongText.nullable(), location: z.string().max(200).nullable() })
  .refine((a) => a.endDate >= a.startDate, { path: ['endDate'], message: 'must not end before it starts' });

/** Leave for oneself (residents, faculty, chiefs): a request a coordinator approves. */
function RequestLeave({ onDone }: { onDone(): void }) {
  const [v, setV] = useState({ type: 'vacation', startDate: '', endDate: '', reason: '', notes: '', location: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const nul = (s: string) => (s.trim() ? s : null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input = { type: v.type, startDate: v.startDate, endDate: v.endDate, reason: nul(v.reason), notes: nul(v.notes), location: nul(v.location) };
    const parsed = RequestForm.safeParse(input);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    try {
      await call(api.absences.request(parsed.data));
      onDone();
    } catch (err) {
      setErrors(callFieldErrors(err) ?? {});
      setError(messageOf(err));
    }
  };
  const bind = (name: keyof typeof v) => ({ name, value: v[name], error: errors[name], onChange: (e: { target: { value: string } }) => setV((o) => ({ ...o, [name]: e.target.value })) });
  return (
    <form className="card editor-form" onSubmit={submit} noValidate aria-label="Request leave">
      <h3>Request leave</h3>
      <SelectField label="Type" {...bind('type')}>
        {typeOptions.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </SelectField>
      <TextField label="From" type="date" {...bind('startDate')} />
      <TextField label="To" type="date" {...bind('endDate')} />
      <TextArea label="Reason (seen only by you and the program office)" rows={2} {...bind('reason')} />
      <TextField label="Location" {...bind('location')} />
      <FormError text={error} />
      <div className="actions">
        <button type="submit" className="primary">
          Send request
        </button>
      </div>
    </form>
  );
}

/** The Absences view: leave, and the scheduling requests (days off, wanted shifts) beside it. */
export function AbsencesEditor() {
  return (
    <EditorTabs
      label="Absences and requests"
      tabs={[
        { id: 'absences', label: 'Absences', render: () => <AbsencesList /> },
        { id: 'requests', label: 'Requests', render: () => <RequestsEditor /> },
      ]}
    />
  );
}

/** Absences: approvers edit and decide; everyone else sees dates and requests their own leave. */
function AbsencesList() {
  const absences = useSchedule((s) => s.absences);
  const people = useSchedule((s) => s.people);
  const peopleById = useSchedule((s) => s.peopleById);
  const reload = useSchedule((s) => s.reloadList);
  const canApprove = useCan('absence.approve');
  const canRequest = useCan('absence.request');
  const [requesting, setRequesting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<'all' | AbsenceRow['status']>('all');
  const items = useMemo(() => absences.filter((a) => status === 'all' || a.status === status).sort((a, b) => a.startDate.localeCompare(b.startDate)), [absences, status]);

  const decide = async (id: string, decision: 'approved' | 'denied') => {
    setError(null);
    try {
      await call(api.absences.decide({ id, decision, reason: null }));
      await reload('absences');
    } catch (err) {
      setError(messageOf(err));
    }
  };

  const fields: FieldSpec[] = [
    { name: 'personId', label: 'Person', kind: 'select', options: [...people].sort((a, b) => a.displayName.localeCompare(b.displayName, undefined, { numeric: true })).map((p) => ({ value: p.id, label: p.displayName })) },
    { name: 'type', label: 'Type', kind: 'select', options: typeOptions },
    { name: 'startDate', label: 'From', kind: 'date' },
    { name: 'endDate', label: 'To', kind: 'date' },
    { name: 'status', label: 'Status', kind: 'select', options: ['requested', 'approved', 'denied', 'cancelled'].map((s) => ({ value: s, label: s })) },
    { name: 'excludeFromAveraging', label: 'Leave these days out of the ACGME averaging', kind: 'check' },
    { name: 'reason', label: 'Reason', kind: 'textarea', nullable: true },
    { name: 'notes', label: 'Notes', kind: 'textarea', nullable: true },
    { name: 'location', label: 'Location', kind: 'text', nullable: true },
  ];

  const extra = (
    <>
      <div className="filters">
        <label className="inline">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="all">All</option>
            <option value="requested">Requested</option>
            <option value="approved">Approved</option>
            <option value="denied">Denied</option>
            <option value="cancelled">Cancelled</option>
          </select>
        </label>
        {canRequest && !requesting && (
          <button type="button" onClick={() => setRequesting(true)}>
            Request leave for myself
          </button>
        )}
      </div>
      {requesting && (
        <RequestLeave
          onDone={() => {
            setRequesting(false);
            void reload('absences');
          }}
        />
      )}
      <FormError text={error} />
    </>
  );

  return (
    <RecordEditor<AbsenceRow>
      title="Absences"
      noun="absence"
      items={items}
      columns={[
        { label: 'Person', render: (a) => peopleById.get(a.personId)?.displayName ?? 'Unknown' },
        { label: 'Type', render: (a) => TYPE_LABELS[a.type] ?? a.type },
        { label: 'Dates', render: (a) => `${a.startDate} to ${a.endDate}` },
        {
          label: 'Status',
          render: (a) =>
            a.status === 'requested' && canApprove ? (
              <span className="row-actions">
                requested{' '}
                <button type="button" onClick={() => void decide(a.id, 'approved')}>
                  Approve
                </button>
                <button type="button" onClick={() => void decide(a.id, 'denied')}>
                  Deny
                </button>
              </span>
            ) : (
              a.status
            ),
        },
        { label: 'Reason', render: (a) => <span data-reason>{shown(a.reason)}</span> },
        { label: 'Location', render: (a) => shown(a.location) },
      ]}
      fields={fields}
      schema={Absence}
      blank={{ personId: people[0]?.id ?? '', type: 'vacation', startDate: '', endDate: '', status: 'approved', excludeFromAveraging: EXCLUDED_FROM_AVERAGING_BY_DEFAULT.has('vacation'), reason: null, notes: null, location: null } as Omit<AbsenceRow, 'id'>}
      canEdit={canApprove}
      save={async (a) => {
        // A restricted value never goes back to the core as if it were the text.
        const clean = (v: string | null) => (v === UNAVAILABLE ? null : v);
        await call(api.absences.save({ ...a, reason: clean(a.reason), notes: clean(a.notes), location: clean(a.location) }));
        await reload('absences');
      }}
      remove={async (id) => {
        await call(api.absences.remove({ id }));
        await reload('absences');
      }}
      extra={extra}
    />
  );
}
