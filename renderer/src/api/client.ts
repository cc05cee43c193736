import type { Api } from '../../../shared/contract/api';
import type { WireError, WireResult } from '../../../shared/errors';
import { createHttpApi } from './http-bridge';

/** The one way the renderer reaches the core: Electron's preload if present, else the preview bridge. */
export const api: Api = window.api ?? createHttpApi();

/** A failed call, as the UI shows it: a fixed message, a code, and a correlation id for support. */
export class CallError extends Error {
  readonly code: WireError['code'];
  readonly correlationId: string;
  readonly issues: WireError['issues'];
  /** Safe numbers from the core, e.g. retryAfterMs when sign-in is throttled. */
  readonly details: WireError['details'];
  constructor(error: WireError) {
    super(error.message);
    this.code = error.code;
    this.correlationId = error.correlationId;
    this.issues = error.issues;
    this.details = error.details;
  }
}

/** Awaits a call and returns its value, or throws CallError. */
export async function unwrap<T>(result: Promise<WireResult<T>>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new CallError(r.error);
  return r.value;
}
