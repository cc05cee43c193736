import type { Contract } from './define';
import { systemCalls } from './system';

/**
 * Every call the renderer (or any transport) may make. Domain files each export a block of calls;
 * this is the one place they are combined, and a name may appear only once.
 */
export const contract = {
  ...systemCalls,
} as const satisfies Contract;

export type AppContract = typeof contract;
export type AppCallName = keyof AppContract & string;
export const CALL_NAMES = Object.keys(contract).sort() as AppCallName[];

export * from './define';
