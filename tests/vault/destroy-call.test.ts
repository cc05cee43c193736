import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VaultInfoView } from '../../shared/contract/vault';
import { getDeviceSigningKey, verifyDestructionCertificate } from '../../electron/core/vault';
import { PRODUCTION_KDF } from '../../electron/core/vault/kdf';
import { readKeystoreFile } from '../../electron/core/vault/keystore';
import { ADMIN, addUser, caller, expectError, setupAndSignInAdmin, startCore, type Harness } from '../accounts/helpers';
import { codeOf } from './helpers';

/**
 * Emergency destruction from the app (vault.destroy): the administrator's password (checked in the
 * password worker) and the typed phrase, then the same destroyVault the CLI's `vault shred` runs,
 * on a real vault with the production key-derivation settings.
 */

type Summary = { destroyedAt: string; actorId: string; vaultId: string; certificateFile: string };

function destroyEntries(h: Harness): Array<{ outcome: string; code: unknown; phase?: unknown }> {
  const rows = h.core.accounts.vault().db.prepare("SELECT entry FROM audit_entry WHERE action = 'vault.destroy' ORDER BY seq").pluck().all() as string[];
  return rows.map((r) => {
    const e = JSON.parse(r) as { outcome: string; details?: Record<string, unknown> };
    return { outcome: e.outcome, code: e.details?.code, ...(e.details?.phase !== undefined ? { phase: e.details.phase } : {}) };
  });
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('vault.destroy: emergency destruction from the app', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });

  /** A core on a fresh vault folder (`<root>/vault`) with the administrator signed in. */
  async function signedInVault(prefix: string): Promise<{ root: string; dir: string; h: Harness; signedIn: Awaited<ReturnType<typeof setupAndSignInAdmin>> }> {
    const root = mkdtempSync(join(tmpdir(), prefix));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const dir = join(root, 'vault');
    const h = startCore(dir);
    cleanups.push(() => h.stop());
    return { root, dir, h, signedIn: await setupAndSignInAdmin(h) };
  }

  it('refuses a wrong password or phrase (audited, nothing destroyed); then destroys the vault, ends every session and leaves a verifiable certificate', async () => {
    const { root, dir, h, signedIn: { session } } = await signedInVault('rsched-destroy-call-');
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
  it('while a destruction runs, sign-in, recovery and a second destruction are refused; the vault stays destroyed and the core locked', async () => {
    const { dir, h, signedIn: { recoveryKey } } = await signedInVault('rsched-destroy-race-');
    const cora = await addUser(h, 'coordinator', 'cora');
    const { destructionPhrase: phrase } = await h.ok<VaultInfoView>('vault.info', {});
    const input = { currentPassword: ADMIN.password, confirmation: phrase };

    const destroying = h.call<Summary>('vault.destroy', input);
    // While the administrator's password is checked: another window signs in, the same page submits twice.
    const early = h.call('auth.login', { username: 'cora', password: cora.password }, caller('cora-second-window'));
    const second = h.call('vault.destroy', input);
    expectError(await early, 'VAULT_IN_USE');
    expectError(await second, 'CONFLICT');
    // Once the vault has closed, while its files are shredded in the worker: the review's race.
    let trail = destroyEntries(h);
    while (h.core.isUnlocked()) {
      trail = destroyEntries(h);
      await nextTurn();
    }
    const late = h.call('auth.login', { username: ADMIN.username, password: ADMIN.password }, caller('admin-second-window'));
    const recovery = h.call('auth.recover', { recoveryKey, username: 'cora', newPassword: 'lantern orchard velvet 2031 quay' }, caller('recovery-window'));
    expectError(await late, 'VAULT_IN_USE');
    expectError(await recovery, 'VAULT_IN_USE');

    const summary = await destroying;
    expect(summary.ok).toBe(true);
    if (!summary.ok) return;
    // The trail's last entry only says the destruction started (it went with the vault); the second submit was refused.
    expect(trail).toEqual([
      { outcome: 'failed', code: 'CONFLICT' },
      { outcome: 'success', code: undefined, phase: 'started' },
    ]);
    expect(h.core.isUnlocked()).toBe(false);
    expect((await h.ok<{ session: unknown }>('auth.session', {})).session).toBeNull();
    expect(readdirSync(dir)).toEqual([summary.value.certificateFile]);
    // Afterwards there is nothing to open, and nothing reappears.
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password }), 'VAULT_MISSING');
    expect(h.core.isUnlocked()).toBe(false);
    expect(readdirSync(dir)).toEqual([summary.value.certificateFile]);
  }, 120_000);

  it('destroys the copies a restore set aside and leftovers of an interrupted rekey, and lists them in the certificate', async () => {
    const { root, dir, h } = await signedInVault('rsched-destroy-copies-');
    const { destructionPhrase: phrase, vaultId } = await h.ok<VaultInfoView>('vault.info', {});
    // What a restore over this vault leaves beside it (backup.ts), and a copy of another vault.
    const aside = `${dir}.before-restore-2026-07-01T11-00-00-000Z`;
    const other = `${dir}.before-restore-2026-06-01T11-00-00-000Z`;
    mkdirSync(aside);
    mkdirSync(other);
    copyFileSync(join(dir, 'keystore.json'), join(aside, 'keystore.json'));
    copyFileSync(join(dir, 'vault.db'), join(aside, 'vault.db'));
    writeFileSync(join(other, 'keystore.json'), JSON.stringify({ vaultId: '00000000-0000-4000-8000-000000000000' }));
    const asideKeystore = readFileSync(join(aside, 'keystore.json'));
    linkSync(join(aside, 'keystore.json'), join(root, 'aside-keystore-link.json'));
    // An interrupted rekey's copies and an atomic write's leftover.
    writeFileSync(join(dir, 'vault.db.rekey'), 'rekeyed copy');
    writeFileSync(join(dir, 'vault.db.rekey.tmp'), 'rekeyed copy in progress');
    copyFileSync(join(dir, 'keystore.json'), join(dir, 'keystore.json.tmp-4242'));

    const summary = await h.ok<Summary>('vault.destroy', { currentPassword: ADMIN.password, confirmation: phrase });
    expect(readdirSync(dir)).toEqual([summary.certificateFile]);
    expect(existsSync(aside)).toBe(false);
    expect(readdirSync(other)).toEqual(['keystore.json']); // another vault's copy is not this vault's to destroy
    const shredded = readFileSync(join(root, 'aside-keystore-link.json'));
    expect(shredded.length).toBe(asideKeystore.length);
    expect(shredded.equals(asideKeystore)).toBe(false);

    const cert = JSON.parse(readFileSync(join(dir, summary.certificateFile), 'utf8')) as { vaultId: string; files: Array<{ name: string; action: string }> };
    expect(verifyDestructionCertificate(cert)).toBe(true);
    expect(cert.vaultId).toBe(vaultId);
    const action = (name: string) => cert.files.find((f) => f.name === name)?.action;
    expect(action('keystore.json.tmp-4242')).toBe('overwritten-and-removed');
    expect(action('vault.db.rekey')).toBe('removed');
    expect(action('vault.db.rekey.tmp')).toBe('removed');
    expect(action(`${basename(aside)}/keystore.json`)).toBe('overwritten-and-removed');
    expect(action(`${basename(aside)}/vault.db`)).toBe('removed');
  }, 120_000);

  it('a destruction that fails after the vault closed reloads the renderer and leaves evidence for the next unlock', async () => {
    const { dir, h } = await signedInVault('rsched-destroy-fail-');
    const { destructionPhrase: phrase, vaultId } = await h.ok<VaultInfoView>('vault.info', {});
    // The certificate cannot be written (its name is taken by a folder): the last step fails.
    mkdirSync(join(dir, `destruction-certificate-${vaultId}.json`, 'occupied'), { recursive: true });

    const r = await h.call('vault.destroy', { currentPassword: ADMIN.password, confirmation: phrase });
    expect(r.ok).toBe(false);
    expect(h.core.isUnlocked()).toBe(false);
    expect(h.locks).toContain('destruction_failed'); // the shell reloads the page: no data stays on screen
    const evidence = readFileSync(join(dir, 'security-evidence.jsonl'), 'utf8');
    expect(evidence).toContain('"finding":"destruction_not_completed"');
    expect(existsSync(join(dir, 'keystore.json'))).toBe(false);
    // The hold on sign-in ended with the attempt.
    expectError(await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password }), 'VAULT_MISSING');
  }, 120_000);
});
