import { describe, expect, it } from 'vitest';
import { SearchState } from '../../electron/core/solver/engine/state';
import { evaluateRoster, type NrpEvaluation } from '../../electron/core/solver/nrp/evaluate';
import { NrpModel } from '../../electron/core/solver/nrp/model';
import { parseNrp } from '../../electron/core/solver/nrp/parser';
import { formatRoster, parseRoster } from '../../electron/core/solver/nrp/roster';
import { instanceText } from './helpers';

/**
 * A 14-day instance (weekends: days 5-6 and 12-13) computed by hand.
 * A: at most 2 N, 5..9 shifts (2400..4320 min), runs of 2..4 working days, >= 2 days off in a row,
 *    at most 1 weekend, day 3 off; wants D on day 0 (weight 2), not N on day 1 (weight 3).
 * B: 2..3 shifts (960..1440 min), no run or weekend limits that bind.
 * N may not be followed by D. Cover: day 0 D needs 1, day 1 D needs 2 (under 100, over 1).
 */
const inst = parseNrp(
  instanceText({
    HORIZON: ['14'],
    SHIFTS: ['D,480,', 'N,480,D'],
    STAFF: ['A,D=14|N=2,4320,2400,4,2,2,1', 'B,D=14|N=14,1440,960,14,1,1,2'],
    DAYS_OFF: ['A,3'],
    SHIFT_ON_REQUESTS: ['A,0,D,2'],
    SHIFT_OFF_REQUESTS: ['A,1,N,3'],
    COVER: ['0,D,1,100,1', '1,D,2,100,1'],
  }),
);
const B_BASE = 'D D - - - - - - - - - - - -';
const A_BASE = 'D D - - - D D D D - - - - -';

function evaluate(a: string, b = B_BASE): NrpEvaluation {
  const roster = parseRoster(inst, `A ${a}\nB ${b}\n`);
  const ev = evaluateRoster(inst, roster);
  // The solver's incremental constraints must agree with the reference evaluator on every case.
  const state = new SearchState(new NrpModel(inst), roster.cells);
  expect(state.soft).toBe(ev.objective);
  expect(state.hard === 0).toBe(ev.hardViolations === 0);
  return ev;
}
const rules = (ev: NrpEvaluation): string[] => ev.violations.map((v) => v.rule);

describe('reference evaluator: hard constraints', () => {
  it('accepts a feasible roster (objective = one extra person on day 0)', () => {
    const ev = evaluate(A_BASE);
    expect(ev.hardViolations).toBe(0);
    expect(ev.objective).toBe(1);
    expect(ev.penalties).toEqual([expect.objectContaining({ rule: 'cover-over', cost: 1, day: 0, shift: 'D' })]);
  });

  const cases: Array<[string, string, string, string]> = [
    ['working a required day off', 'D D D D - - - D D - - - - -', B_BASE, 'days-off'],
    ['a forbidden succession (N then D)', 'N D - - - D D D D - - - - -', B_BASE, 'forbidden-succession'],
    ['more N shifts than allowed (3 > 2)', 'D D - - - D N N N - - - - -', B_BASE, 'max-shifts-of-type'],
    ['more minutes than allowed (4 x 480 > 1440)', A_BASE, 'D D D D - - - - - - - - - -', 'max-total-minutes'],
    ['fewer minutes than required (480 < 960)', A_BASE, 'D - - - - - - - - - - - - -', 'min-total-minutes'],
    ['5 working days in a row (max 4)', 'D D - - - D D D D D - - - -', B_BASE, 'max-consecutive-shifts'],
    ['a single working day between days off (min 2)', 'D D - - - D D D D - - D - -', B_BASE, 'min-consecutive-shifts'],
    ['a single day off between working days (min 2)', 'D D - - - D D D D - D D - -', B_BASE, 'min-consecutive-days-off'],
    ['working both weekends (max 1)', 'D D - - - D D D D - - D D -', B_BASE, 'max-weekends'],
    ['two weekends worked on Sundays only', 'D D - - - - D D D D - - - D', B_BASE, 'max-weekends'],
  ];
  for (const [what, a, b, rule] of cases) {
    it(`flags ${what}`, () => {
      const ev = evaluate(a, b);
      expect(rules(ev)).toEqual([rule]);
      expect(ev.hardViolations).toBe(1);
    });
  }

  it('exempts short working runs touching the first or last day', () => {
    const ev = evaluate('D - - - - - - D D D D - - D');
    expect(ev.violations).toEqual([]);
  });

  it('exempts short off runs touching the first or last day', () => {
    expect(evaluate('- D D - - D D D D - - - - -').violations).toEqual([]);
    expect(evaluate('D D - - - - - - - D D D D -').violations).toEqual([]);
  });

  it('explains each violation with the member, the day and the limit', () => {
    const ev = evaluate('D D - - - D D D D D - - - -');
    expect(ev.violations[0]).toEqual({
      rule: 'max-consecutive-shifts',
      staff: 'A',
      day: 5,
      message: 'A works 5 days in a row from day 5, at most 4 allowed',
    });
  });
});

describe('reference evaluator: soft penalties', () => {
  it('charges an unmet shift-on request its weight', () => {
    // A off on day 0 (wanted D, weight 2); day 0 then has exactly the one D it needs (B).
    const ev = evaluate('- D D - - D D D D - - - - -');
    expect(ev.objective).toBe(2);
    expect(ev.breakdown).toEqual({ 'shift-on-request': 2, 'shift-off-request': 0, 'cover-under': 0, 'cover-over': 0 });
  });

  it('charges a granted shift-off request, missing cover and extra cover', () => {
    // A works N on day 1 (asked not to: 3); day 1 D has only B (1 missing: 100); day 0 D has A and B (1 extra: 1).
    const ev = evaluate('D N - - - D D D D - - - - -');
    expect(ev.hardViolations).toBe(0);
    expect(ev.breakdown).toEqual({ 'shift-on-request': 0, 'shift-off-request': 3, 'cover-under': 100, 'cover-over': 1 });
    expect(ev.objective).toBe(104);
  });

  it('charges each missing person', () => {
    // Nobody on day 1: 2 missing = 200; day 0 has A only = requirement met.
    const ev = evaluate('D - - - - D D D D - - - - -', '- - D D - - - - - - - - - -');
    expect(ev.breakdown['cover-under']).toBe(200);
  });
});

describe('roster format', () => {
  it('writes one line per member in staff order and reads it back', () => {
    const roster = parseRoster(inst, `B ${B_BASE}\nA ${A_BASE}\n`);
    const text = formatRoster(inst, roster);
    expect(text).toBe(`A ${A_BASE}\nB ${B_BASE}\n`);
    expect(parseRoster(inst, text).cells).toEqual(roster.cells);
  });

  it('rejects bad rosters with the line', () => {
    expect(() => parseRoster(inst, `A ${A_BASE}\nB D D\n`)).toThrow(/roster line 2: expected 14 day tokens for "B", got 2/);
    expect(() => parseRoster(inst, `A ${A_BASE.replace('D', 'X')}\nB ${B_BASE}\n`)).toThrow(/unknown shift "X" on day 0/);
    expect(() => parseRoster(inst, `A ${A_BASE}\n`)).toThrow(/no line for employee\(s\) B/);
  });
});
