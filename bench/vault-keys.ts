import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { BENCH_PASSWORD as PASSWORD, setUpSignedInAdmin, startBenchCore } from './lib/core';
import { watched } from './lib/event-loop';

/**
 * npm run bench -- vault-keys [--residents-per-pgy N]
 *
 * The administrator's key operations through the dispatcher, as the app runs them (production KDF,
 * backup and rekeyed copy in a worker thread), on a vault holding the demo program. For each call:
 * the awaited time and the longest block of the main thread's event loop while it ran (a 1 ms timer
 * chain; a gap of g ms means the loop was blocked about g - 1 ms). Target: no block over 50 ms.
 * Last of all, emergency destruction (vault.destroy) of that vault.
 * Last line: one JSON object.
 */
const args = process.argv.slice(2);
const perPgyArg = args.indexOf('--residents-per-pgy');
const PER_PGY = perPgyArg >= 0 ? Math.max(1, Number(args[perPgyArg + 1]) || 8) : 8;

const bench = startBenchCore('keys');
const { ok, core, caller, dir } = bench;

try {
  await setUpSignedInAdmin(bench);
  const seeded = await ok<{ people: number; shifts: number }>('demo.seed', { startDate: '2026-07-01', residentsPerPgy: PER_PGY });
  const before = await ok<{ databaseBytes: number }>('vault.info', {});

  const info = await watched(() => ok('vault.info', {}));
  const backup = await watched(() => ok('vault.backup', { currentPassword: PASSWORD, passphrase: 'harbour lantern quiver meadow 1987' }));
  const rekey = await watched(() => ok('vault.rekey', { currentPassword: PASSWORD }));
  const after = await watched(() => ok('program.get', {}));
  // Attribution: the re-authentication both calls start with (bcryptjs, shared with every password
  // check), and the vault's own part of each operation without it.
  const reauth = await watched(() => core.accounts.reauthenticate(caller, PASSWORD, 'bench'));
  const vault = core.accounts.vault();
  const backupFile = join(dir, 'bench-backup.rsbk');
  const vaultBackup = await watched(() => vault.backup(backupFile, { passphrase: 'harbour lantern quiver meadow 1987', passphrasePolicy: { context: [] } }));
  const slotId = vault.unlockedWith.kind === 'password' ? vault.unlockedWith.slotId : '';
  const vaultRekey = await watched(() => vault.rekey({ keep: { slotId, password: PASSWORD } }));
  const { destructionPhrase } = await ok<{ destructionPhrase: string }>('vault.info', {});
  const destroy = await watched(() => ok('vault.destroy', { currentPassword: PASSWORD, confirmation: destructionPhrase }));

  const figures = {
    people: seeded.people,
    shifts: seeded.shifts,
    databaseBytes: before.databaseBytes,
    info,
    backup,
    rekey,
    firstCallAfterRekey: after,
    reauthentication: reauth,
    vaultBackupOnly: vaultBackup,
    vaultRekeyOnly: vaultRekey,
    destroy,
    cpus: cpus().length,
    load1: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  };
  const line = (name: string, f: { ms: number; longestBlockMs: number }): string => `${name.padEnd(22)} ${String(f.ms).padStart(6)} ms awaited, longest event-loop block ${f.longestBlockMs} ms`;
  process.stdout.write(
    `vault of ${(before.databaseBytes / 1024 / 1024).toFixed(1)} MiB (${seeded.people} people, ${seeded.shifts} shifts)\n` +
      [
        line('vault.info', info),
        line('vault.backup', backup),
        line('vault.rekey', rekey),
        line('program.get after', after),
        line('  re-authentication', reauth),
        line('  backup (vault part)', vaultBackup),
        line('  rekey (vault part)', vaultRekey),
        line('vault.destroy', destroy),
      ].join('\n') +
      `\n(load ${figures.load1} on ${figures.cpus} CPUs)\n${JSON.stringify(figures)}\n`,
  );
} finally {
  bench.stop();
}
