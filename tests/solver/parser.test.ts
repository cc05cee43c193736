import { describe, expect, it } from 'vitest';
import { NrpParseError, parseNrp } from '../../electron/core/solver/nrp/parser';
import { instanceText, loadInstance } from './helpers';

const tiny = {
  HORIZON: ['7'],
  SHIFTS: ['D,480,', 'N,600,D'],
  STAFF: ['A,D=7|N=2,2880,960,5,1,1,1', 'B,N=0,2880,960,5,1,1,1'],
  DAYS_OFF: ['A,2,4'],
  SHIFT_ON_REQUESTS: ['A,0,D,2'],
  SHIFT_OFF_REQUESTS: ['B,1,D,3'],
  COVER: ['0,D,1,100,1', '0,N,0,100,5'],
};

describe('NRP instance parser', () => {
  it('reads the benchmark file format (Instance1)', () => {
    const inst = loadInstance(1);
    expect(inst.horizon).toBe(14);
    expect(inst.shifts).toEqual([{ id: 'D', minutes: 480, forbiddenNext: [] }]);
    expect(inst.staff).toHaveLength(8);
    expect(inst.staff[0]).toEqual({
      id: 'A',
      maxShifts: [14],
      maxTotalMinutes: 4320,
      minTotalMinutes: 3360,
      maxConsecutiveShifts: 5,
      minConsecutiveShifts: 2,
      minConsecutiveDaysOff: 2,
      maxWeekends: 1,
    });
    expect(inst.daysOff[0]).toEqual([0]);
    expect(inst.onRequests).toHaveLength(21);
    expect(inst.onRequests[0]).toEqual({ staff: 0, day: 2, shift: 0, weight: 2 });
    expect(inst.offRequests).toHaveLength(5);
    expect(inst.cover).toHaveLength(14);
    expect(inst.cover[1]).toEqual({ day: 1, shift: 0, requirement: 7, weightUnder: 100, weightOver: 1 });
  });

  it('reads forbidden successions, shift maxima (unlisted = unrestricted) and LF files', () => {
    const inst = parseNrp(instanceText(tiny).replace(/\r\n/g, '\n'));
    expect(inst.shifts[1]).toEqual({ id: 'N', minutes: 600, forbiddenNext: [0] });
    expect(inst.staff[0]!.maxShifts).toEqual([7, 2]);
    expect(inst.staff[1]!.maxShifts).toEqual([7, 0]);
    expect(inst.daysOff).toEqual([[2, 4], []]);
    expect(inst.offRequests).toEqual([{ staff: 1, day: 1, shift: 0, weight: 3 }]);
  });

  it('parses every benchmark instance', () => {
    for (let n = 1; n <= 24; n++) expect(() => loadInstance(n)).not.toThrow();
    expect(loadInstance(24).staff).toHaveLength(150);
    expect(loadInstance(24).shifts).toHaveLength(32);
  });

  const broken: Array<[string, Record<string, string[]>, RegExp]> = [
    ['a non-integer field', { ...tiny, STAFF: ['A,D=7,28x0,960,5,1,1,1'] }, /line 10 \(SECTION_STAFF\): MaxTotalMinutes must be an integer, got "28x0"/],
    ['an unknown shift', { ...tiny, COVER: ['0,X,1,100,1'] }, /line \d+ \(SECTION_COVER\): unknown shift "X"/],
    ['an unknown employee', { ...tiny, DAYS_OFF: ['Z,2'] }, /\(SECTION_DAYS_OFF\): unknown employee "Z"/],
    ['a day outside the horizon', { ...tiny, SHIFT_ON_REQUESTS: ['A,7,D,2'] }, /\(SECTION_SHIFT_ON_REQUESTS\): day 7 is outside the horizon of 7 days/],
    ['a wrong field count', { ...tiny, SHIFTS: ['D,480'] }, /\(SECTION_SHIFTS\): expected 3 fields/],
    ['a duplicate staff id', { ...tiny, STAFF: ['A,,2880,960,5,1,1,1', 'A,,2880,960,5,1,1,1'] }, /duplicate staff id "A"/],
  ];
  for (const [what, sections, message] of broken) {
    it(`rejects ${what} naming the line and section`, () => {
      expect(() => parseNrp(instanceText(sections))).toThrow(message);
    });
  }

  it('rejects a missing section and an unknown one', () => {
    const { HORIZON: _h, ...noHorizon } = tiny;
    expect(() => parseNrp(instanceText(noHorizon))).toThrow(/SECTION_HORIZON: missing section/);
    expect(() => parseNrp(instanceText({ ...tiny, BOGUS: ['1'] }))).toThrow(NrpParseError);
  });
});
