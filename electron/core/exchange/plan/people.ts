import { z } from 'zod';
import { Person } from '../../../../shared/domain/schedule';
import type { ColumnMapping } from '../../../../shared/exchange/import-fields';
import { parseDate, parseKind, parsePgy } from '../../../../shared/exchange/parse';
import { normalizeName } from '../../../../shared/exchange/text';
import type { Table } from '../table';
import { fieldReader, findPerson, matchNote, row, RowError, text, type Plan, type PlanContext } from './common';

const Email = z.string().email().max(254);

/**
 * People rows: matched by email, then by name (fuzzy); a match with different values is an update
 * (only the columns present in the file change), no match is a new person. A second row for the
 * same person is refused as a duplicate.
 */
export function planPeople(table: Table, mapping: ColumnMapping, ctx: PlanContext): Plan {
  const get = fieldReader(table, mapping);
  const out: Plan = { layout: 'long', rows: [], ops: [] };
  const seen = new Map<string, number>();
  for (const r of table.rows) {
    try {
      const name = text(get(r, 'name'), 'name');
      if (!name) throw new RowError('name is empty');
      const email = get(r, 'email');
      if (email && !Email.safeParse(email).success) throw new RowError('email is not an email address');
      const pgyText = get(r, 'pgy');
      const pgy = pgyText ? parsePgy(pgyText) : null;
      if (pgyText && pgy === null) throw new RowError('PGY is not a level from 1 to 10');
      const kindText = get(r, 'kind');
      const kind = kindText ? parseKind(kindText) : null;
      if (kindText && kind === null) throw new RowError('type is not resident, fellow, faculty or other');
      const dates: Record<'trainingStart' | 'trainingEnd', string | null | undefined> = { trainingStart: undefined, trainingEnd: undefined };
      for (const f of ['trainingStart', 'trainingEnd'] as const) {
        const t = get(r, f);
        if (!t) continue;
        const d = parseDate(t);
        if (!d) throw new RowError(`${f === 'trainingStart' ? 'training start' : 'training end'} is not a date`);
        dates[f] = d;
      }
      const specialty = text(get(r, 'specialty'), 'specialty');

      const key = email ? email.toLowerCase() : normalizeName(name);
      const dup = seen.get(key);
      if (dup !== undefined) throw new RowError(`duplicate of row ${dup}`);
      seen.set(key, r.line);

      const found = findPerson(ctx, name, email);
      const base = found.ok ? found.person : null;
      const next = {
        displayName: name,
        email: email || (base?.email ?? null),
        kind: kind ?? base?.kind ?? (pgy !== null ? 'resident' : 'other'),
        pgy: pgy ?? base?.pgy ?? null,
        specialty: specialty || (base?.specialty ?? ''),
        facultyRoles: base?.facultyRoles ?? [],
        trainingStart: dates.trainingStart ?? base?.trainingStart ?? null,
        trainingEnd: dates.trainingEnd ?? base?.trainingEnd ?? null,
        active: base?.active ?? true,
      };
      const valid = Person.safeParse({ ...next, id: base?.id ?? 'new' });
      if (!valid.success) throw new RowError(valid.error.issues.map((i) => `${i.path.join('.') || 'record'} ${i.message}`).join('; '));
      if (base) {
        // A match by name never renames (the file's spelling or case may differ); a match by
        // email takes the file's name, which is how a rename is imported.
        const record = { ...next, displayName: found.ok && found.byEmail ? name : base.displayName };
        const changed = (Object.keys(record) as Array<keyof typeof record>).some((k) => JSON.stringify(record[k]) !== JSON.stringify(base[k]));
        const note = found.ok ? matchNote(found.score, found.exact) : null;
        if (!changed) out.rows.push(row(r.line, 'unchanged', `${base.displayName}: no change`, note, found.ok ? found.score : null));
        else {
          out.rows.push(row(r.line, 'update', `update ${base.displayName}`, note, found.ok ? found.score : null));
          out.ops.push({ type: 'person', input: { ...record, id: base.id } });
        }
      } else {
        out.rows.push(row(r.line, 'new', `new ${next.kind} ${name}${next.pgy ? ` (PGY-${next.pgy})` : ''}`));
        out.ops.push({ type: 'person', input: next });
      }
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      out.rows.push(row(r.line, 'invalid', 'not imported', err.message));
    }
  }
  return out;
}
