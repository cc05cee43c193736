import { resolve } from 'node:path';
import type { AppCallName, CallInput, CallOutput, AppContract } from '../../shared/contract/index';
import { createCore, type Core } from '../core/app';
import { createLogger } from '../core/logger';
import type { CliIo } from './command';

/**
 * A signed-in session on a vault for a command: the CLI goes through the same core and dispatcher
 * as the app (login throttling, permissions, audit), never around them.
 */
export interface CliSession {
  call<N extends AppCallName>(name: N, input: CallInput<AppContract, N>): Promise<CallOutput<AppContract, N>>;
  close(): void;
}

export class CliCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the password from stdin (--password-stdin) or the terminal; never from argv or env. */
export async function readPassword(io: CliIo, fromStdin: boolean, prompt = 'Password: '): Promise<string> {
  if (fromStdin) return (await io.readStdin()).replace(/\r?\n$/, '');
  return io.promptSecret(prompt);
}

export async function signIn(io: CliIo, opts: { vaultDir: string; username: string; password: string }): Promise<CliSession> {
  const core: Core = createCore({
    dataDir: resolve(io.cwd, opts.vaultDir),
    transport: 'in-process',
    logger: createLogger({ level: 'warn' }),
    sweepEveryMs: 0,
  });
  const caller = { clientId: 'cli', transport: 'in-process' as const };
  const call = async <N extends AppCallName>(name: N, input: CallInput<AppContract, N>): Promise<CallOutput<AppContract, N>> => {
    const r = await core.dispatcher.dispatch(name, input, caller);
    if (!r.ok) throw new CliCallError(r.error.code, `${r.error.message} (${r.error.code}, ref ${r.error.correlationId})`);
    return r.value as CallOutput<AppContract, N>;
  };
  try {
    await call('auth.login', { username: opts.username, password: opts.password });
  } catch (err) {
    core.shutdown();
    throw err;
  }
  return { call, close: () => core.shutdown() };
}
