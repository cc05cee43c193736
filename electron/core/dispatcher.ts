import { ZodError, type z } from 'zod';
import type { CallDef, Contract } from '../../shared/contract/define';
import { AppError, defaultMessage, type IssueDetail, type WireResult } from '../../shared/errors';
import { sessionHas } from '../../shared/rbac';
import type { Clock } from './clock';
import type { IdGenerator } from './ids';
import type { Logger } from './logger';
import { meterCall } from './main-thread-blocks';
import type { Caller, Session, SessionProvider } from './session';

export interface CoreServices {
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
}

export interface CallContext {
  services: CoreServices;
  caller: Caller;
  /** Null only for 'public' calls made before login. */
  session: Session | null;
  correlationId: string;
  callName: string;
}

export type Handler<D extends CallDef> = (
  input: z.output<D['input']>,
  ctx: CallContext,
) => Promise<z.input<D['output']>> | z.input<D['output']>;

export type Handlers<C extends Contract> = { [N in keyof C]: Handler<C[N]> };

/** Why a call was refused before its handler ran; the audit module records these. */
export interface DeniedCall {
  callName: string;
  caller: Caller;
  session: Session | null;
  code: 'FORBIDDEN' | 'UNAUTHENTICATED' | 'SESSION_EXPIRED' | 'ACCOUNT_DISABLED' | 'CONSENT_REQUIRED' | 'PASSWORD_CHANGE_REQUIRED' | 'MFA_REQUIRED';
  correlationId: string;
}

export interface DispatcherOptions<C extends Contract> {
  contract: C;
  handlers: Handlers<C>;
  services: CoreServices;
  sessions: SessionProvider;
  /** Records refused calls (outside any transaction). */
  onDenied?: (denied: DeniedCall) => void;
  /** Field- and record-level rules applied to every output before it leaves the core. */
  filterOutput?: (callName: string, value: unknown, session: Session | null) => unknown;
  /**
   * Calls allowed while a session still has pending gates (consent, password change, MFA
   * enrollment): one set for every gate, or one per gate (the first pending gate decides).
   */
  allowedWhilePending?: ReadonlySet<string> | Partial<Record<Session['pending'][number], ReadonlySet<string>>>;
  /** Every call made while the session's break-glass elevation is active (audited, flagged). */
  onBreakGlassCall?: (info: { callName: string; session: Session; correlationId: string; outcome: string }) => void;
  /**
   * Budget for the longest stretch a call may hold the main thread without a break (ms); a call
   * over it is logged. Awaited time (workers, scrypt, timers) does not count.
   */
  slowCallMs?: number;
}

export interface Dispatcher {
  dispatch(name: string, input: unknown, caller: Caller): Promise<WireResult<unknown>>;
  readonly callNames: readonly string[];
}

function zodIssues(error: ZodError): IssueDetail[] {
  // Paths and zod's generic messages only: never echo the rejected value.
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(input)',
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}

/**
 * The single entry point of the core. Every transport (Electron IPC, the preview bridge, the CLI,
 * tests) goes through it: look up the call, resolve the caller's session, check gates and the
 * permission (break-glass included), validate input strictly, run the handler, validate and filter
 * the output, and map any failure to a typed error.
 */
