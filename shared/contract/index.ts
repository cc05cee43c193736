import type { Contract } from './define';
import { auditCalls } from './audit';
import { authCalls } from './auth';
import { demoCalls } from './demo';
import { exchangeCalls } from './exchange';
import { generateCalls } from './generate';
import { scheduleCalls } from './schedule';
import { securityCalls } from './security';
import { syncCalls } from './sync';
import { systemCalls } from './system';
import { usersCalls } from './users';
import { vaultCalls } from './vault';

/**
 * Every call the renderer (or any transport) may make. Domain files each export a block of calls;
 * this is the one place they are combined, and a name may appear only once.
 */
export const contract = combineCalls(systemCalls, authCalls, usersCalls, scheduleCalls, demoCalls, auditCalls, securityCalls, syncCalls, generateCalls, exchangeCalls, vaultCalls);

export type AppContract = typeof contract;
export type AppCallName = keyof AppContract & string;
export const CALL_NAMES = Object.keys(contract).sort() as AppCallName[];

export * from './define';

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Merges the domain blocks, refusing a call name declared twice (a spread would silently keep the last). */
function combineCalls<B extends Contract[]>(...blocks: B): UnionToIntersection<B[number]> {
  const out: Contract = {};
  for (const block of blocks) {
    for (const [name, def] of Object.entries(block)) {
      if (name in out) throw new Error(`contract: call ${name} is declared twice`);
      out[name] = def;
    }
  }
  return out as UnionToIntersection<B[number]>;
}
