import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { CliCallError, readPassword, signIn, type CliSession } from '../core-session';
import { parseComplianceInput, toComplianceOutput } from '../../../shared/compliance/interchange';
import { renderTextReport } from '../../../shared/compliance/report-text';
import { checkProgram } from '../../../shared/compliance/session';
import { formatIsoDate } from '../../../shared/compliance/time/civil';

const USAGE = `Usage: rsched check FILE.json [--format json|text]
       rsched check --vault DIR --user NAME [--password-stdin] [--year LABEL] [--format json|text]

Checks one averaging period of a schedule against the ACGME clinical and educational work-hour
rules (Common Program Requirements VI.F / 6.20-6.28, and the EM pack where it applies) and prints
one result per person, rule and period. FILE is the compliance interchange format (see
docs/compliance.md); "-" reads it from standard input.

Options:
  --format json   the interchange output: {"results": [...], "notEvaluated": [...]} (default)
  --format text   a report for people

With --vault, signs in to the vault as NAME (password from the terminal, or standard input with
--password-stdin; never from arguments) and checks an academic year of its schedule (the latest, or
--year LABEL): ACGME results and program rules (coverage, eligibility, credentials, curriculum,
supervision, work during an absence), with acknowledgements.

Exit status: 0 when the check ran, whatever the verdicts; 2 on bad usage or input.
`;

type Format = 'json' | 'text';

interface CheckArgs {
  file?: string;
  vault?: string;
  user?: string;
  year?: string;
  passwordStdin: boolean;
  format: Format;
}

function parseArgs(args: string[]): CheckArgs {
  const out: CheckArgs = { format: 'json', passwordStdin: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--format') {
      const f = value();
      if (f !== 'json' && f !== 'text') throw new UsageError(`--format must be json or text, not "${f}"`);
      out.format = f;
    } else if (flag === '--vault') {
      out.vault = value();
    } else if (flag === '--user') {
      out.user = value();
    } else if (flag === '--year') {
      out.year = value();
    } else if (flag === '--password-stdin') {
      out.passwordStdin = true;
    } else if (flag.startsWith('-') && flag !== '-') {
      throw new UsageError(`unknown option ${flag}`);
    } else if (out.file === undefined) {
      out.file = arg;
    } else {
      throw new UsageError('give one FILE.json per check (one averaging period per file)');
    }
  }
  return out;
}

async function readInput(file: string, io: CliIo): Promise<string> {
  if (file === '-') return io.readStdin();
  return readFile(resolve(io.cwd, file), 'utf8');
}

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'Check a schedule period against the ACGME work-hour rules',
  usage: USAGE,
  async run(args, io) {
    const opts = parseArgs(args);
    if (opts.vault !== undefined) return checkVault(opts, io);
    if (opts.file === undefined) throw new UsageError('missing FILE.json');

    let text: string;
    try {
      text = await readInput(opts.file, io);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      io.stderr(`rsched check: cannot read ${opts.file}${code ? ` (${code})` : ''}\n`);
      return 2;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      // Node's message quotes the input (which may hold names): report only where it broke.
      const pos = err instanceof Error ? /position (\d+)/.exec(err.message)?.[1] : undefined;
      io.stderr(`rsched check: ${opts.file} is not valid JSON${pos ? ` (at byte ${pos})` : ''}\n`);
      return 2;
    }
    const parsed = parseComplianceInput(raw);
    if (!parsed.ok) {
      io.stderr(`rsched check: ${opts.file} is not valid compliance input:\n${parsed.errors.map((e) => `  ${e}\n`).join('')}`);
      return 2;
    }
    const { results, notEvaluated } = checkProgram(parsed.program);
    if (opts.format === 'text') {
      const period: [string, string] = [formatIsoDate(parsed.periodDays[0]), formatIsoDate(parsed.periodDays[1])];
      io.stdout(renderTextReport({ timeZone: parsed.program.timeZone, period }, results, notEvaluated));
    } else {
      io.stdout(JSON.stringify(toComplianceOutput(results, notEvaluated), null, 2) + '\n');
    }
    return 0;
  },
};

async function checkVault(opts: CheckArgs, io: CliIo): Promise<number> {
  if (opts.file !== undefined) throw new UsageError('give either FILE.json or --vault DIR, not both');
  if (!opts.user) throw new UsageError('--vault needs --user NAME');
  const password = await readPassword(io, opts.passwordStdin);
  let session: CliSession;
  try {
    session = await signIn(io, { vaultDir: opts.vault as string, username: opts.user, password });
  } catch (err) {
    io.stderr(`rsched check: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof CliCallError && err.code === 'BAD_INPUT' ? 2 : 1;
  }
  try {
    const years = await session.call('years.list', {});
    const chosen = opts.year ? years.find((y) => y.year.label === opts.year || y.year.id === opts.year) : years.at(-1);
    if (!chosen) {
      io.stderr(opts.year ? `rsched check: no academic year labelled "${opts.year}"\n` : 'rsched check: the vault has no academic year yet\n');
      return 2;
    }
    const report = await session.call('compliance.check', { yearId: chosen.year.id });
    if (opts.format === 'json') {
      io.stdout(JSON.stringify({ academicYear: chosen.year.label, checkedAt: report.checkedAt, results: report.findings }, null, 2) + '\n');
    } else {
      const violations = report.findings.filter((f) => f.verdict === 'violation');
      io.stdout(`Academic year ${chosen.year.label}: ${report.people} trainees checked, ${violations.length} violation(s), ${report.findings.length - violations.length} advisory finding(s)\n`);
      for (const f of report.findings) {
        const period = f.period ? ` ${f.period[0]}..${f.period[1]}` : '';
        const ack = f.acknowledged ? ' [acknowledged]' : '';
        io.stdout(`  ${f.verdict.padEnd(9)} ${f.ruleId.padEnd(16)}${period} ${f.explanation}${ack}\n`);
      }
    }
    return 0;
  } catch (err) {
    io.stderr(`rsched check: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    session.close();
  }
}
