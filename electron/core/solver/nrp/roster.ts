import type { NrpInstance, NrpRoster } from './instance';
import { emptyRoster } from './instance';

/** Writes the README's roster format: per staff member (instance order) the ID then one token a day. */
export function formatRoster(instance: NrpInstance, roster: NrpRoster): string {
  const H = instance.horizon;
  const lines: string[] = [];
  for (let e = 0; e < instance.staff.length; e++) {
    const tokens = [instance.staff[e]?.id ?? ''];
    for (let d = 0; d < H; d++) {
      const v = roster.cells[e * H + d] ?? 0;
      tokens.push(v === 0 ? '-' : (instance.shifts[v - 1]?.id ?? '?'));
    }
    lines.push(tokens.join(' '));
  }
  return lines.join('\n') + '\n';
}

export class RosterParseError extends Error {
  override name = 'RosterParseError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(line > 0 ? `roster line ${line}: ${message}` : `roster: ${message}`);
  }
}

/**
 * Reads a roster written by formatRoster (or by hand). Every staff member must appear exactly once,
 * in any order, with exactly one token per day; blank lines and `#` comments are ignored.
 */
export function parseRoster(instance: NrpInstance, text: string): NrpRoster {
  const H = instance.horizon;
  const roster = emptyRoster(instance);
  const staffIndex = new Map(instance.staff.map((s, i) => [s.id, i]));
  const shiftIndex = new Map(instance.shifts.map((s, i) => [s.id, i]));
  const seen = new Set<number>();
  const raw = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < raw.length; i++) {
    const line = (raw[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const [id, ...tokens] = line.split(/\s+/);
    const e = staffIndex.get(id ?? '');
    if (e === undefined) throw new RosterParseError(`unknown employee "${id ?? ''}"`, i + 1);
    if (seen.has(e)) throw new RosterParseError(`employee "${id ?? ''}" appears twice`, i + 1);
    seen.add(e);
    if (tokens.length !== H) {
      throw new RosterParseError(`expected ${H} day tokens for "${id ?? ''}", got ${tokens.length}`, i + 1);
    }
    for (let d = 0; d < H; d++) {
      const t = tokens[d] ?? '-';
      if (t === '-') continue;
      const s = shiftIndex.get(t);
      if (s === undefined) throw new RosterParseError(`unknown shift "${t}" on day ${d} for "${id ?? ''}"`, i + 1);
      roster.cells[e * H + d] = s + 1;
    }
  }
  const missing = instance.staff.filter((_, e) => !seen.has(e)).map((s) => s.id);
  if (missing.length > 0) throw new RosterParseError(`no line for employee(s) ${missing.join(', ')}`, 0);
  return roster;
}
