import { describe, expect, it } from 'vitest';
import { capacity, cellKey, copyRect, filterPeople, indexAssignments, move, NO_FILTERS, pasteItems, rectKeys, typeAhead } from '../../renderer/src/lib/grid-model';
import { EMPTY_UNDO, record, redo, undo, UNDO_LIMIT } from '../../renderer/src/lib/undo';
import { scrollToRow, windowRange } from '../../renderer/src/lib/windowing';
import { contrast, textOn } from '../../renderer/src/lib/colour';
import { filterFindings, indexFindings, mergeFindings, ALL_FINDINGS, type Finding } from '../../renderer/src/lib/findings';
import { weekStats } from '../../renderer/src/lib/hours';
import { monthWeeks } from '../../renderer/src/lib/calendar';
import type { Block, BlockAssignment, Person, Rotation } from '../../shared/domain/schedule';

const person = (id: string, over: Partial<Person> = {}): Person => ({
  id, displayName: `Resident ${id}`, email: null, kind: 'resident', pgy: 1, specialty: '', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true, ...over,
});
const rotation = (id: string, over: Partial<Rotation> = {}): Rotation => ({
  id, name: `${id} rotation`, shortName: id, setting: 'inpatient', site: '', colour: '#9cc3ff', eligiblePgy: [1, 2, 3], capacityMin: 1, capacityMax: 2,
  requiredCredentials: [], supervisionRatio: null, hoursException: null, rulePacks: [], group: 'G', ...over,
});
const block = (n: number): Block => ({ id: `b${n}`, academicYearId: 'y', number: n, label: `Block ${n}`, startDate: `2026-0${n}-01`, endDate: `2026-0${n}-28`, half: 'full' });
const assign = (p: string, b: string, r: string): BlockAssignment => ({ id: `${p}${b}`, personId: p, blockId: b, rotationId: r, pinned: false });

