import type { CliCommand } from './command';
import { checkCommand } from './commands/check';
import { vaultCommand } from './commands/vault';
import { nrpCommand } from './commands/nrp';
import { serverCommand } from './commands/server';
import { syncCommand } from './commands/sync';
import { auditCommand } from './commands/audit';

/** Every rsched command, in the order `rsched help` lists them. Add one line per command module. */
export const COMMANDS: CliCommand[] = [
  checkCommand,
  vaultCommand,
  nrpCommand,
  serverCommand,
  syncCommand,
  auditCommand,
];
