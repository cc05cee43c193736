import type { CSSProperties } from 'react';
import type { CoverageRequirement } from '../../../../shared/domain/schedule';
import { api } from '../../api/client';
import { FormError } from '../../components/Field';
import { RecordEditor, type FieldSpec } from '../../components/RecordEditor';
import { textOn } from '../../lib/colour';
import { useSchedule } from '../../state/schedule';
import { call, useCan } from '../../state/session';
import { useRemoteList } from './editor-kit';
import { CoverageForm, weekdaysText } from './records';

/** How many people each shift type needs per day, and how many of them senior. */
export function CoverageEditor() {
  const shiftTypes = useSchedule((s) => s.shiftTypes);
  const canEdit = useCan('schedule.edit');
  const { items, error, reload } = useRemoteList(() => call(api.coverage.list({})), []);
  const typeOf = (id: string) => shiftTypes.find((t) => t.id === id);
  const order = (id: string) => shiftTypes.findIndex((t) => t.id === id);
  const sorted = [...items].sort((a, b) => order(a.shiftTypeId) - order(b.shiftTypeId) || (a.weekdays[0] ?? 0) - (b.weekdays[0] ?? 0));

  const fields: FieldSpec[] = [
    { name: 'shiftTypeId', label: 'Shift type', kind: 'select', options: shiftTypes.map((t) => ({ value: t.id, label: `${t.shortName} · ${t.name}` })) },
    { name: 'weekdays', label: 'Days of the week', kind: 'numberList', hint: '1 = Monday … 7 = Sunday, comma-separated (e.g. 1, 2, 3, 4, 5)' },
    { name: 'min', label: 'Minimum people', kind: 'number' },
    { name: 'max', label: 'Maximum people', kind: 'number' },
    { name: 'seniorPgy', label: 'Senior means PGY at least', kind: 'number', nullable: true, hint: 'Leave empty when no senior is required' },
    { name: 'minSenior', label: 'Minimum seniors', kind: 'number' },
  ];

  return (
    <RecordEditor<CoverageRequirement>
      title="Coverage"
      noun="coverage rule"
      items={sorted}
      columns={[
        {
          label: 'Shift',
          render: (c) => {
            const t = typeOf(c.shiftTypeId);
            return t ? (
              <span className="chip" style={{ '--rot': t.colour, '--rot-fg': textOn(t.colour) } as CSSProperties} title={t.name}>
                {t.shortName}
              </span>
            ) : (
              'Unknown'
            );
          },
        },
        { label: 'Days', render: (c) => weekdaysText(c.weekdays) },
        { label: 'People', render: (c) => (c.min === c.max ? `${c.min}` : `${c.min}–${c.max}`) },
        { label: 'Seniors', render: (c) => (c.minSenior > 0 && c.seniorPgy !== null ? `at least ${c.minSenior} of PGY ${c.seniorPgy}+` : 'none required') },
      ]}
      fields={fields}
      schema={CoverageForm}
      blank={{ shiftTypeId: shiftTypes[0]?.id ?? '', weekdays: [1, 2, 3, 4, 5, 6, 7], min: 1, max: 2, seniorPgy: null, minSenior: 0 }}
      canEdit={canEdit}
      save={async (c) => {
        await call(api.coverage.save(c));
        await reload();
      }}
      remove={async (id) => {
        await call(api.coverage.remove({ id }));
        await reload();
      }}
      extra={<FormError text={error} />}
    />
  );
}
