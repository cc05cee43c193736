import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockAssignment, CurriculumRequirement } from '../../shared/domain/schedule';
import { expectError } from '../accounts/helpers';
import { demoProgram, type DemoProgram, type Preview } from './helpers';

/** Iteration budget, not wall time: the same seed must give the same schedule. */
const BUDGET = { maxIterations: 150_000, timeLimitMs: 120_000 };

describe('generate.blocks: the annual rotation schedule through the dispatcher', () => {
  let d: DemoProgram;
  beforeAll(async () => {
    d = await demoProgram();
  });
  afterAll(() => d.h.stop());

  /** Capacity and curriculum recomputed here from the proposal, independently of the generator's checks. */
  async function checkRules(p: Preview): Promise<void> {
    const requirements = await d.h.ok<CurriculumRequirement[]>('requirements.list', {});
    const byId = new Map([...d.rotations.values()].map((r) => [r.id, r]));
    expect(p.blockAssignments).toHaveLength(36 * 13);
    for (const c of p.blockAssignments) expect(c.rotationId).not.toBeNull();
    for (const block of d.blocks) {
      for (const rot of d.rotations.values()) {
        const n = p.blockAssignments.filter((c) => c.blockId === block.id && c.rotationId === rot.id).length;
        expect(n, `${rot.shortName} in ${block.label}`).toBeGreaterThanOrEqual(rot.capacityMin);
        expect(n, `${rot.shortName} in ${block.label}`).toBeLessThanOrEqual(rot.capacityMax);
      }
    }
    for (const person of d.residents) {
      const mine = p.blockAssignments.filter((c) => c.personId === person.id);
      for (const c of mine) expect(byId.get(c.rotationId!)!.eligiblePgy).toContain(person.pgy);
      for (const req of requirements.filter((r) => r.pgy === person.pgy)) {
        const n = mine.filter((c) => byId.get(c.rotationId!)!.group === req.rotationGroup).length;
        expect(n, `${req.rotationGroup} for PGY-${req.pgy}`).toBeGreaterThanOrEqual(req.minBlocks);
        expect(n).toBeLessThanOrEqual(req.maxBlocks);
      }
    }
  }

  it('a full year for 36 residents meets every capacity and curriculum rule, and the same seed gives the same schedule', async () => {
    const started = performance.now();
    const a = await d.h.ok<Preview>('generate.blocks', { yearId: d.yearId, seed: 11, ...BUDGET });
    const ms = performance.now() - started;
    expect(a.violations).toEqual([]);
    expect(a.feasible).toBe(true);
    await checkRules(a);
    const b = await d.h.ok<Preview>('generate.blocks', { yearId: d.yearId, seed: 11, ...BUDGET });
    expect(b.blockAssignments).toEqual(a.blockAssignments);
    expect(b.previewId).not.toBe(a.previewId);
    console.info(`[generate.blocks] 36x13 fresh: ${Math.round(ms)} ms round trip, solve ${a.stats.solveMs} ms, first feasible ${a.stats.firstFeasibleMs} ms, ${a.stats.iterations} iterations, churn vs demo ${a.churn.percent}%`);
  });

  it('keeps pinned assignments', async () => {
    const resident = d.residents.find((p) => p.pgy === 2)!;
    const gi = d.rotations.get('GI')!;
    const block = d.blocks[4]!;
    await d.h.ok('assignments.set', { personId: resident.id, blockId: block.id, rotationId: gi.id, pinned: true });
    for (const seed of [1, 2]) {
      const p = await d.h.ok<Preview>('generate.blocks', { yearId: d.yearId, seed, ...BUDGET });
      expect(p.blockAssignments.find((c) => c.personId === resident.id && c.blockId === block.id)?.rotationId).toBe(gi.id);
      expect(p.violations).toEqual([]);
    }
  });

  it('accept applies one audited change set; a stale preview is refused', async () => {
    const p = await d.h.ok<Preview>('generate.blocks', { yearId: d.yearId, seed: 5, ...BUDGET });
    const before = d.auditActions().length;
    const out = await d.h.ok<{ applied: number; auditEntries: number }>('generate.accept', { previewId: p.previewId });
    expect(out.applied).toBe(p.churn.changedCells);
    expect(out.applied).toBeGreaterThan(0);
    const added = d.auditActions().slice(before);
    expect(added).toHaveLength(out.auditEntries);
    expect(added.filter((a) => a === 'schedule.generate')).toHaveLength(1);
    expect(added.filter((a) => a.startsWith('assignment.'))).toHaveLength(out.applied);
    const now = await d.h.ok<BlockAssignment[]>('assignments.list', { yearId: d.yearId });
    for (const c of p.blockAssignments) expect(now.find((a) => a.personId === c.personId && a.blockId === c.blockId)?.rotationId).toBe(c.rotationId);
    // The program's own check agrees: no capacity, eligibility or curriculum finding.
    const check = await d.h.ok<{ findings: Array<{ ruleId: string; verdict: string }> }>('compliance.check', { yearId: d.yearId });
    expect(check.findings.filter((f) => f.verdict === 'violation' && f.ruleId.startsWith('PRG-'))).toEqual([]);
    // A preview is used once.
    expectError(await d.h.call('generate.accept', { previewId: p.previewId }), 'NOT_FOUND');

    const stale = await d.h.ok<Preview>('generate.blocks', { yearId: d.yearId, seed: 6, ...BUDGET });
    const cell = now.find((a) => !a.pinned && d.residents.some((r) => r.id === a.personId && r.pgy === 3))!;
    await d.h.ok('assignments.set', { personId: cell.personId, blockId: cell.blockId, rotationId: d.rotations.get('AMB')!.id });
    const count = d.auditActions().length;
    expectError(await d.h.call('generate.accept', { previewId: stale.previewId }), 'CONFLICT');
    expect(d.auditActions()).toHaveLength(count);
  });

  it('repair after a long absence changes only what it must', async () => {
    const resident = d.residents.find((p) => p.pgy === 3)!;
    const block = d.blocks[7]!;
    await d.h.ok('absences.save', {
      personId: resident.id, type: 'medical', startDate: block.startDate, endDate: block.endDate, status: 'approved', excludeFromAveraging: true, reason: null, notes: null, location: null,
    });
    const p = await d.h.ok<Preview>('generate.blocks', { yearId: d.yearId, mode: 'repair', seed: 3, ...BUDGET });
    // No leave rotation in the demo: the absent resident gets no rotation that block.
    expect(p.blockAssignments.find((c) => c.personId === resident.id && c.blockId === block.id)?.rotationId).toBeNull();
    expect(p.diff.removed.map((x) => [x.personId, x.slot])).toContainEqual([resident.id, block.id]);
    expect(p.violations).toEqual([]);
    // One cell must go; capacity or curriculum may need a swap or two more, never a reshuffle.
    expect(p.churn.changedCells).toBeGreaterThanOrEqual(1);
    expect(p.churn.changedCells).toBeLessThanOrEqual(5);
    const fresh = await d.h.ok<Preview>('generate.blocks', { yearId: d.yearId, mode: 'fresh', seed: 3, ...BUDGET });
    console.info(`[generate.blocks] repair after absence: ${p.churn.changedCells} cells (${p.churn.percent}%), a fresh solve would change ${fresh.churn.changedCells} (${fresh.churn.percent}%)`);
    expect(fresh.churn.changedCells).toBeGreaterThan(p.churn.changedCells);
  });

  it('an infeasible instance returns the best schedule with each unmet rule explained', async () => {
    const micu = d.rotations.get('MICU')!;
    await d.h.ok('rotations.save', { ...micu, capacityMin: 20, capacityMax: 30 });
    const p = await d.h.ok<Preview>('generate.blocks', { yearId: d.yearId, seed: 2, ...BUDGET });
    expect(p.feasible).toBe(false);
    expect(p.blockAssignments).toHaveLength(36 * 13);
    const capacity = p.violations.filter((v) => v.ruleId === 'PRG-CAPACITY' && v.rotationId === micu.id);
    expect(capacity.length).toBeGreaterThan(0);
    for (const v of capacity) {
      expect(v.blockId).not.toBeNull();
      expect(v.values.min).toBe(20);
      expect(v.values.assigned).toBeLessThan(20);
      expect(v.explanation).toMatch(/assigned < minimum 20 for MICU/);
    }
    await d.h.ok('rotations.save', micu);
  });
});
