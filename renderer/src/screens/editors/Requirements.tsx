import type { z } from 'zod';
import { api } from '../../api/client';
import { RecordEditor, type FieldSpec } from '../../components/RecordEditor';
import { CurriculumRequirement } from '../../../../shared/domain/schedule';
import { useSchedule } from '../../state/schedule';
import { call, useCan } from '../../state/session';

// The core also refuses a maximum below the minimum; say so before the round trip.
const Schema = CurriculumRequirement.refine((r) => r.maxBlocks >= r.minBlocks, { path: ['maxBlocks'], message: 'must be at least the minimum' });

export function RequirementsEditor() {
  const requirements = useSchedule((s) => s.requirements);
  const rotations = useSchedule((s) => s.rotations);
  const reload = useSchedule((s) => s.reloadList);
  const canEdit = useCan('schedule.edit');
  const groups = [...new Set(rotations.map((r) => r.group).filter(Boolean))].sort();
  const fields: FieldSpec[] = [
    { name: 'pgy', label: 'PGY level', kind: 'number' },
    { name: 'rotationGroup', label: 'Rotation group', kind: 'select', options: groups.map((g) => ({ value: g, label: g })) },
    { name: 'minBlocks', label: 'Minimum blocks', kind: 'number' },
    { name: 'maxBlocks', label: 'Maximum blocks', kind: 'number' },
  ];
  return (
    <RecordEditor<z.infer<typeof CurriculumRequirement>>
      title="Curriculum requirements"
      noun="requirement"
      items={[...requirements].sort((a, b) => a.pgy - b.pgy || a.rotationGroup.localeCompare(b.rotationGroup))}
      columns={[
        { label: 'PGY', render: (r) => r.pgy },
        { label: 'Group', render: (r) => r.rotationGroup },
        { label: 'Blocks', render: (r) => `${r.minBlocks}–${r.maxBlocks}` },
      ]}
      fields={fields}
      schema={Schema}
      blank={{ pgy: 1, rotationGroup: groups[0] ?? '', minBlocks: 1, maxBlocks: 3 }}
      canEdit={canEdit}
      save={async (r) => {
        await call(api.requirements.save(r));
        await reload('requirements');
      }}
      remove={async (id) => {
        await call(api.requirements.remove({ id }));
        await reload('requirements');
      }}
    />
  );
}
