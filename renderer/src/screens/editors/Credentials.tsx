import { useMemo, useState } from 'react';
import { daysBetween } from '../../../../shared/domain/common';
import { Credential } from '../../../../shared/domain/schedule';
import { api } from '../../api/client';
import { FormError } from '../../components/Field';
import { RecordEditor, type FieldSpec } from '../../components/RecordEditor';
import { useSchedule } from '../../state/schedule';
import { call, useCan } from '../../state/session';
import { todayIn, useRemoteList } from './editor-kit';

// The core refuses an expiry before the issue date; say so before the round trip.
const Schema = Credential.refine((c) => !c.issuedOn || !c.expiresOn || c.expiresOn >= c.issuedOn, { path: ['expiresOn'], message: 'must not be before the issue date' });

/** Days before expiry from which a credential is flagged as expiring soon. */
const SOON_DAYS = 30;

export type CredentialState = 'expired' | 'soon' | 'valid' | 'no-expiry';

/** Where a credential stands on a given local date: it is valid through its expiry date. */
export function credentialState(c: Pick<Credential, 'expiresOn'>, today: string): CredentialState {
  if (!c.expiresOn) return 'no-expiry';
  if (c.expiresOn < today) return 'expired';
  return daysBetween(today, c.expiresOn) <= SOON_DAYS ? 'soon' : 'valid';
}

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
      schema={Schema}
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
