import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EVIDENCE_FILE } from '../../electron/core/security/index';
import { ADMIN, ADMIN_CLIENT, db, expectError, setupAndSignInAdmin, startCore, type Harness } from './helpers';

/**
 * Tampering found while the vault is locked cannot go to the encrypted audit log then: it is kept
 * in security-evidence.jsonl beside the vault and becomes an audit entry and a tamper_detected
 * alert at the next successful unlock. Real SQLCipher vault, real files.
 */
let h: Harness | null = null;
afterEach(() => {
  h?.stop();
  h = null;
});

const evidencePath = (x: Harness): string => join(x.dir, EVIDENCE_FILE);
const evidence = (x: Harness): Array<Record<string, unknown>> =>
  existsSync(evidencePath(x)) ? readFileSync(evidencePath(x), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [];

async function lockVault(x: Harness): Promise<void> {
  await x.ok('auth.logout', {}, ADMIN_CLIENT);
  expect(x.core.isUnlocked()).toBe(false);
}

async function signIn(x: Harness, password = ADMIN.password): Promise<void> {
  await x.ok('auth.login', { username: ADMIN.username, password }, ADMIN_CLIENT);
  // The report runs right after the unlock's own audit write, on the next turn of the loop.
  await new Promise((r) => setImmediate(r));
}

function tamperEntries(x: Harness): Array<{ time: string; details: Record<string, unknown> }> {
  return (db(x).prepare("SELECT entry FROM audit_entry WHERE action = 'vault.tamper_evidence' ORDER BY seq").pluck().all() as string[]).map((e) => JSON.parse(e) as { time: string; details: Record<string, unknown> });
}

function tamperAlerts(x: Harness): Array<{ details: Record<string, unknown>; severity: string }> {
  return (db(x).prepare("SELECT data FROM security_alert WHERE rule = 'tamper_detected' ORDER BY rowid").pluck().all() as string[]).map((d) => JSON.parse(d) as { details: Record<string, unknown>; severity: string });
}

describe('tamper evidence found before unlock', () => {
  it('a damaged keystore is recorded beside the vault, then audited and alerted at the next unlock', async () => {
    h = startCore();
    const { recoveryKey } = await setupAndSignInAdmin(h);
    await lockVault(h);
    const ks = join(h.dir, 'keystore.json');
    const bytes = readFileSync(ks);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    writeFileSync(ks, bytes);

    h.clock.advance(60_000);
    const damagedAt = h.clock.now().toISOString();
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password }, ADMIN_CLIENT), 'KEYSTORE_DAMAGED');
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password }, ADMIN_CLIENT), 'KEYSTORE_DAMAGED');
    // One line per finding (not per attempt), codes only: no user name, no e-mail.
    expect(evidence(h)).toMatchObject([{ n: 0, at: damagedAt, source: 'keystore', finding: 'keystore_damaged', prev: 'genesis' }]);
    const text = readFileSync(evidencePath(h), 'utf8');
    expect(text).not.toContain(ADMIN.username);
    expect(text).not.toContain(ADMIN.email);

    // The recovery key opens the previous keystore and repairs it; then the admin signs in.
    h.clock.advance(60_000);
    const newPassword = 'lantern quarry seventeen mosaic';
    await h.ok('auth.recover', { recoveryKey, username: ADMIN.username, newPassword });
    if (h.core.isUnlocked()) await lockVault(h);
    await signIn(h, newPassword);

    const entries = tamperEntries(h);
    expect(entries.map((e) => e.details)).toEqual([
      expect.objectContaining({ source: 'keystore', finding: 'keystore_damaged', occurredAt: damagedAt, evidenceLine: 0 }),
      expect.objectContaining({ source: 'keystore', finding: 'keystore_restored_from_prev', evidenceLine: 1 }),
    ]);
    const alerts = tamperAlerts(h);
    expect(alerts.map((a) => [a.severity, a.details.source, a.details.finding])).toEqual([
      ['critical', 'keystore', 'keystore_damaged'],
      ['critical', 'keystore', 'keystore_restored_from_prev'],
    ]);
    // The file is sealed under a key inside the vault; nothing is reported twice.
    const lines = evidence(h);
    expect(lines.at(-1)).toMatchObject({ source: 'seal', finding: 'reported_at_unlock' });
    expect(typeof lines.at(-1)?.mac).toBe('string');
    await lockVault(h);
    await signIn(h, newPassword);
    expect(tamperEntries(h)).toHaveLength(2);
  });

  it('sealed evidence edited afterwards is itself reported, and the file starts over', async () => {
    h = startCore();
    await setupAndSignInAdmin(h);
    await lockVault(h);
    rmKeystoreByte(h);
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password }, ADMIN_CLIENT), 'KEYSTORE_DAMAGED');
    copyFileSync(join(h.dir, 'keystore.json.prev'), join(h.dir, 'keystore.json'));
    await signIn(h);
    expect(tamperEntries(h).map((e) => e.details.finding)).toEqual(['keystore_damaged']);
    await lockVault(h);

    // Someone rewrites the finding to something harmless, keeping the line well-formed.
    const text = readFileSync(evidencePath(h), 'utf8').replace('keystore_damaged', 'keystore_fine');
    writeFileSync(evidencePath(h), text);
    await signIn(h);
    expect(tamperEntries(h).map((e) => e.details.finding)).toEqual(['keystore_damaged', 'evidence_file_altered']);
    expect(tamperAlerts(h).map((a) => a.details.finding)).toEqual(['keystore_damaged', 'evidence_file_altered']);
    expect(readdirSync(h.dir).some((f) => f.startsWith(`${EVIDENCE_FILE}.altered-`))).toBe(true);
    expect(evidence(h)).toMatchObject([{ n: 0, prev: 'genesis', source: 'seal' }]);
  });

  it('an older vault.db under a newer audit anchor is reported at unlock', async () => {
    h = startCore();
    await setupAndSignInAdmin(h);
    await lockVault(h);
    const older = join(h.dir, 'older.db');
    copyFileSync(join(h.dir, 'vault.db'), older);
    // More entries and a checkpoint later (10 minutes): the anchor moves past the copy.
    h.clock.advance(11 * 60_000);
    await signIn(h);
    await h.ok('people.save', { displayName: 'Anchor Test Person', email: null, kind: 'resident', pgy: 1, specialty: 'im', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true });
    await lockVault(h);
    for (const f of ['vault.db-wal', 'vault.db-shm']) rmSync(join(h.dir, f), { force: true });
    copyFileSync(older, join(h.dir, 'vault.db'));
    await signIn(h);
    // The unlock's own entries may already have grown the old log past the anchor's size: then it
    // is a different tree at that size (a fork) rather than a shorter one.
    const findings = tamperEntries(h).map((e) => e.details.finding);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^anchor_(beyond_log|root_mismatch)$/);
    expect(tamperAlerts(h).map((a) => a.details.source)).toEqual(['anchor']);
  });
});

function rmKeystoreByte(x: Harness): void {
  const ks = join(x.dir, 'keystore.json');
  const bytes = readFileSync(ks);
  const at = Math.floor(bytes.length / 3);
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  writeFileSync(ks, bytes);
}
