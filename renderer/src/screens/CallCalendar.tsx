import { useMemo, useState, type CSSProperties } from 'react';
import { addDays } from '../../../shared/domain/common';
import type { ShiftAssignment } from '../../../shared/domain/schedule';
import { api } from '../api/client';
import { FormError } from '../components/Field';
import { monthWeeks } from '../lib/calendar';
import { textOn } from '../lib/colour';
import { messageOf } from '../lib/errors';
import { cellKey } from '../lib/grid-model';
import { currentYear, useSchedule } from '../state/schedule';
import { call, useCan } from '../state/session';
import { useUi } from '../state/ui';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Month view of one service's call: who is on which day, and assigning people to it. */
export function CallCalendar() {
  const year = useSchedule(currentYear);
  const shiftTypes = useSchedule((s) => s.shiftTypes);
  const shifts = useSchedule((s) => s.shifts);
  const people = useSchedule((s) => s.people);
  const peopleById = useSchedule((s) => s.peopleById);
  const assignments = useSchedule((s) => s.assignments);
  const index = useSchedule((s) => s.index);
  const reload = useSchedule((s) => s.reloadList);
  const canEdit = useCan('schedule.edit');
  const showHours = useUi((s) => s.showHours);
  const months = useMemo(() => {
    if (!year) return [];
    const out: string[] = [];
    for (let d = year.year.startDate.slice(0, 7); d <= year.year.endDate.slice(0, 7); d = addDays(`${d}-28`, 7).slice(0, 7)) out.push(d);
    return out;
  }, [year]);
  const [typeId, setTypeId] = useState<string>(shiftTypes[0]?.id ?? '');
  const [month, setMonth] = useState<string>(() => {
    const today = new Date().toISOString().slice(0, 7);
    return months.includes(today) ? today : (months[0] ?? today);
  });
  const [day, setDay] = useState<string | null>(null);
  const [personId, setPersonId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const type = shiftTypes.find((t) => t.id === typeId);
  const byDay = useMemo(() => {
    const m = new Map<string, ShiftAssignment[]>();
    for (const s of shifts) if (s.shiftTypeId === typeId && s.date.startsWith(month)) m.set(s.date, [...(m.get(s.date) ?? []), s]);
    return m;
  }, [shifts, typeId, month]);

  // People for the day's picker: those on the service's rotation that block first.
  const blockOf = (date: string) => year?.blocks.find((b) => b.startDate <= date && date <= b.endDate);
  const candidates = useMemo(() => {
    if (!day) return [];
    const block = blockOf(day);
    const onRotation = (id: string) => !!type?.rotationId && !!block && assignments.get(cellKey(id, block.id))?.rotationId === type.rotationId;
    const wantFaculty = type?.kind === 'homeCall';
    return people
      .filter((p) => p.active && (wantFaculty ? p.kind === 'faculty' : p.kind !== 'faculty'))
      .sort((a, b) => Number(onRotation(b.id)) - Number(onRotation(a.id)) || a.displayName.localeCompare(b.displayName, undefined, { numeric: true }))
      .map((p) => ({ p, on: onRotation(p.id) }));
    // blockOf reads year, which is listed in the dependencies.
  }, [day, people, type, assignments, year]);

  const assign = async () => {
    if (!day || !personId || !type) return;
    setBusy(true);
    setError(null);
    try {
      await call(api.shifts.assign({ personId, shiftTypeId: type.id, date: day }));
      await reload('shifts');
      setPersonId('');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const unassign = async (id: string) => {
    setError(null);
    try {
      await call(api.shifts.unassign({ id }));
      await reload('shifts');
    } catch (err) {
      setError(messageOf(err));
    }
  };

  if (!year) return null;
  const chip = type ? ({ '--rot': type.colour, '--rot-fg': textOn(type.colour) } as CSSProperties) : undefined;
  const dayShifts = day ? (shifts.filter((s) => s.date === day && s.shiftTypeId === typeId)) : [];
  return (
    <section className="callcal" aria-labelledby="call-title">
      <div className="section-head">
        <h2 id="call-title">Call calendar</h2>
        <label className="inline">
          <span>Service</span>
          <select value={typeId} onChange={(e) => setTypeId(e.target.value)} data-testid="call-service">
            {shiftTypes.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.shortName})
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>Month</span>
          <select value={month} onChange={(e) => setMonth(e.target.value)} data-testid="call-month">
            {months.map((m) => (
              <option key={m} value={m}>
                {new Date(`${m}-01T12:00:00Z`).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' })}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="callcal-body">
        <table className="month">
          <caption className="sr-only">
            {type?.name} in {month}
          </caption>
          <thead>
            <tr>
              {WEEKDAYS.map((d) => (
                <th scope="col" key={d}>
                  {d}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {monthWeeks(month).map((week, w) => (
              <tr key={w}>
                {week.map((date, i) => {
                  if (!date) return <td key={i} className="outside" />;
                  const list = byDay.get(date) ?? [];
                  const flagged = list.some((s) => index.cells.has(cellKey(s.personId, blockOf(date)?.id ?? '')));
                  return (
                    <td key={date} className={date === day ? 'chosen' : ''}>
                      <button type="button" className="day" onClick={() => setDay(date)} aria-pressed={date === day} data-date={date}>
                        <span className="daynum">{Number(date.slice(8))}</span>
                        {list.map((s) => (
                          <span key={s.id} className="chip small" style={chip}>
                            {peopleById.get(s.personId)?.displayName ?? 'Unknown'}
                          </span>
                        ))}
                        {list.length === 0 && <span className="muted small">none</span>}
                        {flagged && <span className="sr-only">has compliance findings</span>}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        <aside className="dayside" aria-label="Day" aria-live="polite">
          {day ? (
            <>
              <h3>
                {type?.shortName} on {day}
              </h3>
              <ul className="plain">
                {dayShifts.map((s) => (
                  <li key={s.id}>
                    <button type="button" className="link" onClick={() => showHours(s.personId)}>
                      {peopleById.get(s.personId)?.displayName}
                    </button>{' '}
                    {canEdit && (
                      <button type="button" onClick={() => void unassign(s.id)} aria-label={`Remove ${peopleById.get(s.personId)?.displayName ?? ''}`}>
                        Remove
                      </button>
                    )}
                  </li>
                ))}
                {dayShifts.length === 0 && <li className="muted">No one yet.</li>}
              </ul>
              {canEdit && (
                <div className="assign-row">
                  <label className="inline">
                    <span>Person</span>
                    <select value={personId} onChange={(e) => setPersonId(e.target.value)} data-testid="call-person">
                      <option value="">Choose…</option>
                      {candidates.map(({ p, on }) => (
                        <option key={p.id} value={p.id}>
                          {p.displayName}
                          {on ? ' (on this service)' : ''}
                        </option>
                      ))}
                    </select>
                  </label>
                  <button type="button" className="primary" onClick={() => void assign()} disabled={!personId || busy}>
                    Assign
                  </button>
                </div>
              )}
              <FormError text={error} />
            </>
          ) : (
            <p className="muted">Choose a day.</p>
          )}
        </aside>
      </div>
    </section>
  );
}
