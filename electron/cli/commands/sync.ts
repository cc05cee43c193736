import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseJsonText } from '../../../shared/sync/parse';
import { systemClock, type Clock } from '../../core/clock';
import { createLogger, type Logger } from '../../core/logger';
import { openSyncSession, type SyncSession } from '../../core/sync/adapters/vault-session';
import { SyncAgent } from '../../core/sync/agent';
import { importReceiptFiles, writeExportFiles } from '../../core/sync/files';
import { httpsTransport } from '../../core/sync/transport';
import type { KdfPolicy } from '../../core/vault/index';
import { writeFileAtomic } from '../../core/vault/atomic-file';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { need, parseFlags } from './server';

const USAGE = `Usage: rsched sync SUBCOMMAND --vault DIR [--slot user:ID] [--password-stdin] [OPTIONS]

Device side of hospital sync. Every subcommand unlocks the vault (password typed at a prompt, or
one line on standard input with --password-stdin).

  request  --out FILE      Write an enrollment request; prints the device fingerprint.
  accept   FILE            Store the server's enrollment response; prints the server fingerprint.
  status                   Last sync, entries waiting, last error, alerts.
  now                      Push everything waiting over HTTPS (certificate pinned).
  export   --out DIR       Write sealed batch files and the queued security alerts for air-gapped transfer.
  receipts FILE|DIR...     Import receipt files written by "rsched server import".
  alerts                   Tamper alerts raised on this device.
  resume                   Clear a halt after an administrator investigated (alerts stay).

  --json                   status and alerts: print JSON instead of text.

Exit status: 0 done, 1 refused or failed, 2 bad usage.
`;

const VALUE_FLAGS = new Set(['--vault', '--slot', '--out']);
const SWITCHES = new Set(['--password-stdin', '--json']);

export interface SyncCommandDeps {
  clock?: Clock;
  logger?: Logger;
  /** Tests only: a cheap KDF for test vaults. */
  kdfPolicy?: KdfPolicy;
}

async function readPassword(io: CliIo, fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const line = (await io.readStdin()).split(/\r?\n/)[0] ?? '';
    if (line === '') throw new UsageError('standard input ended before the password');
    return line;
  }
  try {
    return await io.promptSecret('Vault password: ');
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function receiptFiles(paths: string[], cwd: string): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (statSync(abs).isDirectory()) {
      for (const f of readdirSync(abs).sort()) if (f.endsWith('.receipt.json')) out.push(join(abs, f));
    } else out.push(abs);
  }
  return out;
}

export function createSyncCommand(deps: SyncCommandDeps = {}): CliCommand {
  const clock = deps.clock ?? systemClock;
  return {
    name: 'sync',
    summary: 'Sync the audit log to the hospital server (enroll, push, export files, receipts)',
    usage: USAGE,
    async run(args: string[], io: CliIo): Promise<number> {
      const [sub, ...rest] = args;
      if (!sub) throw new UsageError('a subcommand is required');
      const known = ['request', 'accept', 'status', 'now', 'export', 'receipts', 'alerts', 'resume'];
      if (!known.includes(sub)) throw new UsageError(`unknown subcommand "${sub}"`);
      const f = parseFlags(rest, VALUE_FLAGS, SWITCHES);
      const dir = resolve(io.cwd, need(f, '--vault'));
      const slotId = f.values.get('--slot') ?? 'user:admin';
      const password = await readPassword(io, f.switches.has('--password-stdin'));
      const logger = deps.logger ?? createLogger({ clock, level: 'warn' }).child({ component: 'sync' });
      const session = await openSyncSession({ dir, slotId, password, clock, logger, ...(deps.kdfPolicy ? { kdfPolicy: deps.kdfPolicy } : {}) });
      try {
        return await runSub(sub, f.positional, f.values, f.switches.has('--json'), session, io, logger);
      } finally {
        session.close();
      }
    },
  };
}

