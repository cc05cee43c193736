import { cpus, loadavg } from 'node:os';
import type { Caller } from '../electron/core/session';
import { BENCH_ADMIN, BENCH_PASSWORD as PASSWORD, startBenchCore } from './lib/core';
import { watched, type Figure } from './lib/event-loop';

/**
 * npm run bench -- login [--rounds N]
 *
 * auth.login through the dispatcher, as the app runs it (bcryptjs cost 12, production KDF). For each
 * kind of sign-in, N rounds (default 3): the awaited time and the longest block of the main thread's
 * event loop while it ran (the 1 ms timer chain of bench/vault-keys.ts; a gap of g ms means the loop
 * was blocked about g - 1 ms). Kinds: the first sign-in (vault locked: unlock plus password check),
 * a sign-in while another window keeps the vault open (the password check alone), a wrong password
 * and an unknown user name (the dummy comparison). Target: no block over 50 ms. Last line: one JSON
 * object.
 */
const args = process.argv.slice(2);
const roundsArg = args.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Math.max(1, Number(args[roundsArg + 1]) || 3) : 3;

const bench = startBenchCore('login');
const { ok, call, caller } = bench;
const keeper: Caller = { clientId: 'bench-keeper', transport: 'in-process' };

const worst = (fs: Figure[]): Figure => ({ ms: Math.max(...fs.map((f) => f.ms)), longestBlockMs: Math.max(...fs.map((f) => f.longestBlockMs)) });

try {
  await ok('auth.setup', { programName: 'Bench Residency', timeZone: 'America/Chicago', admin: BENCH_ADMIN }, keeper);
  await call('auth.logout', {}, keeper);

  const locked: Figure[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    locked.push(await watched(() => ok('auth.login', { username: 'bench.admin', password: PASSWORD }, caller)));
    await ok('auth.logout', {}, caller);
  }
  await ok('auth.login', { username: 'bench.admin', password: PASSWORD }, keeper);
  const open: Figure[] = [];
  const wrong: Figure[] = [];
  const unknown: Figure[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    open.push(await watched(() => ok('auth.login', { username: 'bench.admin', password: PASSWORD }, caller)));
    await ok('auth.logout', {}, caller);
    wrong.push(await watched(() => call('auth.login', { username: 'bench.admin', password: 'wrong fossil tangerine orbit' }, caller)));
    unknown.push(await watched(() => call('auth.login', { username: 'nobody.here', password: PASSWORD }, caller)));
    // A successful sign-in clears the failure count, so the rounds never reach the lockout.
  }

  const figures = {
    rounds: ROUNDS,
    loginVaultLocked: worst(locked),
    loginVaultOpen: worst(open),
    wrongPassword: worst(wrong),
    unknownUser: worst(unknown),
    cpus: cpus().length,
    load1: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  };
  const line = (name: string, f: Figure): string => `${name.padEnd(30)} ${String(f.ms).padStart(6)} ms awaited, longest event-loop block ${f.longestBlockMs} ms`;
  process.stdout.write(
    `auth.login, worst of ${ROUNDS} rounds each\n` +
      [
        line('first sign-in (vault locked)', figures.loginVaultLocked),
        line('sign-in (vault open)', figures.loginVaultOpen),
        line('wrong password', figures.wrongPassword),
        line('unknown user name', figures.unknownUser),
      ].join('\n') +
      `\n(load ${figures.load1} on ${figures.cpus} CPUs)\n${JSON.stringify(figures)}\n`,
  );
} finally {
  bench.stop();
}
