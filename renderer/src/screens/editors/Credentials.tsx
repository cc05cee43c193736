import { useMemo, useState } from 'react';
import { daysBetween } from '../../../../shared/domain/common';
import type { Credential } from '../../../../shared/domain/schedule';
import { api } from '../../api/client';
import { FormError } from '../../components/Field';
import { RecordEditor, type FieldSpec } from '../../components/RecordEditor';
import { useSchedule } from '../../state/schedule';
import { call, useCan } from '../../state/session';
import { useRemoteList } from './editor-kit';
import { credentialState, CredentialForm, todayIn } from './records';

function StateBadge({ c, today }: { c: Credential; today: string }) {
  const state = credentialState(c, today);
  switch (state) {
    case 'expired':
      return <span className="pill danger" data-credential-state={state}>Expired</span>;
    case 'soon':
      return <span className="pill warn" data-credential-state={state}>Expires in {daysBetween(today, c.expiresOn ?? today)} days</span>;
    case 'valid':
      return <span className="pill" data-credential-state={state}>Valid</span>;
    default:
      return <span className="muted" data-credential-state={state}>No expiry</span>;
  }
}

/** Credentials and certifications (ACLS, licences) per person, with expired ones flagged. */
export function CredentialsEditor() {
  const people = useSchedule((s) => s.people);
  const peopleById = useSchedule((s) => s.peopleById);
  const timeZone = useSchedule((s) => s.program?.timeZone);
  const canEdit = useCan('people.edit');
  const [personId, setPersonId] = useState('');
  const [expiredOnly, setExpiredOnly] = useState(false);
  const { items, error, reload } = useRemoteList(() => call(api.credentials.list({})), []);
  const today = todayIn(timeZone);
  const sortedPeople = useMemo(() => [...people].sort((a, b) => a.displayName.localeCompare(b.displayName, undefined, { numeric: true })), [people]);
  const nameOf = (id: string) => peopleById.get(id)?.displayName ?? 'Unknown';
  const shown = items
    .filter((c) => (!personId || c.personId === personId) && (!expiredOnly || credentialState(c, today) === 'expired'))
    .sort((a, b) => nameOf(a.personId).localeCompare(nameOf(b.personId), undefined, { numeric: true }) || a.name.localeCompare(b.name));
  const expiredCount = items.filter((c) => credentialState(c, today) === 'expired').length;

  const fields: FieldSpec[] = [
    { name: 'personId', label: 'Person', kind: 'select', options: sortedPeople.map((p) => ({ value: p.id, label: p.displayName })) },
    { name: 'name', label: 'Credential', kind: 'text', hint: 'e.g. ACLS, BLS, state licence' },
    { name: 'issuedOn', label: 'Issued on', kind: 'date', nullable: true },
    { name: 'expiresOn', label: 'Expires on', kind: 'date', nullable: true, hint: 'Valid through this date; leave empty if it does not expire' },
  ];

  return (
    <RecordEditor<Credential>
      title="Credentials"
      noun="credential"
      items={shown}
      columns={[
        { label: 'Person', render: (c) => nameOf(c.personId) },
        { label: 'Credential', render: (c) => c.name },
        { label: 'Issued', render: (c) => c.issuedOn ?? '' },
        { label: 'Expires', render: (c) => c.expiresOn ?? '' },
        { label: 'Status', render: (c) => <StateBadge c={c} today={today} /> },
      ]}
      fields={fields}
      schema={CredentialForm}
      blank={{ personId: personId || (sortedPeople[0]?.id ?? ''), name: '', issuedOn: null, expiresOn: null }}
      canEdit={canEdit}
      save={async (c) => {
        await call(api.credentials.save(c));
        await reload();
      }}
      remove={async (id) => {
        await call(api.credentials.remove({ id }));
        await reload();
      }}
      extra={
        <>
          <div className="filters">
            <label className="inline">
              <span>Person</span>
              <select value={personId} onChange={(e) => setPersonId(e.target.value)}>
                <option value="">Everyone</option>
                {sortedPeople.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.displayName}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline">
              <input type="checkbox" checked={expiredOnly} onChange={(e) => setExpiredOnly(e.target.checked)} />
              <span>Expired only</span>
            </label>
            <span className={expiredCount ? 'pill danger' : 'pill'} data-testid="expired-count">
              {expiredCount} expired
            </span>
          </div>
          <FormError text={error} />
        </>
      }
    />
  );
}