describe('grid model', () => {
  const people = [person('A02', { pgy: 2 }), person('F01', { kind: 'faculty', pgy: null, displayName: 'Faculty F01' }), person('A10'), person('A01'), person('X', { active: false })];
  const blocks = [block(1), block(2), block(3)];
  const map = indexAssignments([assign('A01', 'b1', 'MICU'), assign('A02', 'b2', 'WARD'), assign('F01', 'b1', 'MICU'), assign('A10', 'b1', 'MICU'), assign('A02', 'b1', 'MICU')]);

  it('orders residents by PGY then name (numeric), faculty last, and drops inactive people', () => {
    expect(filterPeople(people, NO_FILTERS, map, blocks).map((p) => p.id)).toEqual(['A01', 'A10', 'A02', 'F01']);
  });

  it('filters by PGY, text, kind and rotation', () => {
    expect(filterPeople(people, { ...NO_FILTERS, pgy: 2 }, map, blocks).map((p) => p.id)).toEqual(['A02']);
    expect(filterPeople(people, { ...NO_FILTERS, text: 'a1' }, map, blocks).map((p) => p.id)).toEqual(['A10']);
    expect(filterPeople(people, { ...NO_FILTERS, kind: 'faculty' }, map, blocks).map((p) => p.id)).toEqual(['F01']);
    expect(filterPeople(people, { ...NO_FILTERS, rotationId: 'WARD' }, map, blocks).map((p) => p.id)).toEqual(['A02']);
  });

  it('counts trainees (not faculty) per rotation and block against min and max', () => {
    const cap = capacity([rotation('MICU'), rotation('WARD', { capacityMin: 2 }), rotation('LEAVE', { setting: 'leave', capacityMin: 3 })], blocks, map, new Map(people.map((p) => [p.id, p])));
    expect(cap.get('MICU|b1')).toMatchObject({ count: 3, state: 'over' });
    expect(cap.get('MICU|b2')).toMatchObject({ count: 0, state: 'under' });
    expect(cap.get('WARD|b2')).toMatchObject({ count: 1, state: 'under' });
    expect(cap.get('LEAVE|b1')).toMatchObject({ count: 0, state: 'ok' });
  });

  it('moves with arrows, pages and Home/End, clamped to the grid', () => {
    expect(move({ row: 0, col: 0 }, 'ArrowUp', 10, 5, 4)).toEqual({ row: 0, col: 0 });
    expect(move({ row: 0, col: 0 }, 'ArrowRight', 10, 5, 4)).toEqual({ row: 0, col: 1 });
    expect(move({ row: 8, col: 2 }, 'PageDown', 10, 5, 4)).toEqual({ row: 9, col: 2 });
    expect(move({ row: 3, col: 2 }, 'End', 10, 5, 4)).toEqual({ row: 3, col: 4 });
    expect(move({ row: 3, col: 2 }, 'x', 10, 5, 4)).toBeNull();
  });

  it('selects rectangles, copies them and pastes them at another cell', () => {
    const rows = filterPeople(people, NO_FILTERS, map, blocks);
    const keys = rectKeys(rows, blocks, { row: 1, col: 1 }, { row: 0, col: 0 });
    expect(keys).toEqual([cellKey('A01', 'b1'), cellKey('A01', 'b2'), cellKey('A10', 'b1'), cellKey('A10', 'b2')]);
    const clip = copyRect(new Set(keys), rows, blocks, map);
    expect(clip).toEqual([['MICU', null], ['MICU', null]]);
    expect(pasteItems(clip, { row: 2, col: 2 }, rows, blocks)).toEqual([
      { personId: 'A02', blockId: 'b3', rotationId: 'MICU' },
      { personId: 'F01', blockId: 'b3', rotationId: 'MICU' },
    ]);
  });

  it('ranks type-ahead matches: short name prefix, name prefix, anywhere; eligible first', () => {
    const rs = [rotation('GERI', { name: 'Geriatrics' }), rotation('GI', { name: 'Gastroenterology' }), rotation('CCU', { name: 'Cardiac care', eligiblePgy: [2, 3] }), rotation('CARD', { name: 'Cardiology' })];
    expect(typeAhead(rs, 'gi').map((r) => r.id)).toEqual(['GI']);
    expect(typeAhead(rs, 'g').map((r) => r.id)).toEqual(['GERI', 'GI', 'CARD']);
    expect(typeAhead(rs, 'card', 1).map((r) => r.id)).toEqual(['CARD', 'CCU']);
    expect(typeAhead(rs, 'zz')).toEqual([]);
  });
});

describe('undo stack', () => {
  const c1 = [{ personId: 'p', blockId: 'b', before: null, after: 'R1' }];
  const c2 = [{ personId: 'p', blockId: 'b', before: 'R1', after: 'R2' }];
  it('undoes with the inverse change set and redoes the original', () => {
    const s = record(record(EMPTY_UNDO, c1), c2);
    const u = undo(s);
    expect(u?.apply).toEqual([{ personId: 'p', blockId: 'b', before: 'R2', after: 'R1' }]);
    const r = redo(u!.state);
    expect(r?.apply).toEqual(c2);
    expect(undo(EMPTY_UNDO)).toBeNull();
    expect(redo(s)).toBeNull();
  });
  it('drops the redo branch on a new change and keeps at most the limit', () => {
    const u = undo(record(record(EMPTY_UNDO, c1), c2))!;
    expect(record(u.state, c2).future).toEqual([]);
    let s = EMPTY_UNDO;
    for (let i = 0; i < UNDO_LIMIT + 5; i++) s = record(s, c1);
    expect(s.past).toHaveLength(UNDO_LIMIT);
    expect(record(s, [])).toBe(s);
  });
});

describe('windowing', () => {
  it('renders the rows in view plus overscan', () => {
    expect(windowRange(0, 300, 30, 200, 5)).toEqual({ start: 0, end: 16, offsetTop: 0, totalHeight: 6000 });
    expect(windowRange(3000, 300, 30, 200, 5)).toMatchObject({ start: 95, end: 116, offsetTop: 2850 });
    expect(windowRange(5990, 300, 30, 200, 5).end).toBe(200);
  });
  it('scrolls just enough to show a row', () => {
    expect(scrollToRow(5, 0, 300, 30)).toBeNull();
    expect(scrollToRow(20, 0, 300, 30)).toBe(330);
    expect(scrollToRow(2, 300, 300, 30)).toBe(60);
  });
});

