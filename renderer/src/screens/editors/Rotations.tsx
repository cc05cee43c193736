import type { CSSProperties } from 'react';
import { api } from '../../api/client';
import { RecordEditor, type FieldSpec } from '../../components/RecordEditor';
import { Rotation, RotationSetting } from '../../../../shared/domain/schedule';
import { textOn } from '../../lib/colour';
import { useSchedule } from '../../state/schedule';
import { call, useCan } from '../../state/session';

const FIELDS: FieldSpec[] = [
  { name: 'name', label: 'Name', kind: 'text' },
  { name: 'shortName', label: 'Short name', kind: 'text', hint: 'Up to 8 characters, shown in the grid' },
  { name: 'setting', label: 'Setting', kind: 'select', options: RotationSetting.options.map((k) => ({ value: k, label: k })) },
  { name: 'site', label: 'Site', kind: 'text' },
  { name: 'group', label: 'Group (for curriculum requirements)', kind: 'text' },
  { name: 'colour', label: 'Colour', kind: 'colour' },
  { name: 'eligiblePgy', label: 'Eligible PGY levels', kind: 'numberList', hint: 'Comma-separated, e.g. 1, 2, 3' },
  { name: 'capacityMin', label: 'Minimum trainees per block', kind: 'number' },
  { name: 'capacityMax', label: 'Maximum trainees per block', kind: 'number' },
  { name: 'supervisionRatio', label: 'Trainees per faculty member', kind: 'number', nullable: true },
  { name: 'requiredCredentials', label: 'Required credentials', kind: 'list', hint: 'Comma-separated' },
];

export function RotationsEditor() {
  const rotations = useSchedule((s) => s.rotations);
  const reload = useSchedule((s) => s.reloadList);
  const canEdit = useCan('schedule.edit');
  return (
    <RecordEditor<Rotation>
      title="Rotations"
      noun="rotation"
      items={rotations}
      columns={[
        { label: 'Short', render: (r) => <span className="chip" style={{ '--rot': r.colour, '--rot-fg': textOn(r.colour) } as CSSProperties}>{r.shortName}</span> },
        { label: 'Name', render: (r) => r.name },
        { label: 'Setting', render: (r) => r.setting },
        { label: 'PGY', render: (r) => r.eligiblePgy.join(', ') },
        { label: 'Capacity', render: (r) => `${r.capacityMin}–${r.capacityMax}` },
        { label: 'Group', render: (r) => r.group },
      ]}
      fields={FIELDS}
      schema={Rotation}
      blank={{ name: '', shortName: '', setting: 'inpatient', site: '', colour: '#9cc3ff', eligiblePgy: [1, 2, 3], capacityMin: 0, capacityMax: 4, requiredCredentials: [], supervisionRatio: null, hoursException: null, rulePacks: [], group: '' }}
      canEdit={canEdit}
      save={async (r) => {
        await call(api.rotations.save(r));
        await reload('rotations');
      }}
      remove={async (id) => {
        await call(api.rotations.remove({ id }));
        await reload('rotations');
      }}
    />
  );
}
