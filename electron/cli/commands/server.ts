import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import { parseJsonText } from '../../../shared/sync/parse';
import { systemClock, type Clock } from '../../core/clock';
import { createLogger, type Logger } from '../../core/logger';
import { spkiPinOfCert } from '../../core/sync/protocol/keys';
import { writeFileAtomic } from '../../core/vault/atomic-file';
import { openServerApp, type ServerApp } from '../../../server/app';
import { approveEnrollment } from '../../../server/enroll';
import { exportArchive } from '../../../server/export';
import { importBatchFiles } from '../../../server/files';
import { startSyncServer, type RunningServer } from '../../../server/http';
import { UsageError, type CliCommand, type CliIo } from '../command';

const USAGE = `Usage: rsched server SUBCOMMAND --data DIR [OPTIONS]

The hospital sync server. DIR holds its keys and store (keep it on an encrypted, access-controlled
disk). --data may also come from RSCHED_SERVER_DATA.

  start    --port N [--host ADDR] (--tls-key FILE --tls-cert FILE | --insecure-loopback-http)
           Serve POST /v1/batches until interrupted. Plain HTTP only on a loopback address.
  enroll   FILE [--out FILE] [--url URL] [--tls-cert FILE]
           Approve a device's enrollment request; writes the response file (default FILE.response.json)
           and prints both fingerprints to compare by phone.
  revoke   DEVICE_ID            Refuse every later batch from the device.
  import   FILE|DIR... [--receipts DIR]
           Ingest sealed batch and security alerts files (air-gapped transfer); writes a receipt
           file per accepted file.
  devices  [--json]             Enrolled devices, sizes, last receipt, alerts, security alerts.
  alerts   [--device ID] [--json]
           Alerts the server raised itself (fork, rollback, bad batch).
  security-alerts [--device ID] [--json]
           Security alerts the devices' detection rules raised and sent with their sync.
  audit    --device ID [--from SEQ|TIME] [--to SEQ|TIME]
           Entries as JSON lines (canonical, as the device hashed them).
  export   --out FILE [--device ID]
           Verified archive (JSON lines) of devices, receipts and entries.
  fingerprint [--tls-cert FILE]  The server fingerprint devices compare at enrollment.

Exit status: 0 done, 1 refused or failed, 2 bad usage.
`;

export interface Flags {
  positional: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

export function parseFlags(args: string[], valueFlags: ReadonlySet<string>, switchFlags: ReadonlySet<string>): Flags {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (valueFlags.has(flag)) {
      const v = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      values.set(flag, v);
    } else if (switchFlags.has(flag)) {
      if (eq > 0) throw new UsageError(`${flag} takes no value`);
      switches.add(flag);
    } else if (/^--?(password|passphrase|secret)/i.test(flag)) {
      throw new UsageError('secrets are never accepted as arguments: use the prompt or --password-stdin');
    } else {
      throw new UsageError(`unexpected argument ${flag}`);
    }
  }
  return { positional, values, switches };
}

export function need(f: Flags, flag: string): string {
  const v = f.values.get(flag);
  if (v === undefined) throw new UsageError(`${flag} is required`);
  return v;
}

const VALUE_FLAGS = new Set(['--data', '--port', '--host', '--tls-key', '--tls-cert', '--out', '--url', '--receipts', '--device', '--from', '--to']);
const SWITCHES = new Set(['--insecure-loopback-http', '--json']);

export interface ServerCommandDeps {
  clock?: Clock;
  logger?: Logger;
  /** start: resolves when the server should stop (tests); default waits for SIGINT/SIGTERM. */
  untilStopped?: (server: RunningServer) => Promise<void>;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolveStop) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `--from`/`--to`: a non-negative integer is a seq, anything else must be an ISO-8601 instant. */
function bound(v: string | undefined, flag: string): { seq?: number; time?: string } {
  if (v === undefined) return {};
  if (/^\d{1,15}$/.test(v)) return { seq: Number(v) };
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`${flag} must be a sequence number or an ISO-8601 date/time`);
  return { time: new Date(t).toISOString() };
}

