import type { Block, Person } from '../../../../shared/domain/schedule';
import type { ColumnMapping } from '../../../../shared/exchange/import-fields';
import { parseDate } from '../../../../shared/exchange/parse';
import { normalize } from '../../../../shared/exchange/text';
import type { Table, TableRow } from '../table';
import { fieldReader, findPerson, findRotation, matchNote, row, RowError, text, type Plan, type PlanContext } from './common';

/** A block named by its label ("Block 3", "3a"), its number ("3"), or a date inside it. */
function findBlock(blocks: readonly Block[], value: string): Block | null {
  const n = normalize(value);
  if (!n) return null;
  const byLabel = blocks.find((b) => normalize(b.label) === n);
  if (byLabel) return byLabel;
  const num = /^(?:block )?(\d{1,2})(?: .*)?$/.exec(n);
  if (num) {
    const full = blocks.filter((b) => b.number === Number(num[1]));
    if (full.length === 1) return full[0] as Block;
  }
  const date = parseDate(value);
  if (date) return blocks.find((b) => b.startDate <= date && date <= b.endDate) ?? null;
  return null;
}

/** Grid columns: headers that name a block of the year. */
function blockColumns(table: Table, blocks: readonly Block[]): Array<{ index: number; block: Block; header: string }> {
  const cols: Array<{ index: number; block: Block; header: string }> = [];
  const used = new Set<string>();
  table.headers.forEach((h, index) => {
    if (parseDate(h)) return;
    const block = findBlock(blocks, h);
    if (block && !used.has(block.id)) {
      used.add(block.id);
      cols.push({ index, block, header: h });
    }
  });
  return cols;
}

class Unmatched extends RowError {}

interface Cell {
  line: number;
  column: string | null;
  person: Person;
  score: number;
  exact: boolean;
  block: Block;
  rotationText: string;
}

/**
 * Block assignments, in either layout coordinators use: one row per assignment (person, block,
 * rotation) or the year grid (a person per row, a block per column, rotation codes in the cells;
 * the layout of the exported "Year overview" sheet). Empty grid cells change nothing.
 */
export function planAssignments(table: Table, mapping: ColumnMapping, ctx: PlanContext): Plan {
  const get = fieldReader(table, mapping);
  const grid = blockColumns(table, ctx.blocks);
  const layout: Plan['layout'] = grid.length >= 2 ? 'grid' : 'long';
  const out: Plan = { layout, rows: [], ops: [] };
  if (layout === 'long' && (mapping.block === undefined || mapping.rotation === undefined)) {
    throw new RowError('the file has neither block and rotation columns nor block columns (Block 1, Block 2, ...)');
  }
  const seen = new Map<string, string>();
  const cells: Cell[] = [];
  const personOf = (r: TableRow): { person: Person; score: number; exact: boolean } => {
    const name = text(get(r, 'person'), 'name');
    const found = findPerson(ctx, name, get(r, 'email'));
    if (!found.ok) throw new Unmatched(found.reason);
    return found;
  };
  for (const r of table.rows) {
    if (layout === 'grid') {
      let who: { person: Person; score: number; exact: boolean };
      try {
        who = personOf(r);
      } catch (err) {
        if (!(err instanceof RowError)) throw err;
        const filled = grid.filter((g) => (r.cells[g.index] ?? '').trim() !== '').length;
        if (filled > 0) out.rows.push(row(r.line, 'unmatched', `${filled} assignments for "${get(r, 'person').slice(0, 80)}"`, err.message));
        continue;
      }
      for (const g of grid) {
        const v = (r.cells[g.index] ?? '').trim();
        if (v) cells.push({ line: r.line, column: g.header, ...who, block: g.block, rotationText: v });
      }
      continue;
    }
    // Rows with neither block nor rotation are not assignments (the call and absence rows of a
    // combined CSV export): they are left out.
    if (!get(r, 'block') && !get(r, 'rotation')) continue;
    try {
      const who = personOf(r);
      const block = findBlock(ctx.blocks, get(r, 'block'));
      if (!block) throw new RowError('block is not a block of this year');
      cells.push({ line: r.line, column: null, ...who, block, rotationText: get(r, 'rotation') });
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      out.rows.push(row(r.line, err instanceof Unmatched ? 'unmatched' : 'invalid', 'not imported', err.message));
    }
  }
  const current = new Map(ctx.assignments.map((a) => [`${a.personId}|${a.blockId}`, a]));
  for (const c of cells) {
    const where = `${c.person.displayName}, ${c.block.label}`;
    try {
      const rotationText = text(c.rotationText, 'rotation');
      if (!rotationText) throw new RowError('rotation is empty');
      const rotation = findRotation(ctx, rotationText);
      if (!rotation) throw new RowError(`"${rotationText.slice(0, 40)}" is not a known rotation`);
      if ((c.person.kind === 'resident' || c.person.kind === 'fellow') && (c.person.pgy === null || !rotation.eligiblePgy.includes(c.person.pgy))) {
        throw new RowError(`${rotation.shortName} takes PGY ${rotation.eligiblePgy.join(', ')}; the person is PGY-${c.person.pgy ?? '?'}`);
      }
      const key = `${c.person.id}|${c.block.id}`;
      const dup = seen.get(key);
      if (dup !== undefined) throw new RowError(`the same person and block as ${dup}`);
      seen.set(key, `row ${c.line}${c.column ? ` (${c.column})` : ''}`);
      const existing = current.get(key);
      const note = matchNote(c.score, c.exact);
      if (existing?.rotationId === rotation.id) out.rows.push(row(c.line, 'unchanged', `${where}: ${rotation.shortName}`, note, c.score, c.column));
      else {
        out.rows.push(row(c.line, existing ? 'update' : 'new', `${where}: ${rotation.shortName}`, note, c.score, c.column));
        out.ops.push({ type: 'assignment', personId: c.person.id, blockId: c.block.id, rotationId: rotation.id });
      }
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      out.rows.push(row(c.line, 'invalid', where, err.message, null, c.column));
    }
  }
  out.rows.sort((a, b) => a.row - b.row);
  return out;
}
