import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PurgeResult } from '../../shared/contract/security';
import type { SecuritySettings } from '../../shared/security/settings';
import { verifyInclusion } from '../../shared/merkle/verify';
import { nodeHasher } from '../../electron/core/audit/hash';
import { verifyAudit } from '../../electron/core/audit/verify';
import { readCertificate } from '../../electron/core/security/index';
import { addDeviceAlert, updateOutbox } from '../../electron/core/sync/device-store';
import { ADMIN, alerts, db, entries, expectError, setupAndSignInAdmin, startCore, ws, type Harness } from './helpers';

const person = { displayName: 'Retention Subject', email: 'subject@example.org', kind: 'resident', pgy: 1, specialty: 'im', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true };
const absence = (personId: string, start: string) => ({ personId, type: 'vacation', startDate: start, endDate: start, status: 'approved', excludeFromAveraging: true, reason: 'private reason', notes: null, location: null });

describe('retention and destruction', () => {
  let h: Harness;
  let syncedAbsence = '';
  let unsyncedAbsence = '';
  let acked = 0;
  beforeAll(async () => {
    h = startCore();
    await setupAndSignInAdmin(h);
  }, 120_000);
  afterAll(() => h.stop());

  it('refuses retention periods below the floors (audit log at least 6 years)', async () => {
    const s = await h.ok<SecuritySettings>('security.getSettings', {});
    expectError(await h.call('security.setSettings', { settings: { ...s, retention: { ...s.retention, auditPayloads: 2191 } } }), 'BAD_INPUT');
    expectError(await h.call('security.setSettings', { settings: { ...s, retention: { ...s.retention, absences: 364 } } }), 'BAD_INPUT');
    await h.ok('security.setSettings', { settings: { ...s, retention: { ...s.retention, absences: 365, shiftAssignments: 365 } } });
  });

  it('purges nothing the hospital server has not acknowledged', async () => {
    const p = await h.ok<{ id: string }>('people.save', person);
    syncedAbsence = (await h.ok<{ id: string }>('absences.save', absence(p.id, '2026-07-06'))).id;
    acked = ws(h).audit.size;
    unsyncedAbsence = (await h.ok<{ id: string }>('absences.save', absence(p.id, '2026-07-08'))).id;
    addDeviceAlert(db(h), h.clock.now().toISOString(), 'rollback', 'server refused the log: ROLLBACK');
    expect(await alerts(h, 'sync_fork_or_rollback')).toHaveLength(1);
    // Never enrolled: nothing is acknowledged, so even after 7 years nothing would go.
    const dry = await h.ok<PurgeResult>('retention.purge', { dryRun: true });
    expect(dry.syncedSize).toBe(0);
    expect(dry.items.every((i) => i.count === 0)).toBe(true);
  });

  it('after the periods end: destroys synced payloads and rows, keeps leaf hashes (proofs verify), keeps the unsynced', async () => {
    // The server acknowledged the log up to (not including) the second absence.
    updateOutbox(db(h), { ackedSize: acked });
    const proofBefore = ws(h).audit.checkpoint();
    h.clock.set('2033-07-15T15:00:00Z');
    await h.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    const d = db(h);
    const redactable = d.prepare('SELECT count(*) FROM audit_entry WHERE seq < ? AND entry IS NOT NULL').pluck().get(acked) as number;
    const youngerUnsynced = d.prepare('SELECT count(*) FROM audit_entry WHERE seq >= ? AND time < ?').pluck().get(acked, '2027-07-15') as number;
    expect(redactable).toBeGreaterThan(5);

    const dry = await h.ok<PurgeResult>('retention.purge', { dryRun: true });
    expect(d.prepare('SELECT count(*) FROM audit_entry WHERE entry IS NULL').pluck().get()).toBe(0);
    const run = await h.ok<PurgeResult>('retention.purge', { dryRun: false });
    const item = (r: PurgeResult, t: string) => r.items.find((i) => i.type === t)!;
    expect(item(dry, 'auditPayloads')).toEqual(item(run, 'auditPayloads'));
    expect(run).toMatchObject({ auditBeforeSeq: acked, syncedSize: acked, walCheckpointed: true });
    expect(item(run, 'auditPayloads')).toMatchObject({ count: redactable, heldUnsynced: youngerUnsynced });
    expect(item(run, 'absences')).toMatchObject({ count: 1, heldUnsynced: 1 });
    // The alert is past its 2192 days here: held only because its outbox row was never sent.
    expect(item(run, 'securityAlerts').heldUnsynced).toBeGreaterThanOrEqual(1);

    // Rows: the synced absence is gone, the unsynced one stays.
    expect(d.prepare('SELECT id FROM absences ORDER BY id').pluck().all()).toEqual([unsyncedAbsence]);
    expect(syncedAbsence).not.toBe(unsyncedAbsence);
    // Payloads: below the acknowledged size destroyed, at and above it untouched.
    expect(d.prepare('SELECT count(*) FROM audit_entry WHERE seq < ? AND entry IS NOT NULL').pluck().get(acked)).toBe(0);
    expect(d.prepare('SELECT count(*) FROM audit_entry WHERE seq >= ? AND entry IS NULL').pluck().get(acked)).toBe(0);
    // The person record's e-mail lived only in its (synced) person.create entry: gone. The unsynced
    // absence's entry keeps its payload.
    expect(d.prepare("SELECT count(*) FROM audit_entry WHERE entry LIKE '%subject@example.org%'").pluck().get()).toBe(0);
    expect(d.prepare("SELECT count(*) FROM audit_entry WHERE resource_type = 'absence' AND resource_id = ? AND entry IS NOT NULL").pluck().get(unsyncedAbsence)).toBe(1);

    // The trail still verifies, and an inclusion proof of a destroyed entry still checks against
    // the checkpoint signed before the purge.
    const report = await verifyAudit(d, { anchorPath: join(h.dir, 'audit-anchor.json'), deep: true });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, redacted: redactable });
    const proof = ws(h).audit.proveInclusion(3, proofBefore);
    expect(() => verifyInclusion(nodeHasher, 3, proofBefore.size, proof.leafHash, proof.proof, proofBefore.root)).not.toThrow();

    // The destruction certificate: recorded in the trail and signed with the device key.
    const [cert] = entries(h, 'retention.purge');
    expect(cert?.details).toMatchObject({ auditPayloadsCount: redactable, absencesCount: 1, absencesHeld: 1, syncedSize: acked });
    const stored = readCertificate(d, String(cert!.resource.id))!;
    const body = JSON.parse(stored.certificate) as { items: Array<{ type: string; seqRange?: number[] }> };
    expect(body.items.find((i) => i.type === 'auditPayloads')?.seqRange).toEqual([0, acked]);
    expect(verifySignature(null, Buffer.from(stored.certificate), createPublicKey(ws(h).audit.publicKeyPem), Buffer.from(stored.signature, 'base64'))).toBe(true);
    expect(entries(h, 'audit.retention_redact')[0]?.details).toMatchObject({ beforeSeq: acked, count: redactable });

    // secure_delete is on and the WAL was checkpointed and truncated: no old page lingers there.
    expect(Number(d.pragma('secure_delete', { simple: true }))).toBe(1);
    expect(statSync(join(h.dir, 'vault.db-wal')).size).toBe(0);
  });

  it('a second run destroys nothing more and still verifies', async () => {
    const again = await h.ok<PurgeResult>('retention.purge', { dryRun: false });
    expect(again.items.map((i) => i.count)).toEqual([0, 0, 0, 0, 0]);
    const report = await verifyAudit(db(h), { anchorPath: join(h.dir, 'audit-anchor.json') });
    expect(report.ok).toBe(true);
    expect(entries(h, 'retention.purge')).toHaveLength(2);
  });
});
