import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import { systemClock, type Clock } from '../../core/clock';
import { createLogger, type Logger } from '../../core/logger';
import {
  createVault,
  destroyVault,
  destructionPhrase,
  readVaultId,
  restoreBackup,
  unlockWithPassword,
  type KdfPolicy,
} from '../../core/vault';
import { PRODUCTION_KDF } from '../../core/vault/kdf';
import { readKeystoreFile } from '../../core/vault/keystore';
import { authorizeSlot, recordKeyOperation } from '../../core/slot-authority';
import { UsageError, type CliCommand, type CliIo } from '../command';

const USAGE = `Usage: rsched vault SUBCOMMAND [OPTIONS]

  init    --dir DIR --program NAME --time-zone TZ [--slot user:admin]
          Create an encrypted vault; prints the recovery key ONCE.
  info    --dir DIR
          Keystore facts (vault id, key slots); needs no password.
  verify  --dir DIR [--slot SLOT]
          Unlock, run a full integrity check, compare the keystore with its previous version.
  backup  --dir DIR --out FILE [--slot SLOT] [--with-passphrase]
          Write one encrypted, authenticated backup file (opens with the recovery key, or the
          passphrase when --with-passphrase is given).
  restore --file FILE --dir DIR (--recovery-key | --passphrase) [--replace]
          Restore a backup. With --replace an existing vault is moved aside, never deleted.
  rekey   --dir DIR [--slot SLOT]
          New data key (after a suspected compromise); prints the new recovery key. Every other
          user's key slot then needs an administrator reset.
  shred   --dir DIR [--slot SLOT] [--actor ACTOR]
          Emergency destruction. Asks for the password and a typed confirmation phrase; writes a
          signed destruction certificate beside the removed files.

Secrets (passwords, passphrases, the recovery key) are never taken from arguments or the
environment: they are typed at a terminal prompt without echo, or, with --password-stdin, read
from standard input one per line in this order: password (or recovery key / passphrase for
restore), then the backup passphrase (backup --with-passphrase) or the confirmation phrase (shred).

Exit status: 0 done, 1 refused or failed (the message says why), 2 bad usage.
`;

interface Flags {
  values: Map<string, string>;
  switches: Set<string>;
}

const VALUE_FLAGS = new Set(['--dir', '--program', '--time-zone', '--slot', '--out', '--file', '--actor']);
const SWITCHES = new Set(['--password-stdin', '--with-passphrase', '--recovery-key', '--passphrase', '--replace']);

function parseFlags(args: string[]): Flags {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_FLAGS.has(flag)) {
      const v = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      values.set(flag, v);
    } else if (SWITCHES.has(flag)) {
      // Switches take no value: `--recovery-key ABCD-...` would put a secret in the process list.
      if (eq > 0) throw new UsageError(`${flag} takes no value; secrets are read from the terminal or standard input`);
      switches.add(flag);
    } else if (/^--?(password|passphrase|key|recovery)/i.test(flag)) {
      throw new UsageError('secrets are never accepted as arguments: use the prompt or --password-stdin');
    } else {
      throw new UsageError(`unexpected argument ${flag}`);
    }
  }
  return { values, switches };
}

function need(f: Flags, flag: string): string {
  const v = f.values.get(flag);
  if (v === undefined) throw new UsageError(`${flag} is required`);
  return v;
}

/** Reads secrets: from stdin lines (--password-stdin) or by prompting on the terminal. */
class Secrets {
  private lines: string[] | null = null;
  constructor(
    private readonly io: CliIo,
    private readonly fromStdin: boolean,
  ) {}

