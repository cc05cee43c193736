import type { CliCommand } from './command';

/** Every rsched command, in the order `rsched help` lists them. Add one line per command module. */
export const COMMANDS: CliCommand[] = [];
