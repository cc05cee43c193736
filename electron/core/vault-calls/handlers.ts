import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditActor } from '../../../shared/audit/entry';
import type { KeySlotView, VaultInfoView, vaultCalls } from '../../../shared/contract/vault';
import { AppError } from '../../../shared/errors';
import { normalizePassword } from '../../../shared/accounts/password-policy';
import { listUsers, type UserRow } from '../accounts/user-store';
import { userSlotId } from '../accounts/vault-port';
import { recordOutcome } from '../db/unit-of-work';
import type { CallContext, Handlers } from '../dispatcher';
import { actorOf } from '../schedule/handlers';
import type { Caller } from '../session';
import type { SlotSummary, UnlockedVault } from '../vault/index';
import type { DestructionHold } from '../accounts/index';
import { recordEvidence } from '../security/evidence';
import { certificateFileName, DB_FILE, destructionPhrase } from '../vault/index';
import { destroyClosedVault, destructionSigner } from '../vault/destroy';
import { workerOffload } from '../vault/heavy';
import { acquireVaultLock } from '../vault/lock';
import { readKeystoreFile, KEYSTORE_FILE, KEYSTORE_FORMAT, KEYSTORE_VERSION } from '../vault/keystore';
import { APP_FORMAT } from '../vault/meta';
import { PRODUCTION_KDF } from '../vault/kdf';
import { DOWNLOAD_PREFIX } from '../vault/vault';
import type { Workspace } from '../workspace';
import { yieldToEventLoop } from '../event-loop';

export interface VaultCallDeps {
  vault(): UnlockedVault;
  workspace(): Workspace;
  /** The caller's current password, checked and throttled like sign-in (accounts). */
  reauthenticate(caller: Caller, password: string, correlationId: string): Promise<UserRow>;
  /** Words a new secret of the caller may not contain. */
  secretContext(caller: Caller): string[];
  /** Emergency destruction's hold on sign-in (accounts): refuses sign-ins and a second destruction until it ends. */
  beginDestruction(): DestructionHold;
  /** A destruction failed after the vault closed: the normal lock path, so the renderer reloads. */
  destructionFailed(): void;
}

const HMAC_NAMES: Record<string, string> = { '0': 'HMAC-SHA1', '1': 'HMAC-SHA256', '2': 'HMAC-SHA512' };

function pragmaValue(ws: Workspace, name: string): string {
  const v = ws.db.pragma(name, { simple: true });
  return v === undefined || v === null ? '' : String(v);
}

/** Slots with the account each opens the vault for; never a wrap, salt or key. */
function slotViews(slots: SlotSummary[], users: UserRow[]): KeySlotView[] {
  const byId = new Map(users.map((u) => [u.id, u]));
  return slots.map((s) => {
    const userId = s.slotId.startsWith('user:') ? s.slotId.slice('user:'.length) : null;
    const u = userId ? byId.get(userId) : undefined;
    return {
      slotId: s.slotId,
      kind: s.kind,
      userId,
      username: u?.username ?? null,
      displayName: u?.display_name ?? null,
      createdAt: s.createdAt,
      needsReset: s.needsReset,
    };
  });
}

function lastBackupAt(ws: Workspace): string | null {
  // From the trail itself, so backups made with `rsched vault backup` count too.
  const t = ws.db.prepare("SELECT max(time) FROM audit_entry WHERE action = 'vault.backup' AND outcome = 'success'").pluck().get() as string | null;
  return t ?? null;
}

