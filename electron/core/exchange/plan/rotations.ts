import { Rotation } from '../../../../shared/domain/schedule';
import type { ColumnMapping } from '../../../../shared/exchange/import-fields';
import { parseCount, parsePgyList, parseSetting } from '../../../../shared/exchange/parse';
import { normalize } from '../../../../shared/exchange/text';
import type { Table } from '../table';
import { fieldReader, findRotation, row, RowError, text, type Plan, type PlanContext } from './common';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** A short code from a name: initials of its words, else its first letters ("Night Float" -> "NF"). */
function shortFrom(name: string): string {
  const words = normalize(name).split(' ').filter(Boolean);
  const initials = words.map((w) => w[0]).join('').toUpperCase();
  return (initials.length >= 2 ? initials : normalize(name).replace(/ /g, '').toUpperCase()).slice(0, 8) || 'ROT';
}

/** Rotation rows: matched by short name or name; columns absent from the file keep their values. */
export function planRotations(table: Table, mapping: ColumnMapping, ctx: PlanContext): Plan {
  const get = fieldReader(table, mapping);
  const out: Plan = { layout: 'long', rows: [], ops: [] };
  const seen = new Map<string, number>();
  let colour = ctx.rotations.length;
  for (const r of table.rows) {
    try {
      const name = text(get(r, 'name'), 'name');
      if (!name) throw new RowError('name is empty');
      const shortText = text(get(r, 'shortName'), 'short name');
      if (shortText.length > 8) throw new RowError('short name is longer than 8 characters');
      const setting = get(r, 'setting') ? parseSetting(get(r, 'setting')) : undefined;
      if (setting === null) throw new RowError('setting is not one of inpatient, outpatient, icu, emergency, elective, research, leave, other');
      const nums: Record<'capacityMin' | 'capacityMax', number | undefined> = { capacityMin: undefined, capacityMax: undefined };
      for (const f of ['capacityMin', 'capacityMax'] as const) {
        const t = get(r, f);
        if (!t) continue;
        const n = parseCount(t);
        if (n === null || n > 200) throw new RowError(`${f === 'capacityMin' ? 'minimum' : 'maximum'} is not a whole number up to 200`);
        nums[f] = n;
      }
      const pgyText = get(r, 'eligiblePgy');
      const eligible = pgyText ? parsePgyList(pgyText) : undefined;
      if (eligible === null) throw new RowError('eligible PGY is not a list of levels like 1,2,3 or 1-3');
      const site = text(get(r, 'site'), 'site');

      const base = (shortText ? ctx.rotations.find((x) => normalize(x.shortName) === normalize(shortText)) : undefined) ?? findRotation(ctx, name);
      const key = normalize(base?.id ?? shortText ?? name) || normalize(name);
      const dup = seen.get(key);
      if (dup !== undefined) throw new RowError(`duplicate of row ${dup}`);
      seen.set(key, r.line);

      const next = {
        name: base && normalize(base.name) !== normalize(name) && normalize(base.shortName) === normalize(shortText) ? name : (base?.name ?? name),
        shortName: shortText || (base?.shortName ?? shortFrom(name)),
        setting: setting ?? base?.setting ?? 'other',
        site: site || (base?.site ?? ''),
        colour: base?.colour ?? (PALETTE[colour++ % PALETTE.length] as string),
        eligiblePgy: eligible ?? base?.eligiblePgy ?? [1, 2, 3, 4, 5],
        capacityMin: nums.capacityMin ?? base?.capacityMin ?? 0,
        capacityMax: nums.capacityMax ?? base?.capacityMax ?? 200,
        requiredCredentials: base?.requiredCredentials ?? [],
        supervisionRatio: base?.supervisionRatio ?? null,
        hoursException: base?.hoursException ?? null,
        rulePacks: base?.rulePacks ?? [],
        group: base?.group ?? '',
      };
      const valid = Rotation.safeParse({ ...next, id: base?.id ?? 'new' });
      if (!valid.success) throw new RowError(valid.error.issues.map((i) => `${i.path.join('.') || 'record'} ${i.message}`).join('; '));
      if (base) {
        const changed = (Object.keys(next) as Array<keyof typeof next>).some((k) => JSON.stringify(next[k]) !== JSON.stringify(base[k]));
        if (!changed) out.rows.push(row(r.line, 'unchanged', `${base.name}: no change`));
        else {
          out.rows.push(row(r.line, 'update', `update rotation ${base.name}`));
          out.ops.push({ type: 'rotation', input: { ...next, id: base.id } });
        }
      } else {
        out.rows.push(row(r.line, 'new', `new rotation ${name} (${next.shortName})`));
        out.ops.push({ type: 'rotation', input: next });
      }
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      out.rows.push(row(r.line, 'invalid', 'not imported', err.message));
    }
  }
  return out;
}
