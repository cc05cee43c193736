import { EXCLUDED_FROM_AVERAGING_BY_DEFAULT } from '../../../../shared/domain/schedule';
import { absenceTypeOf, type ColumnMapping } from '../../../../shared/exchange/import-fields';
import { parseDate, parseStatus } from '../../../../shared/exchange/parse';
import type { Table } from '../table';
import { fieldReader, findPerson, matchNote, row, RowError, text, type Plan, type PlanContext } from './common';

/**
 * Absence rows (the coordinator's leave spreadsheet): the person by email or name, the type from
 * the coordinator's wording, dates in ISO, US or European form. A name that matches nobody is
 * "unmatched" and left for review (nothing is written for it); the same person and dates as an
 * existing absence is an update; an overlap with another absence is refused as the service would.
 */
export function planAbsences(table: Table, mapping: ColumnMapping, ctx: PlanContext): Plan {
  const get = fieldReader(table, mapping);
  const out: Plan = { layout: 'long', rows: [], ops: [] };
  const planned: Array<{ personId: string; startDate: string; endDate: string; line: number }> = [];
  for (const r of table.rows) {
    try {
      const name = text(get(r, 'person'), 'name');
      const typeText = get(r, 'type');
      const type = absenceTypeOf(typeText);
      if (!type) throw new RowError(typeText ? 'type is not a known absence type' : 'type is empty');
      const startDate = parseDate(get(r, 'startDate'));
      const endDate = parseDate(get(r, 'endDate'));
      if (!startDate) throw new RowError('start is not a date');
      if (!endDate) throw new RowError('end is not a date');
      if (endDate < startDate) throw new RowError('ends before it starts');
      const statusText = get(r, 'status');
      const status = statusText ? parseStatus(statusText) : 'approved';
      if (!status) throw new RowError('status is not approved, requested, denied or cancelled');
      const reason = text(get(r, 'reason'), 'reason') || null;
      const notes = text(get(r, 'notes'), 'notes') || null;
      const location = text(get(r, 'location'), 'location') || null;
      if (location && location.length > 200) throw new RowError('location is longer than 200 characters');

      const found = findPerson(ctx, name, get(r, 'email'));
      if (!found.ok) {
        out.rows.push(row(r.line, 'unmatched', `${type} ${startDate} to ${endDate} for "${name.slice(0, 80)}"`, found.reason));
        continue;
      }
      const p = found.person;
      const same = ctx.absences.find((a) => a.personId === p.id && a.startDate === startDate && a.endDate === endDate);
      const active = status === 'approved' || status === 'requested';
      if (active) {
        const overlaps = ctx.absences.some((a) => a.personId === p.id && a.id !== same?.id && (a.status === 'approved' || a.status === 'requested') && a.startDate <= endDate && startDate <= a.endDate);
        const inFile = planned.find((x) => x.personId === p.id && x.startDate <= endDate && startDate <= x.endDate);
        if (overlaps) throw new RowError('overlaps another absence of this person');
        if (inFile) throw new RowError(`overlaps row ${inFile.line}`);
        planned.push({ personId: p.id, startDate, endDate, line: r.line });
      }
      const next = {
        personId: p.id, type, startDate, endDate, status,
        excludeFromAveraging: same?.excludeFromAveraging ?? EXCLUDED_FROM_AVERAGING_BY_DEFAULT.has(type),
        reason: reason ?? same?.reason ?? null,
        notes: notes ?? same?.notes ?? null,
        location: location ?? same?.location ?? null,
      };
      const note = matchNote(found.score, found.exact);
      if (same) {
        const changed = (Object.keys(next) as Array<keyof typeof next>).some((k) => next[k] !== same[k]);
        if (!changed) out.rows.push(row(r.line, 'unchanged', `${p.displayName}: ${type} ${startDate} to ${endDate}, no change`, note, found.score));
        else {
          out.rows.push(row(r.line, 'update', `update ${p.displayName}: ${type} ${startDate} to ${endDate}`, note, found.score));
          out.ops.push({ type: 'absence', input: { ...next, id: same.id } });
        }
      } else {
        out.rows.push(row(r.line, 'new', `${p.displayName}: ${type} ${startDate} to ${endDate} (${status})`, note, found.score));
        out.ops.push({ type: 'absence', input: next });
      }
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      out.rows.push(row(r.line, 'invalid', 'not imported', err.message));
    }
  }
  return out;
}
