import type { NrpCover, NrpInstance, NrpRequest, NrpShift, NrpStaff } from './instance';

/** A parse failure that names the offending line (1-based) and section so a user can fix the file. */
export class NrpParseError extends Error {
  override name = 'NrpParseError';
  constructor(
    message: string,
    readonly line: number,
    readonly section: string,
  ) {
    // Line 0 means the problem concerns the file as a whole (e.g. a missing section).
    super(line > 0 ? `line ${line} (${section}): ${message}` : `${section}: ${message}`);
  }
}

const SECTIONS = [
  'SECTION_HORIZON',
  'SECTION_SHIFTS',
  'SECTION_STAFF',
  'SECTION_DAYS_OFF',
  'SECTION_SHIFT_ON_REQUESTS',
  'SECTION_SHIFT_OFF_REQUESTS',
  'SECTION_COVER',
] as const;
type Section = (typeof SECTIONS)[number];

interface Line {
  no: number;
  text: string;
}

/** Splits the file into sections; each section is its header followed by data lines up to a blank line. */
function splitSections(text: string): Map<Section, { header: number; lines: Line[] }> {
  const out = new Map<Section, { header: number; lines: Line[] }>();
  const raw = text.split(/\r\n|\n|\r/);
  let current: { header: number; lines: Line[] } | null = null;
  let currentName = '(before any section)';
  for (let i = 0; i < raw.length; i++) {
    const text = (raw[i] ?? '').trim();
    const no = i + 1;
    if (text.startsWith('#')) continue;
    if (text === '') {
      current = null;
      continue;
    }
    if (text.startsWith('SECTION_')) {
      if (!(SECTIONS as readonly string[]).includes(text)) {
        throw new NrpParseError(`unknown section "${text}"`, no, text);
      }
      const name = text as Section;
      if (out.has(name)) throw new NrpParseError(`section appears twice`, no, name);
      current = { header: no, lines: [] };
      currentName = name;
      out.set(name, current);
      continue;
    }
    if (!current) throw new NrpParseError(`data outside a section: "${text}"`, no, currentName);
    current.lines.push({ no, text });
  }
  return out;
}

function int(field: string | undefined, what: string, line: Line, section: string, min = 0): number {
  const t = (field ?? '').trim();
  if (!/^-?\d+$/.test(t)) throw new NrpParseError(`${what} must be an integer, got "${t}"`, line.no, section);
  const v = Number(t);
  if (v < min) throw new NrpParseError(`${what} must be at least ${min}, got ${v}`, line.no, section);
  return v;
}

function fields(line: Line, count: number, section: string, what: string): string[] {
  const f = line.text.split(',').map((s) => s.trim());
  if (f.length !== count) {
    throw new NrpParseError(`expected ${count} fields (${what}), got ${f.length}`, line.no, section);
  }
  return f;
}