export function createDispatcher<C extends Contract>(opts: DispatcherOptions<C>): Dispatcher {
  const { contract, handlers, services, sessions } = opts;
  const slowCallMs = opts.slowCallMs ?? 50;
  const names = Object.keys(contract).sort();
  const pendingRule = opts.allowedWhilePending;
  const allowedWhile = (gate: Session['pending'][number], name: string): boolean => {
    if (!pendingRule) return false;
    if (pendingRule instanceof Set) return pendingRule.has(name);
    return (pendingRule as Partial<Record<Session['pending'][number], ReadonlySet<string>>>)[gate]?.has(name) ?? false;
  };
  for (const name of names) {
    if (typeof handlers[name] !== 'function') throw new Error(`dispatcher: no handler for contract call ${name}`);
  }
  for (const name of Object.keys(handlers)) {
    if (!(name in contract)) throw new Error(`dispatcher: handler ${name} is not in the contract`);
  }

  const fail = (
    error: AppError,
    correlationId: string,
  ): WireResult<never> => ({
    ok: false,
    error: {
      code: error.code,
      message: error.message,
      correlationId,
      ...(error.issues ? { issues: error.issues } : {}),
      ...(error.details ? { details: error.details } : {}),
    },
  });

  async function dispatch(name: string, rawInput: unknown, caller: Caller): Promise<WireResult<unknown>> {
    const { value, longestBlockMs } = await meterCall(() => run(name, rawInput, caller));
    if (longestBlockMs > slowCallMs) {
      const call = Object.prototype.hasOwnProperty.call(contract, name) ? name : '(unknown call)';
      services.logger.warn('call blocked the main thread', { call, ms: Math.round(longestBlockMs) });
    }
    return value;
  }

  async function run(name: string, rawInput: unknown, caller: Caller): Promise<WireResult<unknown>> {
    const correlationId = services.ids.correlationId();
    const def: CallDef | undefined = Object.prototype.hasOwnProperty.call(contract, name) ? contract[name] : undefined;
    if (!def) return fail(new AppError('UNKNOWN_CALL'), correlationId);

    let session: Session | null = null;
    const deny = (code: DeniedCall['code']): WireResult<never> => {
      opts.onDenied?.({ callName: name, caller, session, code, correlationId });
      return fail(new AppError(code), correlationId);
    };
    try {
      session = sessions.resolve(caller);
    } catch (err) {
      // The provider re-reads the account on every call: an expired session or a disabled account
      // has just been ended. A public call (sign in again, status) goes on without it; anything
      // else is refused with the reason, before any handler.
      if (err instanceof AppError && (err.code === 'SESSION_EXPIRED' || err.code === 'ACCOUNT_DISABLED')) {
        if (def.access !== 'public') return deny(err.code);
      } else if (err instanceof AppError && err.code === 'CONFLICT') {
        // The vault is busy for a moment (a rekey swaps its connection): the caller should retry,
        // and a session watcher must not take it for a lost session or a broken core.
        return fail(err, correlationId);
      } else {
        services.logger.error('session lookup failed', { call: name, correlationId, error: err });
        return fail(new AppError('INTERNAL'), correlationId);
      }
    }
    const breakGlass = session !== null && session.breakGlassUntilMs !== null && session.breakGlassUntilMs > services.clock.nowMs();
    if (def.access !== 'public') {
      if (!session) return deny('UNAUTHENTICATED');
      const gate = session.pending[0];
      if (gate !== undefined && !allowedWhile(gate, name)) {
        return deny(gate === 'consent' ? 'CONSENT_REQUIRED' : gate === 'password_change' ? 'PASSWORD_CHANGE_REQUIRED' : 'MFA_REQUIRED');
      }
      if (def.access !== 'session' && !sessionHas(session.role, def.access, breakGlass)) return deny('FORBIDDEN');
    }

    // Authorization comes first: a caller who may not make the call learns nothing about its
    // input schema, and the role matrix can be checked for every call without crafting inputs.
    const parsed = def.input.safeParse(rawInput);
    if (!parsed.success) {
      return fail(new AppError('BAD_INPUT', undefined, { issues: zodIssues(parsed.error) }), correlationId);
    }

    const ctx: CallContext = { services, caller, session, correlationId, callName: name };
    let outcome = 'ok';
    try {
      const handler = handlers[name] as Handler<CallDef>;
      const raw: unknown = await handler(parsed.data, ctx);
      const output = def.output.parse(raw);
      const value = opts.filterOutput ? opts.filterOutput(name, output, session) : output;
      // Public calls (status, session polling) do not count as activity for the idle timeout.
      if (session && def.access !== 'public') sessions.touch(session);
      return { ok: true, value };
    } catch (err) {
      outcome = err instanceof AppError ? err.code : 'INTERNAL';
      if (err instanceof AppError) return fail(err, correlationId);
      if (err instanceof ZodError) {
        // Input was valid, so a schema failure here is the handler's output: a bug, not bad input.
        services.logger.error('call produced invalid output', { call: name, correlationId, issues: zodIssues(err) });
        return fail(new AppError('INTERNAL', defaultMessage('INTERNAL')), correlationId);
      }
      services.logger.error('call failed', { call: name, correlationId, error: err });
      return fail(new AppError('INTERNAL'), correlationId);
    } finally {
      if (breakGlass && session) opts.onBreakGlassCall?.({ callName: name, session, correlationId, outcome });
    }
  }

  return { dispatch, callNames: names };
}
