import { readFileSync } from 'node:fs';
import { parseNrp } from '../electron/core/solver/nrp/parser';
import { solveNrp } from '../electron/core/solver/nrp/solve';

/**
 * `npm run bench -- nrp [--instances 1,2,3] [--time-limit S] [--seed N] [--workers N] [--mip]`
 * Solves Curtois & Qu instances and compares with the best known upper bounds. Default time limits
 * follow the targets: 10 s for the instances expected to reach the best known value quickly, 60 s
 * for the rest. Prints one line per instance, then one JSON object as the last line.
 */
const DIR = '/work/shared/benchmarks/curtois-qu';
const BEST_KNOWN: Record<number, number> = {
  1: 607, 2: 828, 3: 1001, 4: 1716, 5: 1143, 6: 1950, 7: 1056, 8: 1300, 9: 439, 10: 4631, 11: 3443, 12: 4040,
  13: 1348, 14: 1278, 15: 3829, 16: 3225, 17: 5746, 18: 4459, 19: 3149, 20: 4769, 21: 21133, 22: 30241,
  23: 17428, 24: 42463,
};
const QUICK = new Set([1, 2, 3, 4, 5, 6, 7, 9, 10]);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const instances = (arg('--instances') ?? Object.keys(BEST_KNOWN).join(','))
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n in BEST_KNOWN);
const fixedLimit = arg('--time-limit');
const seed = Number(arg('--seed') ?? 1);
const workers = Number(arg('--workers') ?? 2);
const useMip = process.argv.includes('--mip');

interface Row {
  instance: string;
  objective: number;
  bestKnown: number;
  gapPct: number;
  hardViolations: number;
  firstFeasibleMs: number | null;
  /** Milliseconds the solve took: less than the limit when branch-and-price proved its roster optimal. */
  elapsedMs: number;
  proved: boolean;
}
const results: Row[] = [];
for (const n of instances) {
  const limitS = fixedLimit !== undefined ? Number(fixedLimit) : QUICK.has(n) ? 10 : 60;
  const instance = parseNrp(readFileSync(`${DIR}/Instance${n}.txt`, 'utf8'), `Instance${n}`);
  const r = await solveNrp(instance, { timeLimitMs: limitS * 1000, seed, workers, useMip });
  const bestKnown = BEST_KNOWN[n]!;
  const objective = r.evaluation.objective;
  const gapPct = Math.round(((objective - bestKnown) / bestKnown) * 10000) / 100;
  const row: Row = {
    instance: `Instance${n}`,
    objective,
    bestKnown,
    gapPct,
    hardViolations: r.evaluation.hardViolations,
    firstFeasibleMs: r.firstFeasibleMs,
    elapsedMs: r.elapsedMs,
    proved: r.proved,
  };
  results.push(row);
  process.stdout.write(
    `${row.instance.padEnd(11)} limit ${String(limitS).padStart(3)} s  objective ${String(objective).padStart(7)}  best known ${String(bestKnown).padStart(6)}  gap ${gapPct.toFixed(2).padStart(7)} %  hard ${row.hardViolations}  first feasible ${row.firstFeasibleMs ?? '-'} ms${row.proved ? `  proved optimal in ${row.elapsedMs} ms` : ''}\n`,
  );
}
process.stdout.write(JSON.stringify({ results }) + '\n');
