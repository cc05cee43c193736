import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../electron/core/demo/seed';
import { buildBlockInput, buildCallInput } from '../../electron/core/generate/build';
import { BlockModel } from '../../electron/core/solver/residency/blocks/model';
import { blockMoves, initialBlocks } from '../../electron/core/solver/residency/blocks/moves';
import { compileBlocks } from '../../electron/core/solver/residency/blocks/problem';
import { CallModel } from '../../electron/core/solver/residency/call/model';
import { callMoves } from '../../electron/core/solver/residency/call/moves';
import { compileCall, type CallSolveInput } from '../../electron/core/solver/residency/call/problem';
import { complianceProgramOf, proposedShifts } from '../../electron/core/solver/residency/call/verify';
import { ChangeSet, type Model } from '../../electron/core/solver/engine/model';
import type { Neighbourhood } from '../../electron/core/solver/engine/anneal';
import { Rng } from '../../electron/core/solver/engine/rng';
import { SearchState } from '../../electron/core/solver/engine/state';
import { ComplianceSession } from '../../shared/compliance/session';
import { addDays } from '../../shared/domain/common';
import { scheduleFixture } from '../schedule/fixture';

type Fixture = Awaited<ReturnType<typeof scheduleFixture>>;

/** Applies random moves and checks the incremental totals against a full re-evaluation. */
function checkIncremental(model: Model, initial: Int32Array, moves: Neighbourhood[], seed: number, steps: number): void {
  const rng = new Rng(seed);
  const state = new SearchState(model, initial);
  const ch = new ChangeSet();
  const out = { hard: 0, soft: 0 };
  let applied = 0;
  for (let i = 0; i < steps; i++) {
    ch.clear();
    if (!moves[rng.int(moves.length)]!.propose(state.values, rng, ch) || ch.size === 0) continue;
    const before = { hard: state.hard, soft: state.soft };
    state.delta(ch, out);
    state.apply(ch);
    applied++;
    expect(state.hard - before.hard).toBeCloseTo(out.hard, 6);
    expect(state.soft - before.soft).toBeCloseTo(out.soft, 6);
  }
  const fresh = new SearchState(model, state.values);
  expect(state.hard).toBeCloseTo(fresh.hard, 6);
  expect(state.soft).toBeCloseTo(fresh.soft, 4);
  expect(applied).toBeGreaterThan(steps / 4);
}

describe('residency models: incremental pricing and the fast ACGME check', () => {
  let f: Fixture;
  let yearId: string;
  let callInput: CallSolveInput;
  beforeAll(async () => {
    f = await scheduleFixture('America/Chicago');
    yearId = seedDemo(f, f.actor, f.clock, { residentsPerPgy: 12, halfBlocks: false, startDate: '2026-07-01' }).yearId;
    const rot = new Map(f.store.rotations.all().map((r) => [r.shortName, r.id]));
    const st = new Map(f.store.shiftTypes.all().map((t) => [t.shortName, t.id]));
    const kinds: Array<'resident'> = ['resident'];
    callInput = buildCallInput(f.store, f.service.settings(), {
      // Across the block boundary of 28 July, and a daylight-saving change would not matter in July.
      from: '2026-07-15',
      to: '2026-08-10',
      coverage: [
        { shiftTypeId: st.get('W24')!, minPerDay: 1, maxPerDay: 1, rotationIds: [rot.get('WARD-A')!, rot.get('WARD-B')!], personKinds: kinds },
        { shiftTypeId: st.get('I24')!, minPerDay: 1, maxPerDay: 1, rotationIds: [rot.get('MICU')!, rot.get('CCU')!], personKinds: kinds },
        { shiftTypeId: st.get('NF')!, minPerDay: 2, maxPerDay: 2, rotationIds: null, personKinds: kinds },
      ],
      holidays: [],
      requests: [],
      mode: 'repair',
    });
  });
  afterAll(() => f.close());

  it('rotation model: every delta equals the change in the totals (fresh and repair)', () => {
    for (const mode of ['fresh', 'repair'] as const) {
      const m = compileBlocks(buildBlockInput(f.store, yearId, mode, []));
      checkIncremental(new BlockModel(m), initialBlocks(m, new Rng(1)), blockMoves(m), 7, 3000);
    }
  });

  it('call model: every delta equals the change in the totals', () => {
    const m = compileCall(callInput);
    checkIncremental(new CallModel(m), Int32Array.from(m.current), callMoves(m), 8, 3000);
  });

  it('the fast ACGME check flags exactly the rules the compliance engine flags, person by person', () => {
    const m = compileCall(callInput);
    const model = new CallModel(m);
    const rng = new Rng(42);
    const RULES = new Set(['CPR-80H', 'CPR-1IN7', 'CPR-Q3', 'CPR-24H', 'CPR-24P4', 'CPR-14H']);
    const reachFrom = addDays(callInput.from, -1);
    const reachTo = addDays(callInput.to, 1);
    let flagged = 0;
    for (let trial = 0; trial < 12; trial++) {
      // Random schedules of growing density, so some rows break rules and some do not.
      const density = 0.05 + trial * 0.04;
      const values = new Int32Array(m.P * m.D);
      for (let c = 0; c < values.length; c++) if (rng.float() < density) values[c] = 1 + rng.int(m.T);
      const session = new ComplianceSession(complianceProgramOf(callInput, m, proposedShifts(m, values)));
      for (let p = 0; p < m.P; p++) {
        if (!m.persons[p]!.evaluated) continue;
        const detail: Record<string, number> = {};
        model.rows[p]!.acgme.price(values.subarray(p * m.D, (p + 1) * m.D), detail);
        const fast = Object.keys(detail).filter((k) => detail[k]! > 0).sort();
        const engine = [...new Set(session.resultsFor(m.personIds[p]!)
          .filter((r) => r.verdict === 'violation' && RULES.has(r.ruleId) && r.period[1] >= reachFrom && r.period[0] <= reachTo)
          .map((r) => r.ruleId))].sort();
        // 24P4 is also breached by a core over 24 h, which the fast check prices once, as 24H.
        const norm = (list: string[]): string[] => list.filter((x) => x !== 'CPR-24P4' || !list.includes('CPR-24H'));
        expect(norm(fast), `person ${p} trial ${trial}`).toEqual(norm(engine));
        if (fast.length > 0) flagged++;
      }
    }
    expect(flagged).toBeGreaterThan(10);
  });
});
