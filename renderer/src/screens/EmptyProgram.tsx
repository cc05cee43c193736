import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { CheckField, FormError, TextField } from '../components/Field';
import { useFormAction } from '../hooks/useFormAction';
import { useSchedule } from '../state/schedule';
import { call, useCan } from '../state/session';
import { seedDemo } from './Workspace';

/** No academic year yet: create one, or load the demo program. */
export function EmptyProgram() {
  const canEdit = useCan('schedule.edit');
  const canSeed = useCan('settings.manage');
  const people = useSchedule((s) => s.people);
  const notice = useSchedule((s) => s.notice);
  const loadAll = useSchedule((s) => s.loadAll);
  const now = new Date();
  const y = now.getMonth() >= 6 ? now.getFullYear() : now.getFullYear() - 1;
  const [label, setLabel] = useState(`${y}-${String((y + 1) % 100).padStart(2, '0')}`);
  const [startDate, setStartDate] = useState(`${y}-07-01`);
  const [half, setHalf] = useState(false);
  const { busy, error, errors, run } = useFormAction();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await call(api.years.create({ label, startDate, blockCount: 13, blockDays: 28, halfBlocks: half }));
      await loadAll();
    });
  };

  return (
    <section className="card empty" aria-labelledby="empty-title">
      <h2 id="empty-title">No academic year yet</h2>
      {canSeed && people.length === 0 && (
        <div className="demo-offer">
          <p>New here? Load a demo program: 36 synthetic residents (PGY-1 to 3), 12 faculty, 12 rotations, 13 blocks and a full year of call.</p>
          <button type="button" className="primary" onClick={() => void seedDemo()} disabled={!!notice}>
            Load the demo program
          </button>
        </div>
      )}
      {canEdit ? (
        <form onSubmit={create} noValidate aria-label="Create an academic year">
          <h3>Create an academic year</h3>
          <TextField label="Label" name="label" value={label} onChange={(e) => setLabel(e.target.value)} error={errors.label} />
          <TextField label="First day" name="startDate" type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} error={errors.startDate} />
          <CheckField label="Half blocks (26 two-week halves)" checked={half} onChange={(e) => setHalf(e.target.checked)} />
          <FormError text={error} />
          <button type="submit" disabled={busy}>
            Create 13 four-week blocks
          </button>
        </form>
      ) : (
        <p>Ask a coordinator to set up the academic year.</p>
      )}
    </section>
  );
}
