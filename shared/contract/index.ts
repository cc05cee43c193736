import type { Contract } from './define';
import { authCalls } from './auth';
import { systemCalls } from './system';
import { usersCalls } from './users';

/**
 * Every call the renderer (or any transport) may make. Domain files each export a block of calls;
 * this is the one place they are combined, and a name may appear only once.
 */
export const contract = {
  ...systemCalls,
  ...authCalls,
  ...usersCalls,
} as const satisfies Contract;

export type AppContract = typeof contract;
export type AppCallName = keyof AppContract & string;
export const CALL_NAMES = Object.keys(contract).sort() as AppCallName[];

export * from './define';
