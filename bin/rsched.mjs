#!/usr/bin/env node
// The installed `rsched` entry: runs the TypeScript CLI through tsx, exactly as `npm run rsched` does.
import { register } from 'tsx/esm/api';
register();
const { runCli } = await import('../electron/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