async function runSub(sub: string, positional: string[], values: Map<string, string>, json: boolean, s: SyncSession, io: CliIo, logger: Logger): Promise<number> {
  const out = (t: string): void => io.stdout(t.endsWith('\n') ? t : t + '\n');
  const sync = s.sync;
  switch (sub) {
    case 'request': {
      const outPath = resolve(io.cwd, values.get('--out') ?? `${sync.deviceId}.enroll.json`);
      const r = sync.enrollmentRequest();
      writeFileAtomic(outPath, Buffer.from(JSON.stringify(r.file, null, 2) + '\n', 'utf8'));
      out(`enrollment request written to ${outPath}`);
      out(`device ${sync.deviceId} fingerprint (read it to the server administrator): ${r.fingerprint}`);
      return 0;
    }
    case 'accept': {
      const file = positional[0];
      if (!file) throw new UsageError('the enrollment response FILE is required');
      const r = sync.acceptEnrollment(parseJsonText(readFileSync(resolve(io.cwd, file), 'utf8'), 'enrollment response'));
      out(`enrolled with server ${r.serverId}${r.url ? ` at ${r.url}` : ' (file transfer only)'}`);
      out(`server fingerprint (must match what the administrator reads): ${r.serverFingerprint}`);
      return 0;
    }
    case 'status': {
      sync.checkLogExtendsReceipts();
      const st = sync.status();
      if (json) return (out(JSON.stringify(st)), 0);
      out(`enrolled: ${st.enrolled ? `yes (${st.serverUrl ?? 'file transfer'})` : 'no'}`);
      out(`audit entries: ${st.logSize}, acknowledged by the server: ${st.ackedSize}, waiting: ${st.pendingEntries}`);
      out(`last sync: ${st.lastSuccessAt ?? 'never'}; last attempt: ${st.lastAttemptAt ?? 'never'}`);
      out(`last error: ${st.lastError ?? 'none'}`);
      out(`tamper alerts: ${st.alerts}${st.halted ? ' — SYNC HALTED' : ''}`);
      return st.halted ? 1 : 0;
    }
    case 'now': {
      const server = sync.server();
      if (!server.url) throw new UsageError('this vault is enrolled for file transfer only: use "rsched sync export"');
      const agent = new SyncAgent(sync, httpsTransport({ url: server.url, tlsSpkiSha256: server.tlsSpkiSha256 }), { intervalMs: 0, logger, maxBatchesPerRun: 1000 });
      const r = await agent.syncNow();
      out(`pushed ${r.pushed} batches; acknowledged size ${r.ackedSize}; ${r.caughtUp ? 'up to date' : 'entries still waiting'}; ${r.alertsSent} security alerts sent`);
      if (r.error) out(`error: ${r.error}`);
      return r.error ? 1 : 0;
    }
    case 'export': {
      if (sync.checkLogExtendsReceipts().length > 0) {
        out('refused: the audit log no longer extends the server receipts (tamper alert raised)');
        return 1;
      }
      const outDir = values.get('--out');
      if (!outDir) throw new UsageError('--out DIR is required');
      const { batchFiles, alertsFile } = writeExportFiles(sync, resolve(io.cwd, outDir));
      out(`${batchFiles.length} sealed batch files written`);
      for (const file of batchFiles) out(file);
      if (alertsFile) out(`security alerts file written: ${alertsFile}`);
      return 0;
    }
    case 'receipts': {
      if (positional.length === 0) throw new UsageError('at least one receipt FILE or DIR is required');
      const results = importReceiptFiles(sync, receiptFiles(positional, io.cwd));
      for (const r of results) {
        if (!r.ok) out(`refused ${r.file}: ${r.error}`);
        else out(r.alertsMarked !== undefined ? `accepted ${r.file}: ${r.alertsMarked} security alerts marked sent` : `accepted ${r.file}: acknowledged size ${r.size}`);
      }
      out(`acknowledged size now ${sync.status().ackedSize}`);
      return results.every((r) => r.ok) ? 0 : 1;
    }
    case 'alerts': {
      const list = sync.alerts();
      if (json) return (out(JSON.stringify(list)), 0);
      if (list.length === 0) out('no tamper alerts');
      for (const a of list) out(`#${a.id} ${a.at} ${a.kind}: ${a.detail}`);
      return 0;
    }
    case 'resume':
      sync.resume();
      out('sync resumed (alerts are kept)');
      return 0;
    default:
      throw new UsageError(`unknown subcommand "${sub}"`);
  }
}

export const syncCommand: CliCommand = createSyncCommand();
