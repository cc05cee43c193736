import { describe, expect, it } from 'vitest';
import { formatCsv, looksLikeFormula, neutralizeFormula, parseCsv } from '../../shared/exchange/csv';
import { buildCalendar, escapeText, foldLine } from '../../shared/exchange/ics';
import { absenceTypeOf, mapColumns } from '../../shared/exchange/import-fields';
import { parseDate, parsePgy, parsePgyList } from '../../shared/exchange/parse';
import { bestMatch, jaroWinkler, levenshtein, normalizeName } from '../../shared/exchange/text';
import { diffSnapshots, exceedsChurn, type ScheduleSnapshot } from '../../shared/exchange/versions';

const limits = { maxRows: 100, maxColumns: 10, maxCellChars: 50 };

describe('fuzzy matching', () => {
  it('has the textbook distances', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
  });
  it('normalizes case, diacritics, punctuation and word order', () => {
    expect(normalizeName('  Vásquez-Holloway, INGRID ')).toBe(normalizeName('ingrid vasquez holloway'));
  });
  it('matches one candidate, refuses near-ties and weak matches', () => {
    const people = ['Ingrid Vasquez', 'Omar Haddad', 'Resident A01', 'Resident A02'];
    const m = bestMatch('Ingrd Vasquez', people, (x) => [x]);
    expect(m.kind === 'match' && m.match.item).toBe('Ingrid Vasquez');
    expect(bestMatch('Resident A0', people, (x) => [x]).kind).toBe('ambiguous');
    expect(bestMatch('Someone Else', people, (x) => [x]).kind).toBe('none');
  });
  it('maps headers by synonym and similarity, and names missing required ones', () => {
    expect(mapColumns('absences', ['Employee', 'Leave Typ', 'From', 'To']).mapping).toEqual({ person: 'Employee', type: 'Leave Typ', startDate: 'From', endDate: 'To' });
    expect(mapColumns('absences', ['Employee']).missing).toEqual(['type', 'startDate', 'endDate']);
    expect(absenceTypeOf('Annual Leave')).toBe('vacation');
    expect(absenceTypeOf('TDY')).toBe('tdy');
    expect(absenceTypeOf('sabbatical')).toBeNull();
  });
  it('parses coordinators\' dates and levels', () => {
    expect(parseDate('7/4/2026')).toBe('2026-07-04');
    expect(parseDate('04.07.2026')).toBe('2026-07-04');
    expect(parseDate('46207')).toBe('2026-07-04');
    expect(parseDate('2026-02-30')).toBeNull();
    expect(parsePgy('PGY-3')).toBe(3);
    expect(parsePgy('senior')).toBeNull();
    expect(parsePgyList('1-3')).toEqual([1, 2, 3]);
    expect(parsePgyList('PGY1/PGY2')).toEqual([1, 2]);
  });
});

describe('CSV', () => {
  it('parses quotes, doubled quotes, CRLF and semicolons', () => {
    const r = parseCsv('a;"b;c"\r\n"say ""hi""";\n', limits);
    expect(r).toEqual({ ok: true, rows: [['a', 'b;c'], ['say "hi"', '']], delimiter: ';' });
  });
  it('neutralizes formulas on the way out and recognizes them on the way in', () => {
    expect(['=1+1', '+1', '-x', '@A1', '\tx', '\rx', 'ok'].map(neutralizeFormula)).toEqual(["'=1+1", "'+1", "'-x", "'@A1", "'\tx", "'\rx", 'ok']);
    expect(formatCsv([['=A1', 'a,b', 3]])).toBe('\uFEFF\'=A1,"a,b",3\r\n');
    expect(looksLikeFormula('-5')).toBe(false);
    expect(looksLikeFormula('-cmd')).toBe(true);
  });
});

describe('iCalendar text', () => {
  it('escapes and folds at 75 octets without splitting UTF-8', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    const line = `SUMMARY:${'é'.repeat(60)}`;
    const folded = foldLine(line);
    for (const l of folded.split('\r\n')) expect(new TextEncoder().encode(l).length).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    const cal = buildCalendar({ name: 'x', stamp: '2026-07-01T12:00:00.000Z', events: [{ uid: 'u1@x', summary: 's', allDay: true, startDate: '2026-07-01', endDateInclusive: '2026-07-28' }] });
    expect(cal).toContain('DTEND;VALUE=DATE:20260729\r\n');
    expect(cal).toContain('DTSTAMP:20260701T120000Z\r\n');
  });
});

describe('version diff', () => {
  const base = (assignments: ScheduleSnapshot['assignments'], shifts: ScheduleSnapshot['shifts']): ScheduleSnapshot => ({
    yearId: 'y', yearLabel: 'Y', blocks: [], rotations: [], people: [], shiftTypes: [], assignments, shifts,
  });
  const shift = (personId: string, date: string) => ({ personId, shiftTypeId: 't', date, startsAt: `${date}T12:00:00Z`, endsAt: `${date}T23:00:00Z` });
  it('counts a traded call once for each of the two people, and flags per-person churn', () => {
    const cells = ['a', 'b'].flatMap((p) => Array.from({ length: 10 }, (_, i) => ({ personId: p, blockId: `b${i}`, rotationId: 'r' })));
    const shifts = Array.from({ length: 20 }, (_, i) => shift(i % 2 ? 'a' : 'b', `2026-07-${String(i + 1).padStart(2, '0')}`));
    const prev = base(cells, shifts);
    const traded = base(cells, shifts.map((s, i) => (i === 0 ? { ...s, personId: 'a' } : i === 1 ? { ...s, personId: 'b' } : s)));
    const d = diffSnapshots(prev, traded);
    expect(d).toMatchObject({ assignmentsChanged: 0, shiftsChanged: 2, peopleChanged: 2, peopleOverLimit: 0 });
    expect(exceedsChurn(d, true)).toBe(false);
    const replanned = base(cells.map((c, i) => (i < 6 ? { ...c, rotationId: 'other' } : c)), shifts);
    const d2 = diffSnapshots(prev, replanned);
    expect(d2).toMatchObject({ assignmentsChanged: 6, assignmentsPercent: 30, peopleOverLimit: 1 });
    expect(exceedsChurn(d2, true)).toBe(true);
    expect(exceedsChurn(d2, false)).toBe(false);
  });
});
