import type { z } from 'zod';
import type { Permission } from '../rbac';

/**
 * Who may make a call:
 * - 'public': before login (setup, login, app info);
 * - 'session': any signed-in user, whatever the role (own profile, logout, consent);
 * - a Permission from the RBAC matrix.
 */
export type Access = 'public' | 'session' | Permission;

export interface CallDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** Input schema: always strict objects, so unknown keys are refused. */
  readonly input: I;
  readonly output: O;
  readonly access: Access;
  /** Mutating calls must write an audit entry in the same transaction (a coverage test checks). */
  readonly mutates: boolean;
  /** One line for docs and the permission report. */
  readonly summary: string;
}

export function defineCall<I extends z.ZodType, O extends z.ZodType>(def: CallDef<I, O>): CallDef<I, O> {
  return def;
}

export type Contract = Record<string, CallDef>;
export type CallName<C extends Contract> = keyof C & string;
export type CallInput<C extends Contract, N extends CallName<C>> = z.input<C[N]['input']>;
export type CallOutput<C extends Contract, N extends CallName<C>> = z.output<C[N]['output']>;
