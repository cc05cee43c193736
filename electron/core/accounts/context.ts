import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { AccountPolicies } from '../../../shared/contract/users';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../clock';
import type { IdGenerator } from '../ids';
import type { Logger } from '../logger';
import type { AuditPort } from './audit-port';
import type { Notice } from './notice';
import type { SessionManager } from './sessions';
import { DEFAULT_POLICIES, getPolicies } from './user-store';
import type { VaultHandle, VaultPort } from './vault-port';

export type LockReason =
  | 'user'
  | 'idle'
  | 'absolute'
  | 'os-lock-screen'
  | 'os-suspend'
  | 'logout'
  | 'shutdown'
  | 'unused'
  | 'destroyed'
  /** The vault was closed for an emergency destruction that then failed: the renderer must reload. */
  | 'destruction_failed';

/**
 * The open vault and the secrets that live only while it is open. Closing wipes them: the vault
 * zeroes its data and key-encryption keys, we zero the sign-in file's MAC key.
 */
export class VaultState {
  private handle: VaultHandle | null = null;
  private mac: Buffer | null = null;
  private policyCache: AccountPolicies | null = null;
  /**
   * An emergency destruction is under way. The vault lock is counted within one process, so it does
   * not keep this process's own sign-ins out: this flag does (refuseWhileDestroying).
   */
  destroying = false;

  get isOpen(): boolean {
    return this.handle !== null;
  }

  open(handle: VaultHandle): void {
    if (this.handle) throw new Error('vault already open');
    this.handle = handle;
  }

  get vault(): VaultHandle {
    if (!this.handle) throw new AppError('VAULT_LOCKED');
    return this.handle;
  }

  get db(): Database {
    return this.vault.db;
  }

  setMacKey(key: Buffer): void {
    this.mac?.fill(0);
    this.mac = key;
  }

  get macKey(): Buffer {
    if (!this.mac) throw new AppError('VAULT_LOCKED');
    return this.mac;
  }

  policies(): AccountPolicies {
    if (!this.handle) return DEFAULT_POLICIES;
    this.policyCache ??= getPolicies(this.handle.db);
    return this.policyCache;
  }

  invalidatePolicies(): void {
    this.policyCache = null;
  }

  close(): void {
    const h = this.handle;
    this.handle = null;
    this.policyCache = null;
    this.mac?.fill(0);
    this.mac = null;
    h?.close();
  }
}

/** Sign-in, recovery, setup and emergency access must not (re)open a vault that is being destroyed. */
export function refuseWhileDestroying(state: VaultState): void {
  if (state.destroying) throw new AppError('VAULT_IN_USE', 'The vault is being destroyed (emergency destruction). It cannot be opened.');
}

/**
 * Runs work that may open the vault (setup, sign-in, recovery) in the sign-in queue, refused while a
 * destruction runs: checked now, and again in the queue, since a destruction may start meanwhile.
 */
export function inSigninQueue<T>(ctx: AccountsContext, work: () => Promise<T>): Promise<T> {
  refuseWhileDestroying(ctx.state);
  return ctx.serial(async () => {
    refuseWhileDestroying(ctx.state);
    return work();
  });
}

export interface AccountsContext {
  readonly dataDir: string;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly vault: VaultPort;
  readonly audit: AuditPort;
  readonly notice: Notice;
  readonly state: VaultState;
  readonly sessions: SessionManager;
  /** Runs sign-in and other vault-opening work one at a time (two unlocks must not race). */
  serial<T>(fn: () => Promise<T>): Promise<T>;
  /** Ends every session and closes the vault; tells the shell to reload the renderer. */
  lock(reason: LockReason): void;
  /** Closes the vault when no one is signed in (after a failed sign-in opened it, say). */
  closeIfUnused(): void;
  nowIso(): string;
}
