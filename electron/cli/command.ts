/**
 * One rsched command. Commands are plain Node: they build on the same core as the app and never
 * import electron. stdout carries the command's result; diagnostics go to stderr.
 */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of standard input (for --password-stdin and piped files). */
  readStdin: () => Promise<string>;
  /** Prompts on the terminal without echo; rejects when there is no TTY. */
  promptSecret: (question: string) => Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface CliCommand {
  /** First word after `rsched` (e.g. "check", "vault", "audit", "nrp", "server"). */
  name: string;
  summary: string;
  /** Usage text shown by `rsched help NAME` and on a usage error. */
  usage: string;
  /** Returns the process exit code: 0 ran, 1 failed (e.g. verification found a problem), 2 bad usage or input. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Thrown for bad command-line usage; main prints the message and the usage, exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
