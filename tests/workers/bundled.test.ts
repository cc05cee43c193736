import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../../electron/core/logger';
import { collectYear, findingsOf } from '../../electron/core/schedule/compliance';
import { ComplianceRunner } from '../../electron/core/schedule/compliance-runner';
import { solveNrp } from '../../electron/core/solver/nrp/solve';
import { spawnWorker, useBundledWorkers, WORKER_ENTRIES } from '../../electron/core/workers/spawn';
import { scheduleFixture } from '../schedule/fixture';
import { loadInstance } from '../solver/helpers';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The desktop build, for real: `electron-vite build` of the whole app into a scratch folder inside the
 * repository (external packages such as highs resolve from its node_modules), then the core's workers
 * started from the bundle, as the packaged app starts them.
 */
describe('bundled worker threads', () => {
  let outDir = '';
  beforeAll(async () => {
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    outDir = mkdtempSync(join(ROOT, 'tmp', 'desktop-build-'));
    const cli = join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js');
    await promisify(execFile)(process.execPath, [cli, 'build', '--outDir', outDir, '--logLevel', 'warn'], { cwd: ROOT });
    useBundledWorkers(join(outDir, 'main/workers'));
  });
  afterAll(() => {
    useBundledWorkers(null);
    rmSync(outDir, { recursive: true, force: true });
  });

  it('builds one file per worker entry next to the main bundle', () => {
    for (const id of Object.keys(WORKER_ENTRIES)) expect(existsSync(join(outDir, 'main/workers', `${id}.js`)), id).toBe(true);
  });

  it('checks compliance in the bundled worker exactly as the inline check does', async () => {
    const f = await scheduleFixture();
    const runner = new ComplianceRunner(createLogger({ sink: memorySink() }));
    try {
      const { year, blocks } = f.service.createAcademicYear(f.actor, { label: 'Y', startDate: '2026-07-01', blockCount: 13, blockDays: 28, halfBlocks: false });
      const micu = f.service.saveRotation(f.actor, {
        name: 'Medical ICU', shortName: 'MICU', setting: 'icu', site: '', colour: '#aa3344', eligiblePgy: [2], capacityMin: 1, capacityMax: 1,
        requiredCredentials: ['ACLS'], supervisionRatio: null, hoursException: null, rulePacks: [], group: 'ICU',
      });
      const p = f.service.savePerson(f.actor, { displayName: 'Resident A01', email: null, kind: 'resident', pgy: 2, specialty: 'im', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true });
      f.service.setBlockAssignment(f.actor, { personId: p.id, blockId: blocks[0]!.id, rotationId: micu.id });
      const input = collectYear(f.store, f.service.settings(), year.id);
      const inWorker = await runner.check(input);
      expect(inWorker).toEqual(findingsOf(input));
      expect(inWorker.findings.filter((x) => x.ruleId === 'PRG-CREDENTIAL')).toHaveLength(1);
    } finally {
      await runner.stop();
      f.close();
    }
  });

  it('solves with the bundled search worker, which loads the external HiGHS package', async () => {
    const r = await solveNrp(loadInstance(1), { timeLimitMs: 30_000, seed: 1, workers: 1, maxIterations: 50_000 });
    expect(r.evaluation.hardViolations).toBe(0);
  });

  it('fails a worker whose bundle is missing instead of falling back to the sources', async () => {
    useBundledWorkers(join(outDir, 'no-such-dir'));
    try {
      const w = spawnWorker('compliance-check');
      const failure = await new Promise<Error>((resolve) => w.once('error', resolve));
      expect(failure.message).toMatch(/no-such-dir.*compliance-check\.js/);
    } finally {
      useBundledWorkers(join(outDir, 'main/workers'));
    }
  });
});