describe('findings', () => {
  const f = (over: Partial<Finding>): Finding => ({
    key: 'k', ruleId: 'CPR-80H', source: 'acgme', verdict: 'violation', personId: 'p', rotationId: null, blockId: null, period: null, citations: null, values: {}, explanation: '', acknowledged: null, ...over,
  });
  it('places ACGME periods on every block they overlap, capacity on the capacity row, curriculum on the row', () => {
    const idx = indexFindings(
      [f({ key: 'a', period: ['2026-01-20', '2026-02-10'] }), f({ key: 'c', source: 'program', ruleId: 'PRG-CAPACITY', personId: null, rotationId: 'R', blockId: 'b1' }), f({ key: 'q', source: 'program', ruleId: 'PRG-CURRICULUM' })],
      [block(1), block(2), block(3)],
    );
    expect([...idx.cells.keys()]).toEqual([cellKey('p', 'b1'), cellKey('p', 'b2')]);
    expect(idx.capacity.get('R|b1')?.violations).toBe(1);
    expect(idx.rows.get('p')?.keys).toEqual(['q']);
  });
  it('keeps the core\'s ACGME and credential findings, replaces program ones by local, carries acknowledgements', () => {
    const ack = { by: 'u', at: '2026-01-01', reason: 'ok' };
    const server = [f({ key: 'a' }), f({ key: 'x', source: 'program', ruleId: 'PRG-CAPACITY', acknowledged: ack }), f({ key: 'cr', source: 'program', ruleId: 'PRG-CREDENTIAL' }), f({ key: 'gone', source: 'program', ruleId: 'PRG-ELIGIBILITY' })];
    const merged = mergeFindings(server, [f({ key: 'x', source: 'program', ruleId: 'PRG-CAPACITY' })]);
    expect(merged.map((m) => m.key).sort()).toEqual(['a', 'cr', 'x']);
    expect(merged.find((m) => m.key === 'x')?.acknowledged).toEqual(ack);
    expect(filterFindings(merged, ALL_FINDINGS).map((m) => m.key).sort()).toEqual(['a', 'cr']);
  });
});

describe('hours, calendar and colour', () => {
  it('sums weekly hours, counts days off and calls, and averages four weeks', () => {
    const types = new Map([['call', { id: 'call', name: 'Call', shortName: 'C', kind: 'inHouseCall' as const, startTime: '07:00', durationMinutes: 1440, transitionMinutes: 0, rotationId: null, colour: '#000000' }]]);
    const shifts = ['2026-07-01', '2026-07-04', '2026-07-08'].map((date, i) => ({ id: `s${i}`, personId: 'p', shiftTypeId: 'call', date, startsAt: `${date}T07:00:00.000Z`, endsAt: new Date(Date.parse(`${date}T07:00:00Z`) + 86_400_000).toISOString() }));
    const weeks = weekStats(shifts, types, '2026-07-01', '2026-07-28', 'UTC');
    expect(weeks).toHaveLength(4);
    expect(weeks[0]).toMatchObject({ hours: 48, calls: 2, daysOff: 3 });
    expect(weeks[1]).toMatchObject({ hours: 24, calls: 1, average4: 36 });
  });
  it('lays out a month Monday first', () => {
    const weeks = monthWeeks('2026-09');
    expect(weeks[0]).toEqual([null, '2026-09-01', '2026-09-02', '2026-09-03', '2026-09-04', '2026-09-05', '2026-09-06']);
    expect(weeks.flat().filter(Boolean)).toHaveLength(30);
  });
  it('picks black or white text with at least 4.5:1 contrast on every demo colour', () => {
    for (const c of ['#9cc3ff', '#ffb3ab', '#c9b8f0', '#d6d6d6', '#1f5fbf', '#a4161a', '#5a3d99', '#2e6b3a']) expect(contrast(c, textOn(c))).toBeGreaterThanOrEqual(4.5);
  });
});
