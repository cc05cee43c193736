import { AuditPage, AuditVerifyReport, type AuditFilter } from '../../../shared/audit/index';
import { CALL_NAMES, contract, type AppContract, type CallInput } from '../../../shared/contract/index';
import type { WireResult } from '../../../shared/errors';
import { api } from './client';

/**
 * The audit calls (audit.search, audit.export, audit.verify) are declared by the audit module; until
 * they are in the contract the viewer stays out of the menu. Answers are parsed with the shared
 * audit schemas, so the viewer never trusts a shape it did not check.
 */
type Fn = (input: unknown) => Promise<WireResult<unknown>>;

function auditFn(name: 'search' | 'export' | 'verify'): Fn | null {
  if (!(CALL_NAMES as readonly string[]).includes(`audit.${name}`)) return null;
  const ns = (api as unknown as Record<string, Record<string, Fn> | undefined>).audit;
  return ns?.[name] ?? null;
}

export function auditAvailable(): boolean {
  return auditFn('search') !== null;
}
export function auditExportAvailable(): boolean {
  return auditFn('export') !== null;
}
export function auditVerifyAvailable(): boolean {
  return auditFn('verify') !== null;
}

async function run<T>(name: 'search' | 'export' | 'verify', input: unknown, parse: (v: unknown) => T): Promise<WireResult<T>> {
  const fn = auditFn(name);
  if (!fn) return { ok: false, error: { code: 'UNKNOWN_CALL', message: 'That operation does not exist.', correlationId: 'client' } };
  const r = await fn(input);
  return r.ok ? { ok: true, value: parse(r.value) } : r;
}

export const auditApi = {
  search: (filter: AuditFilter) => run('search', filter, (v) => AuditPage.parse(v)),
  verify: () => run('verify', {}, (v) => AuditVerifyReport.parse(v)),
  /** The data file, its signed manifest and the detached signature (see shared/contract/audit.ts). */
  export: (input: CallInput<AppContract, 'audit.export'>) =>
    run('export', input, (v) => contract['audit.export'].output.parse(v)),
};
