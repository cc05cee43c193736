import { ScheduleRequest } from '../../../../shared/domain/schedule';
import { api } from '../../api/client';
import { FormError } from '../../components/Field';
import { RecordEditor, type FieldSpec } from '../../components/RecordEditor';
import { useSchedule } from '../../state/schedule';
import { call, useCan, useSession } from '../../state/session';
import { useRemoteList } from './editor-kit';
import { RequestForm } from './records';

const KIND_LABELS: Record<ScheduleRequest['kind'], string> = { day_off: 'Day(s) off', shift: 'Wants a shift', rotation: 'Wants a rotation' };
const kindOptions = ScheduleRequest.shape.kind.options.map((k) => ({ value: k, label: KIND_LABELS[k] }));

/**
 * Requests and preferences the scheduler weighs: days off, wanted shifts or rotations. Schedule
 * editors see and change everyone's; residents and faculty see and change only their own (the
 * core checks the same); other readers see the list.
 */
export function RequestsEditor() {
  const people = useSchedule((s) => s.people);
  const peopleById = useSchedule((s) => s.peopleById);
  const shiftTypes = useSchedule((s) => s.shiftTypes);
  const rotations = useSchedule((s) => s.rotations);
  const ownPersonId = useSession((s) => s.session?.personId ?? null);
  const editsAll = useCan('schedule.edit');
  const canRequest = useCan('absence.request');
  const ownOnly = !editsAll && canRequest;
  const { items, error, reload } = useRemoteList(
    () => (ownOnly ? (ownPersonId ? call(api.requests.list({ personId: ownPersonId })) : Promise.resolve([])) : call(api.requests.list({}))),
    [ownOnly, ownPersonId],
  );
  const nameOf = (id: string) => peopleById.get(id)?.displayName ?? 'Unknown';
  const sorted = [...items].sort((a, b) => a.startDate.localeCompare(b.startDate) || nameOf(a.personId).localeCompare(nameOf(b.personId), undefined, { numeric: true }));
  const canEdit = editsAll || (ownOnly && ownPersonId !== null);

  const fields: FieldSpec[] = [
    ...(editsAll ? [{ name: 'personId', label: 'Person', kind: 'select' as const, options: [...people].sort((a, b) => a.displayName.localeCompare(b.displayName, undefined, { numeric: true })).map((p) => ({ value: p.id, label: p.displayName })) }] : []),
    { name: 'kind', label: 'Request', kind: 'select', options: kindOptions },
    { name: 'startDate', label: 'From', kind: 'date' },
    { name: 'endDate', label: 'To', kind: 'date' },
    { name: 'shiftTypeId', label: 'Shift type (for a shift request)', kind: 'select', nullable: true, options: shiftTypes.map((t) => ({ value: t.id, label: `${t.shortName} · ${t.name}` })) },
    { name: 'rotationId', label: 'Rotation (for a rotation request)', kind: 'select', nullable: true, options: rotations.map((r) => ({ value: r.id, label: r.name })) },
    { name: 'weight', label: 'Priority', kind: 'number', hint: '1 (nice to have) to 10 (important)' },
  ];

  const what = (r: ScheduleRequest) =>
    r.kind === 'shift' ? (shiftTypes.find((t) => t.id === r.shiftTypeId)?.name ?? '') : r.kind === 'rotation' ? (rotations.find((x) => x.id === r.rotationId)?.name ?? '') : '';

  return (
    <RecordEditor<ScheduleRequest>
      title={ownOnly ? 'My scheduling requests' : 'Scheduling requests'}
      noun="request"
      items={sorted}
      columns={[
        ...(ownOnly ? [] : [{ label: 'Person', render: (r: ScheduleRequest) => nameOf(r.personId) }]),
        { label: 'Request', render: (r) => KIND_LABELS[r.kind] },
        { label: 'Dates', render: (r) => (r.startDate === r.endDate ? r.startDate : `${r.startDate} to ${r.endDate}`) },
        { label: 'What', render: what },
        { label: 'Priority', render: (r) => r.weight },
      ]}
      fields={fields}
      schema={RequestForm}
      blank={{ personId: editsAll ? (ownPersonId ?? people[0]?.id ?? '') : (ownPersonId ?? ''), kind: 'day_off', startDate: '', endDate: '', shiftTypeId: null, rotationId: null, weight: 5 }}
      canEdit={canEdit}
      save={async (r) => {
        // Only the target that goes with the kind is kept: a day off names no shift.
        await call(api.requests.save({ ...r, shiftTypeId: r.kind === 'shift' ? r.shiftTypeId : null, rotationId: r.kind === 'rotation' ? r.rotationId : null }));
        await reload();
      }}
      remove={async (id) => {
        await call(api.requests.remove({ id }));
        await reload();
      }}
      extra={
        <>
          {ownOnly && !ownPersonId && <p className="muted">Your account is not linked to a person record, so you cannot file requests. Ask the program office.</p>}
          <FormError text={error} />
        </>
      }
    />
  );
}
