import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncStatusView } from '../../shared/contract/sync';
import type { AuditRecord } from '../../shared/audit/entry';
import { approveEnrollment, type EnrollOutcome } from '../../server/enroll';
import { ADMIN, ADMIN_CLIENT, type Harness } from '../accounts/helpers';
import type { TestServer } from '../sync/helpers';

/** A person record through the contract: one scheduling change, one `person.create` entry. */
export async function addPerson(h: Harness, name: string): Promise<{ id: string }> {
  return h.ok<{ id: string }>('people.save', { displayName: name, email: null, kind: 'resident', pgy: 2, specialty: 'im', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true });
}

/** Enrollment as an administrator does it: request from the app, approval on the server, response back. */
export async function enrollThroughContract(h: Harness, server: TestServer): Promise<{ request: { deviceId: string; deviceFingerprint: string }; approval: EnrollOutcome; accepted: { serverFingerprint: string; serverId: string } }> {
  const request = await h.ok<{ content: string; deviceId: string; deviceFingerprint: string }>('sync.requestEnrollment', {});
  const approval = await approveEnrollment(JSON.parse(request.content) as unknown, server.app, { url: server.http.url, tlsSpkiSha256: server.cert.pin });
  const accepted = await h.ok<{ serverFingerprint: string; serverId: string }>('sync.acceptEnrollment', { content: JSON.stringify(approval.response) });
  return { request, approval, accepted };
}

export const status = (h: Harness): Promise<SyncStatusView> => h.ok<SyncStatusView>('sync.status', {});

export async function signInAgain(h: Harness): Promise<void> {
  await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, ADMIN_CLIENT);
}

/** Entries of one action, newest first, read through the audited search call. */
export async function entriesOf(h: Harness, action: string): Promise<AuditRecord[]> {
  const page = await h.ok<{ records: AuditRecord[] }>('audit.search', { actions: [action], limit: 500 });
  return page.records;
}

/** Copies every file of the (locked) vault folder but the receipt copy: an older backup. */
export function backupVault(dir: string, to: string, keep: (f: string) => boolean): void {
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    if (f.isFile() && keep(f.name)) copyFileSync(join(dir, f.name), join(to, f.name));
  }
}

/** Puts the backup back over the vault folder, leaving files the backup does not name untouched. */
export function restoreVault(from: string, dir: string): void {
  for (const f of readdirSync(from)) {
    rmSync(join(dir, f), { force: true });
    copyFileSync(join(from, f), join(dir, f));
  }
}

/** Polls until `check` holds (the agent works on timers); fails after `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
