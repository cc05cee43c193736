import type { Caller } from '../../electron/core/session';
import type { Role } from '../../shared/rbac';
import { addUser, setupAndSignInAdmin, startCore, type Harness } from '../accounts/helpers';

export interface Program {
  h: Harness;
  yearId: string;
  years: Array<{ year: { id: string; startDate: string; endDate: string }; blocks: Array<{ id: string; number: number; label: string; startDate: string; endDate: string }> }>;
  people: Array<{ id: string; displayName: string; kind: string; pgy: number | null; email: string | null }>;
  rotations: Array<{ id: string; name: string; shortName: string; eligiblePgy: number[] }>;
}

/** A signed-in admin on a fresh vault holding the synthetic demo program (every write audited). */
export async function demoProgram(residentsPerPgy = 4): Promise<Program> {
  const h = startCore();
  await setupAndSignInAdmin(h);
  const seeded = await h.ok<{ yearId: string }>('demo.seed', { startDate: '2026-07-01', residentsPerPgy });
  return { h, yearId: seeded.yearId, ...(await reload(h)) };
}

export async function reload(h: Harness): Promise<Omit<Program, 'h' | 'yearId'>> {
  return {
    years: await h.ok('years.list', {}),
    people: await h.ok('people.list', {}),
    rotations: await h.ok('rotations.list', {}),
  };
}

export function b64(text: string | Uint8Array): string {
  return Buffer.from(text).toString('base64');
}

export function fromB64(data: string): Buffer {
  return Buffer.from(data, 'base64');
}

/** Committed audit entries of the vault, read back from the log itself. */
export function auditEntries(h: Harness): Array<{ action: string; outcome: string; subject?: string; resource: { type: string; id: string | null }; details?: Record<string, unknown>; reason?: string }> {
  const db = h.core.accounts.vault().db;
  return (db.prepare('SELECT entry FROM audit_entry WHERE entry IS NOT NULL ORDER BY seq').pluck().all() as string[]).map((t) => JSON.parse(t));
}

export async function userFor(h: Harness, role: Role, name: string, personId?: string): Promise<Caller> {
  return (await addUser(h, role, name, personId ? { personId } : {})).caller;
}
