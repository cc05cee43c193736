import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireResult } from '../../shared/errors';
import { totpAt } from '../../electron/core/accounts/mfa';
import { parseNotice } from '../../electron/core/accounts/notice';
import { createLogger, memorySink } from '../../electron/core/logger';
import { collectYear, findingsOf } from '../../electron/core/schedule/compliance';
import { ComplianceRunner } from '../../electron/core/schedule/compliance-runner';
import { solveNrp } from '../../electron/core/solver/nrp/solve';
import { spawnWorker, useBundledWorkers, WORKER_ENTRIES } from '../../electron/core/workers/spawn';
import { ADMIN, PROGRAM } from '../accounts/helpers';
import * as fake from '../fakes/electron';
import { scheduleFixture } from '../schedule/fixture';
import { loadInstance } from '../solver/helpers';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The desktop build, for real: `electron-vite build` of the whole app into a scratch folder inside the
 * repository (external packages such as highs resolve from its node_modules), once for this file; then
 * the core's workers and the main process started from the bundle, as the desktop app starts them.
 * The bundle sits at tmp/desktop-build-X/out/main, a depth no source module has, so a path relative
 * to a module's own location cannot land on resources/ by chance.
 */
let scratch = '';
let outDir = '';
beforeAll(async () => {
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  scratch = mkdtempSync(join(ROOT, 'tmp', 'desktop-build-'));
  outDir = join(scratch, 'out');
  const cli = join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js');
  await promisify(execFile)(process.execPath, [cli, 'build', '--outDir', outDir, '--logLevel', 'warn'], { cwd: ROOT });
}, 300_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('bundled worker threads', () => {
  beforeAll(() => useBundledWorkers(join(outDir, 'main/workers')));
  afterAll(() => useBundledWorkers(null));

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

/**
 * The desktop entry, out/main/index.js, run against the fake electron module (vitest aliases
 * `electron` for the bundle too) and driven over its IPC handlers as the window would: the core
 * inside the bundle, whose modules no longer sit where the sources do, must still find what
 * resources/ ships and report the version embedded at build time.
 */
describe('bundled main process', () => {
  const PAGE = { sender: { id: 1 }, senderFrame: { url: 'app://residency-scheduler/index.html', parent: null } };
  const ok = async <T,>(call: string, input: unknown): Promise<T> => {
    const handler = fake.recorded.ipcHandlers.get(`rsched:${call}`);
    if (!handler) throw new Error(`no IPC handler for ${call}`);
    const r = (await handler(PAGE, input)) as WireResult<T>;
    if (!r.ok) throw new Error(`${call} failed: ${r.error.code} ${r.error.message}`);
    return r.value;
  };

  beforeAll(async () => {
    fake.app.isPackaged = false;
    fake.app.userData = join(outDir, 'userdata');
    await import(pathToFileURL(join(outDir, 'main/index.js')).href);
    fake.app.fireReady();
    await fake.app.whenReady();
    expect(fake.recorded.ipcHandlers.size).toBeGreaterThan(0);
    await ok('auth.setup', { ...PROGRAM, admin: ADMIN });
    await ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
  });
  afterAll(() => {
    fake.app.emit('before-quit');
  });

  it('reports the version embedded at build time', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await ok<{ version: string }>('system.status', {})).toMatchObject({ version: pkg.version });
    const bundled = readdirSync(join(outDir, 'main'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    for (const f of bundled) expect(readFileSync(join(outDir, 'main', f), 'utf8'), f).not.toContain('__RSCHED_APP_VERSION__');
  });

  it('shows the notice resources/notice.md ships', async () => {
    const shipped = parseNotice(readFileSync(join(ROOT, 'resources/notice.md'), 'utf8'));
    expect(await ok<{ version: string; text: string }>('auth.notice', {})).toMatchObject(shipped);
  });

  it('drafts the incident letters from resources/incident-templates', async () => {
    const notice = await ok<{ version: string }>('auth.notice', {});
    await ok('auth.acceptNotice', { version: notice.version });
    // Administrators must enrol MFA before anything else.
    const begun = await ok<{ secret: string }>('auth.mfaBegin', {});
    await ok('auth.mfaConfirm', { otp: await totpAt(begun.secret, Date.now()), currentPassword: ADMIN.password });
    const incident = await ok<{ id: string }>('incidents.open', { title: 'Laptop reported lost', alertIds: [] });
    const d = await ok<{ letter: string; hhsSummary: string }>('incidents.drafts', { id: incident.id });
    expect(d.letter).toContain('Notice of a privacy incident involving your information');
    expect(d.letter).toContain(PROGRAM.programName);
    expect(d.hhsSummary).toContain('HHS breach report summary');
    expect(d.hhsSummary).toContain(`Covered entity: ${PROGRAM.programName}`);
  });
});
