import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VaultInfoView } from '../../shared/contract/vault';
import { getDeviceSigningKey, verifyDestructionCertificate } from '../../electron/core/vault';
import { PRODUCTION_KDF } from '../../electron/core/vault/kdf';
import { readKeystoreFile } from '../../electron/core/vault/keystore';
import { ADMIN, addUser, expectError, setupAndSignInAdmin, startCore, type Harness } from '../accounts/helpers';
import { codeOf } from './helpers';

/**
 * Emergency destruction from the app (vault.destroy): the administrator's password (checked in the
 * password worker) and the typed phrase, then the same destroyVault the CLI's `vault shred` runs,
 * on a real vault with the production key-derivation settings.
 */

type Summary = { destroyedAt: string; actorId: string; vaultId: string; certificateFile: string };

function destroyEntries(h: Harness): Array<{ outcome: string; code: unknown }> {
  const rows = h.core.accounts.vault().db.prepare("SELECT entry FROM audit_entry WHERE action = 'vault.destroy' ORDER BY seq").pluck().all() as string[];
  return rows.map((r) => {
    const e = JSON.parse(r) as { outcome: string; details?: Record<string, unknown> };
    return { outcome: e.outcome, code: e.details?.code };
  });
}

describe('vault.destroy: emergency destruction from the app', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });

  it('refuses a wrong password or phrase (audited, nothing destroyed); then destroys the vault, ends every session and leaves a verifiable certificate', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rsched-destroy-call-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const dir = join(root, 'vault');
    const h = startCore(dir);
    cleanups.push(() => h.stop());
    const { session } = await setupAndSignInAdmin(h);
    const coordinator = await addUser(h, 'coordinator', 'cora');
    const info = await h.ok<VaultInfoView>('vault.info', {});
    const phrase = info.destructionPhrase;
    expect(phrase).toBe(`DESTROY VAULT ${info.vaultId.slice(0, 8).toUpperCase()}`);

    // Not an administrator: refused by the permission check.
    expectError(await h.call('vault.destroy', { currentPassword: coordinator.password, confirmation: phrase }, coordinator.caller), 'FORBIDDEN');
    // Wrong password, then the right password with a wrong phrase: typed errors, audited, nothing gone.
    const wrongPassword = await h.call('vault.destroy', { currentPassword: 'not the admin password at all', confirmation: phrase });
    expectError(wrongPassword, 'WRONG_CREDENTIALS');
    const wrongPhrase = await h.call('vault.destroy', { currentPassword: ADMIN.password, confirmation: 'DESTROY VAULT' });
    expectError(wrongPhrase, 'CONFIRMATION_REQUIRED');
    if (!wrongPhrase.ok) expect(wrongPhrase.error.issues?.[0]?.path).toBe('confirmation');
    expect(destroyEntries(h)).toEqual([
      { outcome: 'denied', code: 'WRONG_CREDENTIALS' },
      { outcome: 'denied', code: 'CONFIRMATION_REQUIRED' },
    ]);
    expect(h.core.isUnlocked()).toBe(true);
    expect(existsSync(join(dir, 'vault.db'))).toBe(true);
    expect(existsSync(join(dir, 'keystore.json'))).toBe(true);

    // A second name for the keystore's bytes: destruction must overwrite them, not just unlink a name.
    const keystoreBefore = readFileSync(join(dir, 'keystore.json'));
    linkSync(join(dir, 'keystore.json'), join(root, 'keystore-link.json'));
    const devicePem = getDeviceSigningKey(h.core.accounts.vault().db).publicKeyPem;

    const summary = await h.ok<Summary>('vault.destroy', { currentPassword: ADMIN.password, confirmation: ` ${phrase} ` });
    expect(summary).toEqual({
      destroyedAt: h.clock.now().toISOString(),
      actorId: session.userId,
      vaultId: info.vaultId,
      certificateFile: `destruction-certificate-${info.vaultId}.json`,
    });

    // Every session ended; the app is back at first run.
    expect(h.core.isUnlocked()).toBe(false);
    expect((await h.ok<{ session: unknown }>('auth.session', {})).session).toBeNull();
    expect((await h.ok<{ session: unknown }>('auth.session', {}, coordinator.caller)).session).toBeNull();
    expect((await h.ok<{ vault: string }>('system.status', {})).vault).toBe('absent');
    expect(h.locks).not.toContain('destroyed'); // the renderer shows the summary, then reloads itself

    // Only the certificate is left; the slots' bytes are random.
    expect(readdirSync(dir)).toEqual([summary.certificateFile]);
    for (const name of ['vault.db', 'vault.db-wal', 'vault.db-shm', 'keystore.json', 'keystore.json.prev', 'signin.json']) expect(existsSync(join(dir, name))).toBe(false);
    const shredded = readFileSync(join(root, 'keystore-link.json'));
    expect(shredded.length).toBe(keystoreBefore.length);
    expect(shredded.equals(keystoreBefore)).toBe(false);
    expect(await codeOf(() => readKeystoreFile(join(root, 'keystore-link.json'), PRODUCTION_KDF))).toBe('KEYSTORE_DAMAGED');

    const cert: unknown = JSON.parse(readFileSync(join(dir, summary.certificateFile), 'utf8'));
    expect(verifyDestructionCertificate(cert, devicePem)).toBe(true);
    expect(cert).toMatchObject({ vaultId: info.vaultId, actor: session.userId, time: summary.destroyedAt });
    const files = (cert as { files: Array<{ name: string; action: string }> }).files;
    expect(files.find((f) => f.name === 'keystore.json')?.action).toBe('overwritten-and-removed');
    expect(files.find((f) => f.name === 'vault.db')?.action).toBe('removed');

    // First run works again in the same folder.
    await h.ok('auth.setup', { programName: 'After Destruction', institution: 'Lakeside General', timeZone: 'America/Chicago', admin: ADMIN });
    expect((await h.ok<{ vault: string }>('system.status', {})).vault).toBe('locked');
  }, 120_000);
});
