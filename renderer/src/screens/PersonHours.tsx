import { useMemo } from 'react';
import { FindingCard } from '../components/FindingCard';
import { HoursChart } from '../components/HoursChart';
import { weekStats } from '../lib/hours';
import { currentYear, useSchedule } from '../state/schedule';
import { useUi } from '../state/ui';

/** One person's year: hours against the 80-hour limit, days off and call frequency, with findings. */
export function PersonHours() {
  const year = useSchedule(currentYear);
  const people = useSchedule((s) => s.people);
  const shifts = useSchedule((s) => s.shifts);
  const shiftTypes = useSchedule((s) => s.shiftTypes);
  const program = useSchedule((s) => s.program);
  const findings = useSchedule((s) => s.findings);
  const personId = useUi((s) => s.hoursPersonId);
  const showHours = useUi((s) => s.showHours);
  const trainees = useMemo(() => people.filter((p) => p.active && (p.kind === 'resident' || p.kind === 'fellow')).sort((a, b) => (a.pgy ?? 0) - (b.pgy ?? 0) || a.displayName.localeCompare(b.displayName, undefined, { numeric: true })), [people]);
  const person = people.find((p) => p.id === personId) ?? trainees[0];
  const types = useMemo(() => new Map(shiftTypes.map((t) => [t.id, t])), [shiftTypes]);
  const weeks = useMemo(
    () => (person && year ? weekStats(shifts.filter((s) => s.personId === person.id), types, year.year.startDate, year.year.endDate, program?.timeZone ?? 'UTC') : []),
    [person, year, shifts, types, program],
  );
  if (!year) return null;
  const mine = findings.filter((f) => f.personId === person?.id);
  const calls = weeks.reduce((n, w) => n + w.calls, 0);
  const worst = weeks.reduce((m, w) => Math.max(m, w.average4), 0);
  const daysOff = weeks.reduce((n, w) => n + w.daysOff, 0);
  return (
    <section aria-labelledby="hours-title">
      <div className="section-head">
        <h2 id="hours-title">Hours and days off</h2>
        <label className="inline">
          <span>Person</span>
          <select value={person?.id ?? ''} onChange={(e) => showHours(e.target.value)} data-testid="hours-person">
            {trainees.map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName} (PGY-{p.pgy})
              </option>
            ))}
          </select>
        </label>
      </div>
      {person && (
        <>
          <dl className="stats">
            <div>
              <dt>Highest 4-week average</dt>
              <dd className={worst > 80 ? 'error' : ''}>{worst} h</dd>
            </div>
            <div>
              <dt>In-house calls this year</dt>
              <dd>{calls}{calls > 0 && ` (every ${Math.round((weeks.length * 7) / calls)} days on average)`}</dd>
            </div>
            <div>
              <dt>Days free of duty</dt>
              <dd>{daysOff}</dd>
            </div>
          </dl>
          <HoursChart weeks={weeks} />
          <h3>Findings</h3>
          {mine.length === 0 ? <p className="muted">None.</p> : mine.map((f) => <FindingCard key={f.key} finding={f} />)}
        </>
      )}
    </section>
  );
}
