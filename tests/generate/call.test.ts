import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShiftAssignment } from '../../shared/domain/schedule';
import { expectError } from '../accounts/helpers';
import { CALL_BUDGET, JULY_CALL, demoCoverage, demoProgram, type DemoProgram, type Preview } from './helpers';


describe('generate.call: a month of call through the dispatcher', () => {
  let d: DemoProgram;
  beforeAll(async () => {
    d = await demoProgram();
  });
  afterAll(() => d.h.stop());

  const acgmeViolations = async (): Promise<Array<{ ruleId: string; explanation: string }>> => {
    const check = await d.h.ok<{ findings: Array<{ source: string; verdict: string; ruleId: string; explanation: string }> }>('compliance.check', { yearId: d.yearId });
    return check.findings.filter((f) => f.source === 'acgme' && f.verdict === 'violation');
  };

  it('covers every day with zero ACGME violations (compliance engine), fairly, and reproducibly; accept is one audited change set', async () => {
    const started = performance.now();
    const p = await d.h.ok<Preview>('generate.call', { ...JULY_CALL, coverage: demoCoverage(d), seed: 3, ...CALL_BUDGET });
    const ms = performance.now() - started;
    expect(p.violations).toEqual([]);
    expect(p.feasible).toBe(true);
    const st = (s: string): string => d.shiftTypes.get(s)!.id;
    for (let day = 1; day <= 31; day++) {
      const date = `2026-07-${String(day).padStart(2, '0')}`;
      const on = p.shifts.filter((s) => s.date === date);
      expect(on.filter((s) => s.shiftTypeId === st('W24'))).toHaveLength(1);
      expect(on.filter((s) => s.shiftTypeId === st('I24'))).toHaveLength(1);
      expect(on.filter((s) => s.shiftTypeId === st('NF'))).toHaveLength(2);
    }
    const worst = Math.max(...p.fairness.map((f) => Math.abs(f.deviation)));
    expect(worst).toBeLessThanOrEqual(1.5);
    const again = await d.h.ok<Preview>('generate.call', { ...JULY_CALL, coverage: demoCoverage(d), seed: 3, ...CALL_BUDGET });
    expect(again.shifts).toEqual(p.shifts);
    console.info(`[generate.call] July, ${p.shifts.length} shifts for ${p.fairness.length} people: ${Math.round(ms)} ms round trip, solve ${p.stats.solveMs} ms, ${p.stats.iterations} iterations, largest call deviation ${worst}, churn vs demo ${p.churn.percent}%`);

    const before = d.auditActions().length;
    const acceptStarted = performance.now();
    const out = await d.h.ok<{ applied: number; auditEntries: number }>('generate.accept', { previewId: p.previewId });
    console.info(`[generate.call] accept: ${out.applied} shift writes, ${out.auditEntries} audit entries in ${Math.round(performance.now() - acceptStarted)} ms`);
    const added = d.auditActions().slice(before);
    expect(added).toHaveLength(out.auditEntries);
    expect(added.filter((a) => a === 'schedule.generate')).toHaveLength(1);
    expect(added.filter((a) => a === 'shift.create' || a === 'shift.delete')).toHaveLength(out.applied);
    const stored = await d.h.ok<ShiftAssignment[]>('shifts.list', { from: JULY_CALL.from, to: JULY_CALL.to });
    const scoped = new Set([st('W24'), st('I24'), st('NF')]);
    const key = (s: { personId: string; date: string; shiftTypeId: string }): string => `${s.personId}|${s.date}|${s.shiftTypeId}`;
    expect(stored.filter((s) => scoped.has(s.shiftTypeId)).map(key).sort()).toEqual(p.shifts.map(key).sort());
    // The verdict of the vault's own check, over the whole year, after the change.
    expect(await acgmeViolations()).toEqual([]);
  });

  it('repairs after a new absence with few changes, and the absent resident keeps no call', async () => {
    const stored = await d.h.ok<ShiftAssignment[]>('shifts.list', { from: '2026-07-10', to: '2026-07-12' });
    const icu = d.shiftTypes.get('I24')!.id;
    const target = stored.find((s) => s.shiftTypeId === icu)!;
    const own = stored.filter((s) => s.personId === target.personId);
    await d.h.ok('absences.save', {
      personId: target.personId, type: 'sick', startDate: '2026-07-10', endDate: '2026-07-12', status: 'approved', excludeFromAveraging: true, reason: null, notes: null, location: null,
    });
    const p = await d.h.ok<Preview>('generate.call', { ...JULY_CALL, coverage: demoCoverage(d), mode: 'repair', seed: 4, ...CALL_BUDGET });
    expect(p.violations).toEqual([]);
    expect(p.shifts.filter((s) => s.personId === target.personId && s.date >= '2026-07-10' && s.date <= '2026-07-12')).toEqual([]);
    // Each lost shift is one removal and one hand-over at least; a little more is allowed for rest rules.
    expect(p.churn.changedCells).toBeGreaterThanOrEqual(2 * own.length);
    expect(p.churn.changedCells).toBeLessThanOrEqual(2 * own.length + 4);
    const fresh = await d.h.ok<Preview>('generate.call', { ...JULY_CALL, coverage: demoCoverage(d), mode: 'fresh', seed: 4, ...CALL_BUDGET });
    console.info(`[generate.call] repair after a 3-day absence (${own.length} shift(s) lost): ${p.churn.changedCells} cells changed (${p.churn.percent}%), solve ${p.stats.solveMs} ms; a fresh solve would change ${fresh.churn.changedCells} (${fresh.churn.percent}%)`);
    expect(fresh.churn.changedCells).toBeGreaterThan(p.churn.changedCells);
    await d.h.ok('generate.accept', { previewId: p.previewId });
    expect(await acgmeViolations()).toEqual([]);
    // The fresh solve was computed from the shifts the repair just replaced: it is stale now.
    expectError(await d.h.call('generate.accept', { previewId: fresh.previewId }), 'CONFLICT');
  });

  it('an infeasible month returns the best schedule with each unmet rule explained', async () => {
    // ICU call every day from the three MICU residents alone: more than q3 allows.
    const coverage = [{ shiftTypeId: d.shiftTypes.get('I24')!.id, minPerDay: 1, rotationIds: [d.rotations.get('MICU')!.id] }];
    const p = await d.h.ok<Preview>('generate.call', { from: '2026-07-01', to: '2026-07-28', coverage, seed: 1, ...CALL_BUDGET });
    expect(p.feasible).toBe(false);
    expect(p.shifts.length).toBeGreaterThan(20);
    expect(p.violations.length).toBeGreaterThan(0);
    for (const v of p.violations) {
      expect(['CPR-Q3', 'GEN-COVERAGE', 'CPR-1IN7', 'CPR-80H', 'CPR-14H']).toContain(v.ruleId);
      expect(v.period).not.toBeNull();
      expect(v.explanation.length).toBeGreaterThan(10);
    }
    const q3 = p.violations.find((v) => v.ruleId === 'CPR-Q3');
    if (q3) expect(q3.values.inHouseCalls).toBeGreaterThan(q3.values.maxCalls as number);
    console.info(`[generate.call] infeasible ICU q1 from 3 residents: ${p.violations.map((v) => `${v.ruleId}: ${v.explanation}`).join(' | ')}`);
  });

  it('runs in a worker: progress while running, cancel returns the best so far, the main thread stays free', async () => {
    let worstGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    const running = d.h.ok<Preview>('generate.call', { ...JULY_CALL, coverage: demoCoverage(d), seed: 9, maxIterations: 20_000_000, timeLimitMs: 60_000, requestId: 'july-long' });
    let progress = { running: false, iterations: 0 };
    for (let i = 0; i < 100 && progress.iterations === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      progress = await d.h.ok('generate.progress', { requestId: 'july-long' });
    }
    expect(progress.running).toBe(true);
    expect(progress.iterations).toBeGreaterThan(0);
    const stopAt = performance.now();
    expect(await d.h.ok('generate.cancel', { requestId: 'july-long' })).toEqual({ cancelled: true });
    const p = await running;
    const stopMs = performance.now() - stopAt;
    clearInterval(timer);
    expect(p.stats.cancelled).toBe(true);
    expect(p.stats.iterations).toBeLessThan(20_000_000);
    expect(p.shifts.length).toBe(124);
    expect(stopMs).toBeLessThan(5_000);
    expect(await d.h.ok('generate.cancel', { requestId: 'july-long' })).toEqual({ cancelled: false });
    console.info(`[generate.call] cancelled after ${p.stats.iterations} iterations, result ${Math.round(stopMs)} ms after cancel; worst main-thread timer gap ${Math.round(worstGap)} ms`);
    // A synchronous solve would hold the main thread for seconds.
    expect(worstGap).toBeLessThan(250);
  });
});