/** Parses the Curtois & Qu text format (see the benchmark README). Accepts CRLF or LF line endings. */
export function parseNrp(text: string, name = 'instance'): NrpInstance {
  const sections = splitSections(text);
  const need = (s: Section): { header: number; lines: Line[] } => {
    const sec = sections.get(s);
    if (!sec) throw new NrpParseError(`missing section ${s}`, 0, s);
    return sec;
  };

  const hz = need('SECTION_HORIZON');
  const hzLine = hz.lines[0];
  if (!hzLine || hz.lines.length !== 1) {
    throw new NrpParseError('expected exactly one line with the number of days', hz.header, 'SECTION_HORIZON');
  }
  const horizon = int(hzLine.text, 'horizon', hzLine, 'SECTION_HORIZON', 1);

  // Shifts: ids first, so forbidden successions can refer to shifts declared later.
  const shiftSec = need('SECTION_SHIFTS');
  const shiftIndex = new Map<string, number>();
  const shiftRows = shiftSec.lines.map((line) => {
    const f = fields(line, 3, 'SECTION_SHIFTS', 'ShiftID, LengthInMinutes, ForbiddenNext');
    const id = f[0] ?? '';
    if (id === '') throw new NrpParseError('empty shift id', line.no, 'SECTION_SHIFTS');
    if (shiftIndex.has(id)) throw new NrpParseError(`duplicate shift id "${id}"`, line.no, 'SECTION_SHIFTS');
    shiftIndex.set(id, shiftIndex.size);
    return { line, f };
  });
  if (shiftRows.length === 0) throw new NrpParseError('no shifts', shiftSec.header, 'SECTION_SHIFTS');
  const shiftOf = (id: string | undefined, line: Line, section: string): number => {
    const s = shiftIndex.get((id ?? '').trim());
    if (s === undefined) throw new NrpParseError(`unknown shift "${id ?? ''}"`, line.no, section);
    return s;
  };
  const shifts: NrpShift[] = shiftRows.map(({ line, f }) => ({
    id: f[0] ?? '',
    minutes: int(f[1], 'shift length', line, 'SECTION_SHIFTS', 1),
    forbiddenNext: (f[2] ?? '')
      .split('|')
      .filter((s) => s.trim() !== '')
      .map((s) => shiftOf(s, line, 'SECTION_SHIFTS')),
  }));

  const staffSec = need('SECTION_STAFF');
  const staffIndex = new Map<string, number>();
  const staff: NrpStaff[] = staffSec.lines.map((line) => {
    const S = 'SECTION_STAFF';
    const f = fields(line, 8, S, 'ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, ...');
    const id = f[0] ?? '';
    if (id === '') throw new NrpParseError('empty staff id', line.no, S);
    if (staffIndex.has(id)) throw new NrpParseError(`duplicate staff id "${id}"`, line.no, S);
    staffIndex.set(id, staffIndex.size);
    // A shift type not listed in MaxShifts is unrestricted (at most one shift a day anyway).
    const maxShifts = shifts.map(() => horizon);
    for (const part of (f[1] ?? '').split('|').filter((p) => p.trim() !== '')) {
      const [sid, max] = part.split('=');
      if (max === undefined) throw new NrpParseError(`MaxShifts entry "${part}" is not Shift=max`, line.no, S);
      maxShifts[shiftOf(sid, line, S)] = int(max, `MaxShifts for ${sid ?? ''}`, line, S);
    }
    return {
      id,
      maxShifts,
      maxTotalMinutes: int(f[2], 'MaxTotalMinutes', line, S),
      minTotalMinutes: int(f[3], 'MinTotalMinutes', line, S),
      maxConsecutiveShifts: int(f[4], 'MaxConsecutiveShifts', line, S),
      minConsecutiveShifts: int(f[5], 'MinConsecutiveShifts', line, S),
      minConsecutiveDaysOff: int(f[6], 'MinConsecutiveDaysOff', line, S),
      maxWeekends: int(f[7], 'MaxWeekends', line, S),
    };
  });
  if (staff.length === 0) throw new NrpParseError('no staff', staffSec.header, 'SECTION_STAFF');
  const staffOf = (id: string | undefined, line: Line, section: string): number => {
    const e = staffIndex.get((id ?? '').trim());
    if (e === undefined) throw new NrpParseError(`unknown employee "${id ?? ''}"`, line.no, section);
    return e;
  };
  const day = (field: string | undefined, line: Line, section: string): number => {
    const d = int(field, 'day', line, section);
    if (d >= horizon) throw new NrpParseError(`day ${d} is outside the horizon of ${horizon} days`, line.no, section);
    return d;
  };

  const daysOff: number[][] = staff.map(() => []);
  for (const line of sections.get('SECTION_DAYS_OFF')?.lines ?? []) {
    const f = line.text.split(',').map((s) => s.trim());
    const e = staffOf(f[0], line, 'SECTION_DAYS_OFF');
    const list = daysOff[e] ?? [];
    for (const field of f.slice(1)) if (field !== '') list.push(day(field, line, 'SECTION_DAYS_OFF'));
  }
  for (let e = 0; e < daysOff.length; e++) daysOff[e] = [...new Set(daysOff[e])].sort((a, b) => a - b);

  const requests = (section: Section): NrpRequest[] =>
    (sections.get(section)?.lines ?? []).map((line) => {
      const f = fields(line, 4, section, 'EmployeeID, Day, ShiftID, Weight');
      return {
        staff: staffOf(f[0], line, section),
        day: day(f[1], line, section),
        shift: shiftOf(f[2], line, section),
        weight: int(f[3], 'weight', line, section),
      };
    });

  const coverSeen = new Set<number>();
  const cover: NrpCover[] = (sections.get('SECTION_COVER')?.lines ?? []).map((line) => {
    const S = 'SECTION_COVER';
    const f = fields(line, 5, S, 'Day, ShiftID, Requirement, WeightUnder, WeightOver');
    const c = {
      day: day(f[0], line, S),
      shift: shiftOf(f[1], line, S),
      requirement: int(f[2], 'requirement', line, S),
      weightUnder: int(f[3], 'weight for under', line, S),
      weightOver: int(f[4], 'weight for over', line, S),
    };
    const key = c.day * shifts.length + c.shift;
    if (coverSeen.has(key)) throw new NrpParseError(`second cover line for day ${c.day} shift ${f[1] ?? ''}`, line.no, S);
    coverSeen.add(key);
    return c;
  });

  return {
    name,
    horizon,
    shifts,
    staff,
    daysOff,
    onRequests: requests('SECTION_SHIFT_ON_REQUESTS'),
    offRequests: requests('SECTION_SHIFT_OFF_REQUESTS'),
    cover,
  };
}
