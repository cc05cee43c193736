import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../../electron/core/logger';
import { collectYear, findingsOf } from '../../electron/core/schedule/compliance';
import { ComplianceRunner } from '../../electron/core/schedule/compliance-runner';
import { scheduleFixture } from './fixture';

describe('the compliance worker', () => {
  let f: Awaited<ReturnType<typeof scheduleFixture>>;
  const runner = new ComplianceRunner(createLogger({ sink: memorySink() }));
  beforeEach(async () => {
    f = await scheduleFixture();
  });
  afterEach(async () => {
    f.close();
  });

  it('finds in its own thread exactly what the inline check finds, and keeps serving', async () => {
    const { year, blocks } = f.service.createAcademicYear(f.actor, { label: 'Y', startDate: '2026-07-01', blockCount: 13, blockDays: 28, halfBlocks: false });
    const micu = f.service.saveRotation(f.actor, {
      name: 'Medical ICU', shortName: 'MICU', setting: 'icu', site: '', colour: '#aa3344', eligiblePgy: [2], capacityMin: 1, capacityMax: 1,
      requiredCredentials: ['ACLS'], supervisionRatio: null, hoursException: null, rulePacks: [], group: 'ICU',
    });
    for (const name of ['Resident A01', 'Resident A02']) {
      const p = f.service.savePerson(f.actor, { displayName: name, email: null, kind: 'resident', pgy: 2, specialty: 'im', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true });
      f.service.setBlockAssignment(f.actor, { personId: p.id, blockId: blocks[0]!.id, rotationId: micu.id });
    }
    const input = collectYear(f.store, f.service.settings(), year.id);
    const inline = findingsOf(input);
    const inWorker = await runner.check(input);
    expect(inWorker).toEqual(inline);
    // Two residents without ACLS on a one-place ICU in block 1; the ICU is empty (under its minimum) in the other twelve.
    expect(inWorker.findings.filter((x) => x.ruleId === 'PRG-CREDENTIAL')).toHaveLength(2);
    expect(inWorker.findings.filter((x) => x.ruleId === 'PRG-CAPACITY').map((x) => x.values.assigned)).toEqual([2, ...Array<number>(12).fill(0)]);
    expect((await runner.check(input)).findings).toHaveLength(inline.findings.length);
    await runner.stop();
  });
});
