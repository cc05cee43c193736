import type { CSSProperties } from 'react';
import { api } from '../../api/client';
import { RecordEditor, type FieldSpec } from '../../components/RecordEditor';
import { SHIFT_KINDS, ShiftType } from '../../../../shared/domain/schedule';
import { textOn } from '../../lib/colour';
import { useSchedule } from '../../state/schedule';
import { call, useCan } from '../../state/session';
import { CoverageEditor } from './Coverage';
import { EditorTabs } from './Tabs';

const KIND_LABELS: Record<string, string> = {
  clinical: 'Clinical', inHouseCall: 'In-house call', nightFloat: 'Night float', transition: 'Transition of care', education: 'Education',
  homeCall: 'Home call', homeCallActive: 'Home call (called in)', moonlightInternal: 'Moonlighting (internal)', moonlightExternal: 'Moonlighting (external)', edClinical: 'ED clinical',
};

/** The Shift types view: the types, and the coverage each needs per day. */
export function ShiftTypesEditor() {
  return (
    <EditorTabs
      label="Shift types"
      tabs={[
        { id: 'types', label: 'Shift types', render: () => <ShiftTypesList /> },
        { id: 'coverage', label: 'Coverage', render: () => <CoverageEditor /> },
      ]}
    />
  );
}

function ShiftTypesList() {
  const shiftTypes = useSchedule((s) => s.shiftTypes);
  const rotations = useSchedule((s) => s.rotations);
  const rotationsById = useSchedule((s) => s.rotationsById);
  const reload = useSchedule((s) => s.reloadList);
  const canEdit = useCan('schedule.edit');
  const fields: FieldSpec[] = [
    { name: 'name', label: 'Name', kind: 'text' },
    { name: 'shortName', label: 'Short name', kind: 'text' },
    { name: 'kind', label: 'Kind', kind: 'select', options: SHIFT_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] ?? k })) },
    { name: 'startTime', label: 'Starts at', kind: 'time' },
    { name: 'durationMinutes', label: 'Length (minutes)', kind: 'number' },
    { name: 'transitionMinutes', label: 'Transition allowance (minutes)', kind: 'number' },
    { name: 'rotationId', label: 'Service (rotation)', kind: 'select', nullable: true, options: rotations.map((r) => ({ value: r.id, label: r.name })) },
    { name: 'colour', label: 'Colour', kind: 'colour' },
  ];
  return (
    <RecordEditor<ShiftType>
      title="Shift types"
      noun="shift type"
      items={shiftTypes}
      columns={[
        { label: 'Short', render: (t) => <span className="chip" style={{ '--rot': t.colour, '--rot-fg': textOn(t.colour) } as CSSProperties}>{t.shortName}</span> },
        { label: 'Name', render: (t) => t.name },
        { label: 'Kind', render: (t) => KIND_LABELS[t.kind] ?? t.kind },
        { label: 'Hours', render: (t) => `${t.startTime} + ${t.durationMinutes / 60} h` },
        { label: 'Service', render: (t) => (t.rotationId ? (rotationsById.get(t.rotationId)?.shortName ?? '') : '') },
      ]}
      fields={fields}
      schema={ShiftType}
      blank={{ name: '', shortName: '', kind: 'clinical', startTime: '07:00', durationMinutes: 720, transitionMinutes: 0, rotationId: null, colour: '#1f5fbf' }}
      canEdit={canEdit}
      save={async (t) => {
        await call(api.shiftTypes.save(t));
        await reload('shiftTypes');
      }}
      remove={async (id) => {
        await call(api.shiftTypes.remove({ id }));
        await reload('shiftTypes');
      }}
    />
  );
}
