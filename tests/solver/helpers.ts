import { readFileSync } from 'node:fs';
import { parseNrp } from '../../electron/core/solver/nrp/parser';
import type { NrpInstance } from '../../electron/core/solver/nrp/instance';

export const BENCH_DIR = '/work/shared/benchmarks/curtois-qu';

export function loadInstance(n: number): NrpInstance {
  return parseNrp(readFileSync(`${BENCH_DIR}/Instance${n}.txt`, 'utf8'), `Instance${n}`);
}

/** Builds an instance text in the benchmark format (CRLF, like the real files). */
export function instanceText(sections: Record<string, string[]>): string {
  const out: string[] = ['# hand-made test instance'];
  for (const [name, lines] of Object.entries(sections)) {
    out.push(`SECTION_${name}`, ...lines, '');
  }
  return out.join('\r\n');
}
