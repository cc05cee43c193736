import type { WireResult } from '../errors';
import type { AppCallName, AppContract, CallInput, CallOutput } from './index';

type Namespace<N extends string> = N extends `${infer A}.${string}` ? A : never;

/**
 * The shape of `window.api`: one function per contract call, grouped by namespace
 * (`api.system.status({})`). Functions resolve to a WireResult and never throw across the bridge,
 * because errors thrown through contextBridge lose their fields.
 */
export type Api = {
  [A in Namespace<AppCallName>]: {
    [N in AppCallName as N extends `${A}.${infer B}` ? B : never]: (
      input: CallInput<AppContract, N>,
    ) => Promise<WireResult<CallOutput<AppContract, N>>>;
  };
};

/** Builds an Api object from a per-call sender; used by the preload and by the preview client. */
export function buildApi(
  names: readonly string[],
  send: (name: string) => (input: unknown) => Promise<WireResult<unknown>>,
): Api {
  const api: Record<string, Record<string, (input: unknown) => Promise<WireResult<unknown>>>> = {};
  for (const name of names) {
    const dot = name.indexOf('.');
    const ns = name.slice(0, dot);
    const fn = name.slice(dot + 1);
    (api[ns] ??= {})[fn] = send(name);
  }
  return api as unknown as Api;
}
