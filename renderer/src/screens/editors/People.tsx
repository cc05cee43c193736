import { api } from '../../api/client';
import { RecordEditor, type FieldSpec } from '../../components/RecordEditor';
import { Person, PersonKind } from '../../../../shared/domain/schedule';
import { useSchedule } from '../../state/schedule';
import { call, useCan } from '../../state/session';
import { useUi } from '../../state/ui';
import { CredentialsEditor } from './Credentials';
import { useRemoteList } from './editor-kit';
import { credentialState, todayIn } from './records';
import { EditorTabs } from './Tabs';

const FIELDS: FieldSpec[] = [
  { name: 'displayName', label: 'Name', kind: 'text' },
  { name: 'email', label: 'Email', kind: 'text', nullable: true },
  { name: 'kind', label: 'Kind', kind: 'select', options: PersonKind.options.map((k) => ({ value: k, label: k })) },
  { name: 'pgy', label: 'PGY level', kind: 'number', nullable: true, hint: 'Required for residents and fellows' },
  { name: 'specialty', label: 'Specialty', kind: 'text' },
  { name: 'facultyRoles', label: 'Faculty roles', kind: 'list', hint: 'Comma-separated' },
  { name: 'trainingStart', label: 'Training start', kind: 'date', nullable: true },
  { name: 'trainingEnd', label: 'Training end', kind: 'date', nullable: true },
  { name: 'active', label: 'Active', kind: 'check' },
];

/** The People view: the directory, and each person's credentials beside it. */
export function PeopleEditor() {
  return (
    <EditorTabs
      label="People"
      tabs={[
        { id: 'people', label: 'People', render: () => <PeopleList /> },
        { id: 'credentials', label: 'Credentials', render: () => <CredentialsEditor /> },
      ]}
    />
  );
}

function PeopleList() {
  const people = useSchedule((s) => s.people);
  const reload = useSchedule((s) => s.reloadList);
  const canEdit = useCan('people.edit');
  const showHours = useUi((s) => s.showHours);
  const timeZone = useSchedule((s) => s.program?.timeZone);
  const { items: credentials } = useRemoteList(() => call(api.credentials.list({})), []);
  const today = todayIn(timeZone);
  const credentialsOf = (personId: string) => {
    const own = credentials.filter((c) => c.personId === personId);
    const expired = own.filter((c) => credentialState(c, today) === 'expired').length;
    if (own.length === 0) return '';
    return expired ? (
      <span className="pill danger" data-expired-credentials={expired}>
        {own.length} ({expired} expired)
      </span>
    ) : (
      own.length
    );
  };
  const sorted = [...people].sort((a, b) => a.kind.localeCompare(b.kind) || (a.pgy ?? 0) - (b.pgy ?? 0) || a.displayName.localeCompare(b.displayName, undefined, { numeric: true }));
  return (
    <RecordEditor<Person>
      title="People"
      noun="person"
      items={sorted}
      columns={[
        { label: 'Name', render: (p) => (p.kind === 'faculty' ? p.displayName : <button type="button" className="link" onClick={() => showHours(p.id)}>{p.displayName}</button>) },
        { label: 'Kind', render: (p) => p.kind },
        { label: 'PGY', render: (p) => p.pgy ?? '' },
        { label: 'Email', render: (p) => p.email ?? '' },
        { label: 'Active', render: (p) => (p.active ? 'yes' : 'no') },
        { label: 'Credentials', render: (p) => credentialsOf(p.id) },
      ]}
      fields={FIELDS}
      schema={Person}
      blank={{ displayName: '', email: null, kind: 'resident', pgy: 1, specialty: '', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true }}
      canEdit={canEdit}
      save={async (p) => {
        await call(api.people.save(p));
        await reload('people');
      }}
      remove={async (id) => {
        await call(api.people.remove({ id }));
        await reload('people');
      }}
    />
  );
}