function fileBytes(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

function info(deps: VaultCallDeps): VaultInfoView {
  const v = deps.vault();
  const ws = deps.workspace();
  const meta = v.info();
  const body = readKeystoreFile(join(v.dir, KEYSTORE_FILE), PRODUCTION_KDF);
  const password = body.slots.find((s) => s.kind === 'password');
  const pageSize = Number(pragmaValue(ws, 'page_size'));
  const hmac = HMAC_NAMES[pragmaValue(ws, 'hmac_algorithm')] ?? 'unknown';
  const legacy = pragmaValue(ws, 'legacy');
  const library = (ws.db.prepare('SELECT sqlite3mc_version()').pluck().get() as string | undefined) ?? 'unknown';
  const dbPath = join(v.dir, DB_FILE);
  return {
    vaultId: meta.vaultId,
    createdAt: meta.createdAt,
    format: { app: APP_FORMAT, schemaVersion: meta.schemaVersion, keystore: KEYSTORE_FORMAT, keystoreVersion: KEYSTORE_VERSION, keystoreGeneration: body.generation },
    cipher: {
      description: `${pragmaValue(ws, 'cipher') === 'sqlcipher' ? 'SQLCipher' : pragmaValue(ws, 'cipher')} ${legacy} (AES-256-CBC, ${hmac} per ${pageSize}-byte page)`,
      pageSize,
      hmac,
      keyDerivation: 'random 256-bit data key, used raw (no PBKDF2); unwrapped from a key slot with AES-256-GCM',
      slotKdf: password && password.kind === 'password' ? `scrypt N=${password.kdf.N}, r=${password.kdf.r}, p=${password.kdf.p}; recovery key: HKDF-SHA256` : 'recovery key: HKDF-SHA256',
      memorySecurity: v.hardening.memorySecurity,
      library,
    },
    slots: slotViews(v.listSlots(), listUsers(ws.db)),
    rekeyPending: body.pendingRekey !== null,
    lastBackupAt: lastBackupAt(ws),
    databaseBytes: fileBytes(dbPath) + fileBytes(`${dbPath}-wal`),
    destructionPhrase: destructionPhrase(meta.vaultId),
  };
}

/** Records a refused or failed key operation (outside the failed work's transaction). */
function recordFailure(deps: VaultCallDeps, actor: AuditActor, action: 'vault.backup' | 'vault.rekey' | 'vault.destroy', err: unknown, correlationId: string): void {
  let ws: Workspace;
  try {
    ws = deps.workspace();
  } catch {
    return; // the vault is not open (a failed rekey can leave it locked): nothing to write into
  }
  const code = err instanceof AppError ? err.code : 'INTERNAL';
  const denied = code === 'WRONG_CREDENTIALS' || code === 'THROTTLED' || code === 'ACCOUNT_LOCKED' || code === 'CONFIRMATION_REQUIRED';
  recordOutcome(ws.db, ws.audit, actor, {
    action,
    outcome: denied ? 'denied' : 'failed',
    resourceType: 'vault',
    resourceId: deps.vault().vaultId,
    details: { via: 'app', code, correlationId },
  });
}

export function vaultHandlers(deps: VaultCallDeps): Handlers<typeof vaultCalls> {
  return {
    'vault.info': (_input, ctx) => {
      const view = info(deps);
      deps.workspace().read(actorOf(ctx), { action: 'vault.inspect', resourceType: 'vault', resourceId: view.vaultId });
      return view;
    },

    'vault.backup': async (input, ctx: CallContext) => {
      const actor = actorOf(ctx);
      const v = deps.vault();
      const file = join(v.dir, `${DOWNLOAD_PREFIX}${randomUUID()}`);
      try {
        await deps.reauthenticate(ctx.caller, input.currentPassword, ctx.correlationId);
        // A passphrase is a password for the whole vault's contents: the accounts' password policy
        // holds, checked with the snapshot and its encryption in a worker thread (vault/heavy.ts).
        const passphrase = input.passphrase === undefined ? undefined : normalizePassword(input.passphrase);
        await v.backup(file, passphrase === undefined ? {} : { passphrase, passphrasePolicy: { context: deps.secretContext(ctx.caller) } });
        const bytes = await readFile(file);
        const createdAt = ctx.services.clock.now().toISOString();
        const opensWith: Array<'recovery-key' | 'passphrase'> = [];
        if (v.listSlots().some((s) => s.kind === 'recovery' && !s.needsReset)) opensWith.push('recovery-key');
        if (passphrase !== undefined) opensWith.push('passphrase');
        deps.workspace().unit(actor, (tx) =>
          tx.record({ action: 'vault.backup', resourceType: 'vault', resourceId: v.vaultId, details: { via: 'app', bytes: bytes.length, withPassphrase: passphrase !== undefined } }),
        );
        const stamp = createdAt.slice(0, 19).replace(/[:T]/g, '-');
        return { fileName: `vault-backup-${stamp}.rsbk`, mimeType: 'application/octet-stream', data: bytes.toString('base64'), bytes: bytes.length, createdAt, opensWith };
      } catch (err) {
        recordFailure(deps, actor, 'vault.backup', err, ctx.correlationId);
        throw err;
      } finally {
        await rm(file, { force: true });
      }
    },

    'vault.rekey': async (input, ctx) => {
      const actor = actorOf(ctx);
      const v = deps.vault();
      try {
        const user = await deps.reauthenticate(ctx.caller, input.currentPassword, ctx.correlationId);
        // The administrator's own slot follows the new key with the password just checked (the
        // vault may have been unlocked by someone else's slot); every other account needs a reset.
        const { recoveryKey } = await v.rekey({ keep: { slotId: userSlotId(user.id), password: input.currentPassword } });
        await yieldToEventLoop();
        const ws = deps.workspace(); // rekey replaced the connection: the entry goes into the rekeyed database
        await yieldToEventLoop();
        const needing = slotViews(v.listSlots(), listUsers(ws.db)).filter((s) => s.needsReset);
        ws.unit(actor, (tx) =>
          tx.record({
            action: 'vault.rekey',
            resourceType: 'vault',
            resourceId: v.vaultId,
            details: { via: 'app', slotsNeedingReset: needing.length, recoveryKeyReplaced: true },
          }),
        );
        return { recoveryKey, slotsNeedingReset: needing };
      } catch (err) {
        recordFailure(deps, actor, 'vault.rekey', err, ctx.correlationId);
        throw err;
      }
    },

    'vault.destroy': async (input, ctx) => {
      const actor = actorOf(ctx);
      const v = deps.vault();
      const { dir, vaultId } = v;
      // From here sign-in cannot reopen the vault and a second destruction is refused (CONFLICT).
      let hold: DestructionHold;
      try {
        hold = deps.beginDestruction();
      } catch (err) {
        recordFailure(deps, actor, 'vault.destroy', err, ctx.correlationId);
        throw err;
      }
      let recorded = false;
      let closed = false;
      try {
        let userId: string;
        try {
          // The password worker checks it (throttled and counted like sign-in) before anything else.
          userId = (await deps.reauthenticate(ctx.caller, input.currentPassword, ctx.correlationId)).id;
          if (input.confirmation.trim() !== destructionPhrase(vaultId)) {
            throw new AppError('CONFIRMATION_REQUIRED', `Type "${destructionPhrase(vaultId)}" exactly to confirm destruction.`, {
              issues: [{ path: 'confirmation', message: 'does not match the phrase' }],
            });
          }
        } catch (err) {
          recordFailure(deps, actor, 'vault.destroy', err, ctx.correlationId);
          recorded = true;
          throw err;
        }
        const { clock, logger } = ctx.services;
        // The trail goes with the vault, so its last entry can only say the destruction started;
        // the signed certificate (or, on a failure, the evidence file) tells how it ended.
        deps.workspace().unit(actor, (tx) =>
          tx.record({ action: 'vault.destroy', resourceType: 'vault', resourceId: vaultId, details: { via: 'app', phase: 'started', correlationId: ctx.correlationId } }),
        );
        // The close below runs on this thread: leave it nothing to copy.
        await v.flush();
        // Held from before the app lets go of the vault until the certificate is written, so no other
        // program opens it in between; the open vault gives the certificate's signer: no second unlock.
        const lock = acquireVaultLock(dir, () => clock.now());
        const signer = destructionSigner(deps.workspace().db);
        try {
          const cert = await hold.closeThen(() => {
            closed = true;
            return destroyClosedVault({ dir, vaultId, actor: userId, signer, clock, logger, offload: workerOffload });
          });
          return { destroyedAt: cert.time, actorId: cert.actor, vaultId: cert.vaultId, certificateFile: certificateFileName(cert.vaultId) };
        } finally {
          signer.privateKeyPkcs8.fill(0);
          lock.release();
        }
      } catch (err) {
        if (!closed) {
          if (!recorded) recordFailure(deps, actor, 'vault.destroy', err, ctx.correlationId);
          throw err;
        }
        // The vault is closed and its trail out of reach: the evidence file beside it tells the next
        // unlock (if the keys survived) that the destruction started and did not finish.
        const code = err instanceof AppError ? err.code : 'INTERNAL';
        ctx.services.logger.error('emergency destruction failed after the vault was closed', { vaultId, correlationId: ctx.correlationId, errorCode: code });
        recordEvidence(dir, ctx.services.clock, ctx.services.logger, { source: 'keystore', finding: 'destruction_not_completed', reason: code });
        deps.destructionFailed();
        throw err;
      } finally {
        hold.end();
      }
    },

    'vault.revokeSlot': async (input, ctx) => {
      const actor = actorOf(ctx);
      const v = deps.vault();
      const slotId = userSlotId(input.userId);
      // Your own slot is how you get back in after a lock; the recovery slot is replaced by a rekey.
      if (ctx.session?.userId === input.userId) {
        throw new AppError('BAD_INPUT', 'You cannot revoke your own key slot.', { issues: [{ path: 'userId', message: 'your own slot' }] });
      }
      if (!v.listSlots().some((s) => s.slotId === slotId)) throw new AppError('NOT_FOUND', 'That account has no key slot.');
      // The keystore is not in the database transaction: the slot goes first, then its entry.
      await v.removeSlot(slotId);
      const ws = deps.workspace();
      ws.unit(actor, (tx) => tx.record({ action: 'vault.slot_remove', resourceType: 'vault', resourceId: v.vaultId, details: { via: 'app', slotId } }));
      return { slots: slotViews(v.listSlots(), listUsers(ws.db)) };
    },
  };
}
