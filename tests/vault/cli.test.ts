import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVaultCommand } from '../../electron/cli/commands/vault';
import { memoryIo } from '../../electron/cli/io';
import { UsageError } from '../../electron/cli/command';
import { destructionPhrase } from '../../electron/core/vault';
import { tempRoot, testContext } from './helpers';

const PW = 'cli password for the admin';

describe('rsched vault', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ root, cleanup } = tempRoot()));
  afterEach(() => cleanup());

  it('init, info, verify, backup, restore, rekey, shred through the command', async () => {
    const ctx = testContext();
    const cmd = createVaultCommand({ clock: ctx.clock, logger: ctx.logger, kdfPolicy: ctx.kdfPolicy });
    const dir = join(root, 'v');

    let io = memoryIo(`${PW}\n`);
    expect(await cmd.run(['init', '--dir', dir, '--program', 'Pediatrics', '--time-zone', 'America/New_York', '--password-stdin'], io)).toBe(0);
    const recoveryKey = /^\s{4}(\S+)$/m.exec(io.out.join(''))?.[1] ?? '';
    expect(recoveryKey).toMatch(/^([0-9A-Z]{8}-){7}[0-9A-Z]{8}$/);

    io = memoryIo();
    expect(await cmd.run(['info', '--dir', dir], io)).toBe(0);
    const info = JSON.parse(io.out.join('')) as { vaultId: string; slots: Array<{ slotId: string }> };
    expect(info.slots.map((s) => s.slotId)).toEqual(['user:admin', 'recovery']);
    expect(io.out.join('')).not.toContain(PW);

    io = memoryIo(`${PW}\n`);
    expect(await cmd.run(['verify', '--dir', dir, '--password-stdin'], io)).toBe(0);
    expect(JSON.parse(io.out.join(''))).toMatchObject({ ok: true, integrity: 'ok', vaultId: info.vaultId });

    io = memoryIo('not the password\n');
    expect(await cmd.run(['verify', '--dir', dir, '--password-stdin'], io)).toBe(1);
    expect(io.err.join('')).toMatch(/WRONG_CREDENTIALS/);

    const file = join(root, 'b.rsb');
    io = memoryIo(`${PW}\nbackup passphrase words\n`);
    expect(await cmd.run(['backup', '--dir', dir, '--out', file, '--with-passphrase', '--password-stdin'], io)).toBe(0);
    io = memoryIo('backup passphrase words\n');
    expect(await cmd.run(['restore', '--file', file, '--dir', join(root, 'r1'), '--passphrase', '--password-stdin'], io)).toBe(0);
    io = memoryIo(`${recoveryKey}\n`);
    expect(await cmd.run(['restore', '--file', file, '--dir', join(root, 'r2'), '--recovery-key', '--password-stdin'], io)).toBe(0);

    io = memoryIo(`${PW}\n`);
    expect(await cmd.run(['rekey', '--dir', dir, '--password-stdin'], io)).toBe(0);
    const newKey = /^\s{4}(\S+)$/m.exec(io.out.join(''))?.[1] ?? '';
    expect(newKey).not.toBe(recoveryKey);

    io = memoryIo(`${PW}\nDESTROY PLEASE\n`);
    expect(await cmd.run(['shred', '--dir', dir, '--password-stdin'], io)).toBe(1);
    expect(io.err.join('')).toMatch(/CONFIRMATION_REQUIRED/);
    expect(existsSync(join(dir, 'vault.db'))).toBe(true);
    io = memoryIo(`${PW}\n${destructionPhrase(info.vaultId)}\n`);
    expect(await cmd.run(['shred', '--dir', dir, '--password-stdin'], io)).toBe(0);
    expect(readdirSync(dir)).toEqual([`destruction-certificate-${info.vaultId}.json`]);
    expect(JSON.parse(io.out.join(''))).toMatchObject({ vaultId: info.vaultId, actor: 'user:admin' });
  });

  it('never takes secrets from arguments, and without a TTY or --password-stdin refuses to prompt', async () => {
    const ctx = testContext();
    const cmd = createVaultCommand({ clock: ctx.clock, logger: ctx.logger, kdfPolicy: ctx.kdfPolicy });
    const dir = join(root, 'v');
    const args = ['init', '--dir', dir, '--program', 'P', '--time-zone', 'UTC'];
    await expect(cmd.run([...args, '--password', 'secret'], memoryIo())).rejects.toThrow(UsageError);
    await expect(cmd.run([...args, '--password=secret'], memoryIo())).rejects.toThrow(UsageError);
    await expect(cmd.run(['restore', '--file', 'x', '--dir', dir, '--recovery-key=ABCD'], memoryIo())).rejects.toThrow(UsageError);
    await expect(cmd.run(args, memoryIo('', { RSCHED_PASSWORD: 'secret' }))).rejects.toThrow(/no terminal/);
    expect(existsSync(dir)).toBe(false);
  });
});