function expandFiles(paths: string[], cwd: string): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (statSync(abs).isDirectory()) {
      for (const f of readdirSync(abs).sort()) if (f.endsWith('.sealed.json')) out.push(join(abs, f));
    } else out.push(abs);
  }
  return out;
}

export function createServerCommand(deps: ServerCommandDeps = {}): CliCommand {
  const clock = deps.clock ?? systemClock;
  return {
    name: 'server',
    summary: 'Hospital sync server: start, enroll/revoke devices, import batch files, read audit logs',
    usage: USAGE,
    async run(args: string[], io: CliIo): Promise<number> {
      const [sub, ...rest] = args;
      if (!sub) throw new UsageError('a subcommand is required');
      const f = parseFlags(rest, VALUE_FLAGS, SWITCHES);
      const dataDir = f.values.get('--data') ?? io.env.RSCHED_SERVER_DATA;
      if (!dataDir) throw new UsageError('--data DIR is required');
      const logger = deps.logger ?? createLogger({ clock, level: 'warn' }).child({ component: 'sync-server' });
      const app = openServerApp(resolve(io.cwd, dataDir), { clock, logger });
      try {
        return await runSub(sub, f, app, io, deps);
      } finally {
        await app.close();
      }
    },
  };
}

async function runSub(sub: string, f: Flags, app: ServerApp, io: CliIo, deps: ServerCommandDeps): Promise<number> {
  const out = (s: string): void => io.stdout(s.endsWith('\n') ? s : s + '\n');
  const json = f.switches.has('--json');
  const certPin = (): string | null => {
    const c = f.values.get('--tls-cert');
    return c ? spkiPinOfCert(readFileSync(resolve(io.cwd, c))) : null;
  };
  switch (sub) {
    case 'start': {
      const port = Number(need(f, '--port'));
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0-65535');
      const host = f.values.get('--host') ?? '127.0.0.1';
      const keyPath = f.values.get('--tls-key');
      const certPath = f.values.get('--tls-cert');
      if ((keyPath === undefined) !== (certPath === undefined)) throw new UsageError('give both --tls-key and --tls-cert');
      const tls = keyPath && certPath ? { key: readFileSync(resolve(io.cwd, keyPath)), cert: readFileSync(resolve(io.cwd, certPath)) } : undefined;
      if (!tls && !f.switches.has('--insecure-loopback-http')) throw new UsageError('--tls-key and --tls-cert are required (or --insecure-loopback-http on a loopback address)');
      const server = await startSyncServer({
        ingestor: app.ingestor,
        clock: app.clock,
        logger: app.logger,
        host,
        port,
        ...(tls ? { tls } : {}),
        insecureLoopbackHttp: f.switches.has('--insecure-loopback-http'),
      });
      const pin = tls ? spkiPinOfCert(tls.cert) : null;
      out(`rsched server: listening on ${server.url}`);
      out(`server fingerprint: ${app.identity.fingerprint(pin)}`);
      await (deps.untilStopped ?? (() => waitForSignal()))(server);
      await server.close();
      return 0;
    }
    case 'enroll': {
      const file = f.positional[0];
      if (!file) throw new UsageError('the enrollment request FILE is required');
      const path = resolve(io.cwd, file);
      const outcome = await approveEnrollment(parseJsonText(readFileSync(path, 'utf8'), 'enrollment request'), app, {
        url: f.values.get('--url') ?? null,
        tlsSpkiSha256: certPin(),
      });
      const outPath = resolve(io.cwd, f.values.get('--out') ?? join(dirname(path), `${outcome.response.response.deviceId}.response.json`));
      writeFileAtomic(outPath, Buffer.from(JSON.stringify(outcome.response, null, 2) + '\n', 'utf8'));
      out(`approved device ${outcome.response.response.deviceId}`);
      out(`device fingerprint (must match what the device shows): ${outcome.deviceFingerprint}`);
      out(`server fingerprint (the device owner compares it):     ${outcome.serverFingerprint}`);
      out(`response written to ${outPath}`);
      return 0;
    }
    case 'revoke': {
      const id = f.positional[0];
      if (!id) throw new UsageError('DEVICE_ID is required');
      if (!(await app.store.revokeDevice(id, app.clock.now().toISOString()))) throw new AppError('NOT_FOUND', `no active device ${id}`);
      out(`revoked ${id}`);
      return 0;
    }
    case 'import': {
      if (f.positional.length === 0) throw new UsageError('at least one FILE or DIR is required');
      const files = expandFiles(f.positional, io.cwd);
      const receiptDir = resolve(io.cwd, f.values.get('--receipts') ?? dirname(files[0] ?? io.cwd));
      const results = await importBatchFiles(app, files, receiptDir);
      let failed = 0;
      for (const r of results) {
        if (r.ok && r.alertReceipt) out(`accepted ${r.file}: ${r.storedAlerts ?? 0} new security alerts of ${r.alertReceipt.receipt.alerts.length}; receipt ${r.receiptFile ?? ''}`);
        else if (r.ok) out(`accepted ${r.file}: ${r.storedEntries} new entries, size ${r.receipt?.receipt.size ?? '?'}; receipt ${r.receiptFile ?? ''}`);
        else {
          failed++;
          const extra = r.error?.expectedSeq !== undefined ? ` (server expects seq ${r.error.expectedSeq})` : '';
          out(`refused ${r.file}: ${r.error?.refusal ?? 'ERROR'}: ${r.error?.message ?? ''}${extra}`);
        }
      }
      return failed === 0 ? 0 : 1;
    }
    case 'devices': {
      const list = await app.store.listDevices();
      if (json) return (out(JSON.stringify(list)), 0);
      if (list.length === 0) out('no devices enrolled');
      for (const d of list) {
        out(`${d.deviceId}  ${d.revokedAt ? `REVOKED ${d.revokedAt}` : 'active'}  entries ${d.size}  last receipt ${d.lastReceiptAt ?? 'never'}  alerts ${d.openAlerts}  security alerts ${d.securityAlerts}`);
      }
      return 0;
    }
    case 'alerts': {
      const deviceId = f.values.get('--device');
      const list = await app.store.listAlerts(deviceId ? { deviceId } : {});
      if (json) return (out(JSON.stringify(list)), 0);
      if (list.length === 0) out('no alerts');
      for (const a of list) out(`#${a.id} ${a.at} ${a.kind.toUpperCase()} ${a.deviceId}: ${a.detail}`);
      return 0;
    }
    case 'security-alerts': {
      const deviceId = f.values.get('--device');
      const list = await app.store.listDeviceAlerts(deviceId ? { deviceId } : {});
      if (json) return (out(JSON.stringify(list.map((a) => ({ ...a, details: JSON.parse(a.details) as unknown })))), 0);
      if (list.length === 0) out('no security alerts');
      for (const a of list) out(`${a.raisedAt} ${a.severity.toUpperCase()} ${a.rule} ${a.deviceId} alert ${a.alertId}${a.userId ? ` user ${a.userId}` : ''} count ${a.count} (received ${a.receivedAt})`);
      return 0;
    }
    case 'audit': {
      const deviceId = need(f, '--device');
      const from = bound(f.values.get('--from'), '--from');
      const to = bound(f.values.get('--to'), '--to');
      const rows = await app.store.listEntries({
        deviceId,
        ...(from.seq !== undefined ? { fromSeq: from.seq } : {}),
        ...(to.seq !== undefined ? { toSeq: to.seq } : {}),
        ...(from.time !== undefined ? { fromTime: from.time } : {}),
        ...(to.time !== undefined ? { toTime: to.time } : {}),
      });
      for (const r of rows) out(r.canonical);
      return 0;
    }
    case 'export': {
      const outPath = resolve(io.cwd, need(f, '--out'));
      const deviceId = f.values.get('--device');
      const r = await exportArchive(app.store, outPath, deviceId ? { deviceId } : {});
      out(`exported ${r.devices} devices, ${r.entries} entries to ${outPath} (leaf hashes and roots re-verified)`);
      return 0;
    }
    case 'fingerprint':
      out(`server ${app.identity.serverId} fingerprint: ${app.identity.fingerprint(certPin())}`);
      return 0;
    default:
      throw new UsageError(`unknown subcommand "${sub}"`);
  }
}

export const serverCommand: CliCommand = createServerCommand();