  async next(prompt: string): Promise<string> {
    if (this.fromStdin) {
      if (this.lines === null) this.lines = (await this.io.readStdin()).split(/\r?\n/);
      const line = this.lines.shift();
      if (line === undefined || line === '') throw new UsageError(`standard input ended before: ${prompt.replace(/:\s*$/, '')}`);
      return line;
    }
    try {
      return await this.io.promptSecret(prompt);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
  }
}

export interface VaultCommandDeps {
  clock?: Clock;
  logger?: Logger;
  /** Tests only (see testKdfPolicy); the registered command always uses the production policy. */
  kdfPolicy?: KdfPolicy;
}

export function createVaultCommand(deps: VaultCommandDeps = {}): CliCommand {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger({ level: 'warn' });
  const ctx = deps.kdfPolicy ? { clock, logger, kdfPolicy: deps.kdfPolicy } : { clock, logger };
  const policy = deps.kdfPolicy ?? PRODUCTION_KDF;

  async function init(f: Flags, io: CliIo, s: Secrets): Promise<number> {
    const dir = resolve(io.cwd, need(f, '--dir'));
    const slotId = f.values.get('--slot') ?? 'user:admin';
    const password = await s.next(`New password for ${slotId}: `);
    if (!f.switches.has('--password-stdin')) {
      const again = await s.next('Type it again: ');
      if (again !== password) throw new AppError('BAD_INPUT', 'The two passwords differ.');
    }
    const { vault, recoveryKey } = await createVault({
      dir,
      programName: need(f, '--program'),
      timeZone: need(f, '--time-zone'),
      firstSlot: { slotId, password },
      ...ctx,
    });
    const vaultId = vault.vaultId;
    vault.close();
    io.stdout(
      `Vault created: ${vaultId}\n\n` +
        `RECOVERY KEY (shown once; write it down and keep it offline, apart from this computer):\n\n` +
        `    ${recoveryKey}\n\n` +
        `It opens the vault and its backups if every password is lost.\n`,
    );
    return 0;
  }

  function info(f: Flags, io: CliIo): number {
    const dir = resolve(io.cwd, need(f, '--dir'));
    const body = readKeystoreFile(join(dir, 'keystore.json'), policy);
    const files = existsSync(dir)
      ? Object.fromEntries(readdirSync(dir).sort().map((name) => [name, statSync(join(dir, name)).size]))
      : {};
    const out = {
      vaultId: body.vaultId,
      keystoreGeneration: body.generation,
      rekeyPending: body.pendingRekey !== null,
      slots: body.slots.map((slot) => ({
        slotId: slot.slotId,
        kind: slot.kind,
        createdAt: slot.createdAt,
        needsReset: slot.wrap === null,
        kdf: slot.kind === 'password' ? { name: slot.kdf.name, N: slot.kdf.N, r: slot.kdf.r, p: slot.kdf.p } : { name: slot.kdf.name },
      })),
      files,
    };
    io.stdout(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }

  async function verify(f: Flags, io: CliIo, s: Secrets): Promise<number> {
    const dir = resolve(io.cwd, need(f, '--dir'));
    const slotId = f.values.get('--slot') ?? 'user:admin';
    const vault = await unlockWithPassword({ dir, slotId, password: await s.next(`Password for ${slotId}: `), ...ctx });
    try {
      const integrity = vault.db.pragma('integrity_check', { simple: false }) as Array<Record<string, unknown>>;
      const fk = vault.db.pragma('foreign_key_check') as unknown[];
      const integrityOk = integrity.length === 1 && Object.values(integrity[0] ?? {})[0] === 'ok';
      let prev: 'same' | 'older' | 'damaged' | 'missing' = 'missing';
      const prevPath = join(dir, 'keystore.json.prev');
      if (existsSync(prevPath)) {
        try {
          readKeystoreFile(prevPath, policy);
          prev = readFileSync(prevPath).equals(readFileSync(join(dir, 'keystore.json'))) ? 'same' : 'older';
        } catch {
          prev = 'damaged';
        }
      }
      const info = vault.info();
      const ok = integrityOk && fk.length === 0 && prev !== 'damaged';
      io.stdout(
        JSON.stringify(
          { ok, vaultId: info.vaultId, schemaVersion: info.schemaVersion, integrity: integrityOk ? 'ok' : 'failed', foreignKeyProblems: fk.length, keystorePrev: prev, memorySecurity: vault.hardening.memorySecurity },
          null,
          2,
        ) + '\n',
      );
      return ok ? 0 : 1;
    } finally {
      vault.close();
    }
  }

  async function backup(f: Flags, io: CliIo, s: Secrets): Promise<number> {
    const dir = resolve(io.cwd, need(f, '--dir'));
    const out = resolve(io.cwd, need(f, '--out'));
    const slotId = f.values.get('--slot') ?? 'user:admin';
    const password = await s.next(`Password for ${slotId}: `);
    let passphrase: string | undefined;
    if (f.switches.has('--with-passphrase')) {
      passphrase = await s.next('Backup passphrase: ');
      if (!f.switches.has('--password-stdin') && (await s.next('Type it again: ')) !== passphrase) {
        throw new AppError('BAD_INPUT', 'The two passphrases differ.');
      }
    }
    const vault = await unlockWithPassword({ dir, slotId, password, ...ctx });
    try {
      const actor = authorizeSlot(vault.db, slotId, 'vault.keys');
      await vault.backup(out, passphrase === undefined ? {} : { passphrase });
      recordKeyOperation(vault.db, { dataDir: dir, clock, logger }, actor, 'vault.backup', vault.vaultId, { withPassphrase: passphrase !== undefined });
    } finally {
      vault.close();
    }
    io.stdout(`Backup written: ${out}\n`);
    return 0;
  }

  async function restore(f: Flags, io: CliIo, s: Secrets): Promise<number> {
    const file = resolve(io.cwd, need(f, '--file'));
    const dir = resolve(io.cwd, need(f, '--dir'));
    const useRecovery = f.switches.has('--recovery-key');
    if (useRecovery === f.switches.has('--passphrase')) throw new UsageError('give exactly one of --recovery-key or --passphrase');
    const secret = await s.next(useRecovery ? 'Recovery key: ' : 'Backup passphrase: ');
    const result = await restoreBackup({
      file,
      dir,
      ...(useRecovery ? { recoveryKey: secret } : { passphrase: secret }),
      replaceExisting: f.switches.has('--replace'),
      ...ctx,
    });
    io.stdout(`Restored vault ${result.vaultId} into ${dir}\n` + (result.replacedDir ? `The previous vault was moved to ${result.replacedDir}\n` : ''));
    return 0;
  }

  async function rekey(f: Flags, io: CliIo, s: Secrets): Promise<number> {
    const dir = resolve(io.cwd, need(f, '--dir'));
    const slotId = f.values.get('--slot') ?? 'user:admin';
    const vault = await unlockWithPassword({ dir, slotId, password: await s.next(`Password for ${slotId}: `), ...ctx });
    try {
      const actor = authorizeSlot(vault.db, slotId, 'vault.keys');
      const { recoveryKey } = await vault.rekey();
      // rekey() replaces the connection: the entry goes into the rekeyed database.
      recordKeyOperation(vault.db, { dataDir: dir, clock, logger }, actor, 'vault.rekey', vault.vaultId);
      const reset = vault.listSlots().filter((x) => x.needsReset).map((x) => x.slotId);
      io.stdout(
        `New data key in place. NEW RECOVERY KEY (shown once; the old one no longer works):\n\n    ${recoveryKey}\n\n` +
          (reset.length ? `These key slots need an administrator reset: ${reset.join(', ')}\n` : ''),
      );
      return 0;
    } finally {
      vault.close();
    }
  }

  async function shred(f: Flags, io: CliIo, s: Secrets): Promise<number> {
    const dir = resolve(io.cwd, need(f, '--dir'));
    const slotId = f.values.get('--slot') ?? 'user:admin';
    const phrase = destructionPhrase(readVaultId(dir, deps.kdfPolicy ? { kdfPolicy: deps.kdfPolicy } : {}));
    const password = await s.next(`Password for ${slotId}: `);
    // Only an account allowed key operations (or the recovery key) may destroy the vault.
    const check = await unlockWithPassword({ dir, slotId, password, ...ctx });
    try {
      authorizeSlot(check.db, slotId, 'vault.keys');
    } finally {
      check.close();
    }
    io.stderr(`This destroys the vault in ${dir} for good. Encrypted backups elsewhere are not affected.\n`);
    const confirmation = await s.next(`Type "${phrase}" to confirm: `);
    const cert = await destroyVault({ dir, slotId, password, confirmation, actor: f.values.get('--actor') ?? slotId, ...ctx });
    io.stdout(JSON.stringify(cert, null, 2) + '\n');
    return 0;
  }

  return {
    name: 'vault',
    summary: 'Create, check, back up, restore, rekey or destroy the encrypted vault',
    usage: USAGE,
    async run(args, io) {
      const [sub, ...rest] = args;
      const f = parseFlags(rest);
      const s = new Secrets(io, f.switches.has('--password-stdin'));
      try {
        switch (sub) {
          case 'init':
            return await init(f, io, s);
          case 'info':
            return info(f, io);
          case 'verify':
            return await verify(f, io, s);
          case 'backup':
            return await backup(f, io, s);
          case 'restore':
            return await restore(f, io, s);
          case 'rekey':
            return await rekey(f, io, s);
          case 'shred':
            return await shred(f, io, s);
          default:
            throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is required');
        }
      } catch (err) {
        if (err instanceof AppError) {
          io.stderr(`rsched vault ${sub}: ${err.code}: ${err.message}\n`);
          return 1;
        }
        throw err;
      }
    },
  };
}

export const vaultCommand: CliCommand = createVaultCommand();
