import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { totpAt } from '../../electron/core/accounts/mfa';
import { createCore } from '../../electron/core/app';
import { systemClock } from '../../electron/core/clock';
import { createLogger } from '../../electron/core/logger';
import type { Caller } from '../../electron/core/session';

/** The benches' administrator and password (long enough for the policy; no real name). */
export const BENCH_PASSWORD = 'quietly fossil tangerine orbit';
export const BENCH_ADMIN = { username: 'bench.admin', displayName: 'Bench Admin', email: 'bench@example.org', password: BENCH_PASSWORD };

export interface BenchCore {
  core: ReturnType<typeof createCore>;
  dir: string;
  /** The caller `ok` and `call` use unless told otherwise. */
  caller: Caller;
  /** A call through the dispatcher, as the app makes it; throws on a refusal. */
  ok<T = unknown>(name: string, input: unknown, who?: Caller): Promise<T>;
  /** A call through the dispatcher; whether it succeeded. */
  call(name: string, input: unknown, who?: Caller): Promise<boolean>;
  stop(): void;
}

/** An in-process core on a fresh data folder, with the production KDF and no session sweeper. */
export function startBenchCore(name: string): BenchCore {
  const dir = mkdtempSync(join(tmpdir(), `rsched-bench-${name}-`));
  const core = createCore({ dataDir: dir, transport: 'in-process', logger: createLogger({ level: 'error' }), sweepEveryMs: 0 });
  const caller: Caller = { clientId: 'bench', transport: 'in-process' };
  return {
    core,
    dir,
    caller,
    async ok<T>(name: string, input: unknown, who: Caller = caller): Promise<T> {
      const r = await core.dispatcher.dispatch(name, input, who);
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    },
    async call(name: string, input: unknown, who: Caller = caller): Promise<boolean> {
      return (await core.dispatcher.dispatch(name, input, who)).ok;
    },
    stop(): void {
      core.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** First run, then the administrator signed in with the notice accepted and MFA enrolled. */
export async function setUpSignedInAdmin(b: BenchCore): Promise<void> {
  await b.ok('auth.setup', { programName: 'Bench Residency', timeZone: 'America/Chicago', admin: BENCH_ADMIN });
  await b.ok('auth.login', { username: BENCH_ADMIN.username, password: BENCH_PASSWORD });
  const notice = await b.ok<{ version: string }>('auth.notice', {});
  await b.ok('auth.acceptNotice', { version: notice.version });
  const begun = await b.ok<{ secret: string }>('auth.mfaBegin', {});
  await b.ok('auth.mfaConfirm', { otp: await totpAt(begun.secret, systemClock.nowMs()), currentPassword: BENCH_PASSWORD });
}
