import { pathToFileURL } from 'node:url';
import { UsageError, type CliIo } from './command';
import { processIo } from './io';
import { COMMANDS } from './registry';

function help(io: CliIo): void {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  io.stdout('rsched: Residency Scheduler command line\n\nUsage: rsched COMMAND [ARGS]\n\nCommands:\n');
  for (const c of COMMANDS) io.stdout(`  ${c.name.padEnd(width)}  ${c.summary}\n`);
  io.stdout(`  ${'help'.padEnd(width)}  Show help for a command: rsched help COMMAND\n`);
}

/** Runs rsched with the given arguments; returns the exit code. Tests call this directly. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const target = rest[0] ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    if (target) io.stdout(target.usage.endsWith('\n') ? target.usage : target.usage + '\n');
    else help(io);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`rsched: unknown command "${name}". Run "rsched help" for the list.\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`rsched ${name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`rsched ${name}: ${message}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`rsched: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
