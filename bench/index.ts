import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

/**
 * `npm run bench -- NAME [ARGS]` runs bench/NAME.ts. Each benchmark prints figures for people and,
 * as its last line, one JSON object with the same figures.
 */
const here = dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  process.stderr.write('usage: npm run bench -- NAME [ARGS]   (NAME is a file bench/NAME.ts)\n');
  process.exit(2);
}
const file = join(here, `${name}.ts`);
if (!existsSync(file)) {
  process.stderr.write(`bench: no benchmark named "${name}" (bench/${name}.ts)\n`);
  process.exit(2);
}
process.argv = [process.argv[0] ?? 'node', file, ...args];
await import(pathToFileURL(file).href);
