import type { CSSProperties } from 'react';
import { CoverageRequirement } from '../../../../shared/domain/schedule';
import { api } from '../../api/client';
import { FormError } from '../../components/Field';
import { RecordEditor, type FieldSpec } from '../../components/RecordEditor';
import { textOn } from '../../lib/colour';
import { useSchedule } from '../../state/schedule';
import { call, useCan } from '../../state/session';
import { byField, useRemoteList } from './editor-kit';

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** ISO weekdays as the coordinator reads them: "Mon–Fri", "Sat, Sun", "Every day". */
export function weekdaysText(days: readonly number[]): string {
  const set = [...new Set(days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  if (set.length === 7) return 'Every day';
  const runs: string[] = [];
  for (let i = 0; i < set.length; ) {
    let j = i;
    while (j + 1 < set.length && set[j + 1] === (set[j] ?? 0) + 1) j++;
    const from = DAY_NAMES[(set[i] ?? 1) - 1] ?? '';
    const to = DAY_NAMES[(set[j] ?? 1) - 1] ?? '';
    runs.push(j - i >= 2 ? `${from}–${to}` : j > i ? `${from}, ${to}` : from);
    i = j + 1;
  }
  return runs.join(', ');
}

// The same rules the core applies (electron/core/schedule/service.ts saveCoverage), before the round trip.
const Schema = byField(
  CoverageRequirement.refine((c) => c.max >= c.min, { path: ['max'], message: 'must be at least the minimum' })
    .refine((c) => c.minSenior <= c.max, { path: ['minSenior'], message: 'cannot exceed the maximum' })
    .refine((c) => c.minSenior === 0 || c.seniorPgy !== null, { path: ['seniorPgy'], message: 'say which PGY level counts as senior' }),
  { weekdays: 'use the numbers 1 (Monday) to 7 (Sunday), separated by commas' },
);

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
      schema={Schema}
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
