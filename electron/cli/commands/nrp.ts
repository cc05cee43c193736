import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { evaluateRoster, type NrpEvaluation } from '../../core/solver/nrp/evaluate';
import type { NrpInstance } from '../../core/solver/nrp/instance';
import { parseNrp } from '../../core/solver/nrp/parser';
import { formatRoster, parseRoster } from '../../core/solver/nrp/roster';
import { solveNrp } from '../../core/solver/nrp/solve';

const USAGE = `Usage:
  rsched nrp solve FILE --time-limit SECONDS [--seed N] [--workers N] [--iterations N] [--mip] --out ROSTER
  rsched nrp eval FILE ROSTER [--verbose]

Nurse rostering benchmark instances (Curtois & Qu format).
  solve  searches for a roster until the time limit and writes it to ROSTER; prints the objective
         and the number of hard violations. --iterations bounds the work per worker so that a seed
         reproduces the same roster; --workers sets parallel searches (default 2); --mip adds exact
         HiGHS sub-problem solves to the search.
  eval   evaluates ROSTER against FILE independently of the solver; prints the objective, the hard
         violations and (with --verbose) every soft penalty. Exit 1 if a hard constraint is violated.`;

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--time-limit', '--seed', '--out', '--workers', '--iterations']);
const BOOL_FLAGS = new Set(['--verbose', '--mip']);

function parseArgs(args: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith('--')) {
      if (VALUE_FLAGS.has(a)) {
        const v = args[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        flags.set(a, v);
      } else if (BOOL_FLAGS.has(a)) flags.set(a, true);
      else throw new UsageError(`unknown option ${a}`);
    } else positional.push(a);
  }
  return { positional, flags };
}

function numberFlag(p: Parsed, name: string, opts: { integer: boolean; min: number }): number | undefined {
  const v = p.flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isFinite(n) || n < opts.min || (opts.integer && !Number.isInteger(n))) {
    throw new UsageError(`${name} must be ${opts.integer ? 'an integer' : 'a number'} >= ${opts.min}, got "${String(v)}"`);
  }
  return n;
}

async function loadInstance(io: CliIo, file: string): Promise<NrpInstance> {
  const text = await readFile(resolve(io.cwd, file), 'utf8');
  return parseNrp(text, basename(file).replace(/\.txt$/, ''));
}

function summary(ev: NrpEvaluation): string {
  const b = ev.breakdown;
  return (
    `objective ${ev.objective}\nhard violations ${ev.hardViolations}\n` +
    `breakdown: cover-under ${b['cover-under']}, cover-over ${b['cover-over']}, ` +
    `shift-on-requests ${b['shift-on-request']}, shift-off-requests ${b['shift-off-request']}\n`
  );
}

async function solve(p: Parsed, io: CliIo): Promise<number> {
  const [file, ...extra] = p.positional;
  if (!file || extra.length > 0) throw new UsageError('nrp solve takes exactly one instance FILE');
  const timeLimit = numberFlag(p, '--time-limit', { integer: false, min: 0.1 });
  if (timeLimit === undefined) throw new UsageError('--time-limit SECONDS is required');
  const out = p.flags.get('--out');
  if (typeof out !== 'string') throw new UsageError('--out ROSTER is required');
  const seed = numberFlag(p, '--seed', { integer: true, min: 0 }) ?? 1;
  const workers = numberFlag(p, '--workers', { integer: true, min: 1 }) ?? 2;
  const maxIterations = numberFlag(p, '--iterations', { integer: true, min: 1 });
  const instance = await loadInstance(io, file);
  io.stderr(`solving ${instance.name}: ${instance.staff.length} staff, ${instance.horizon} days, ${instance.shifts.length} shift types, ${timeLimit} s\n`);
  let lastReported = Infinity;
  const result = await solveNrp(instance, {
    timeLimitMs: timeLimit * 1000,
    seed,
    workers,
    maxIterations,
    useMip: p.flags.get('--mip') === true,
    onProgress: (pr) => {
      if (pr.hard === 0 && pr.objective < lastReported) {
        lastReported = pr.objective;
        io.stderr(`  ${(pr.elapsedMs / 1000).toFixed(1)} s  objective ${pr.objective} (worker ${pr.worker})\n`);
      }
    },
  });
  await writeFile(resolve(io.cwd, out), formatRoster(instance, result.roster));
  io.stdout(summary(result.evaluation));
  if (result.proved) io.stdout('proved optimal (branch-and-price exhausted its tree)\n');
  io.stdout(`time ${(result.elapsedMs / 1000).toFixed(1)} s, first feasible ${result.firstFeasibleMs === null ? 'never' : `${result.firstFeasibleMs} ms`}, seed ${seed}\n`);
  return result.evaluation.hardViolations === 0 ? 0 : 1;
}

async function evaluate(p: Parsed, io: CliIo): Promise<number> {
  const [file, rosterFile, ...extra] = p.positional;
  if (!file || !rosterFile || extra.length > 0) throw new UsageError('nrp eval takes an instance FILE and a ROSTER');
  const instance = await loadInstance(io, file);
  const roster = parseRoster(instance, await readFile(resolve(io.cwd, rosterFile), 'utf8'));
  const ev = evaluateRoster(instance, roster);
  io.stdout(summary(ev));
  for (const v of ev.violations) io.stdout(`  HARD ${v.rule}: ${v.message}\n`);
  if (p.flags.get('--verbose') === true) for (const pen of ev.penalties) io.stdout(`  soft ${pen.rule} +${pen.cost}: ${pen.message}\n`);
  return ev.hardViolations === 0 ? 0 : 1;
}

export const nrpCommand: CliCommand = {
  name: 'nrp',
  summary: 'Solve or evaluate nurse rostering benchmark instances (Curtois & Qu)',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const [sub, ...rest] = args;
    const p = parseArgs(rest);
    if (sub === 'solve') return solve(p, io);
    if (sub === 'eval') return evaluate(p, io);
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'missing subcommand (solve or eval)');
  },
};
