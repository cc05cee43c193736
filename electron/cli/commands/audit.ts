import Database from 'better-sqlite3-multiple-ciphers';
import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { AuditVerifyReport } from '../../../shared/audit/verify';
import { ANCHOR_FILE } from '../../core/audit/anchor';
import { verifyExport } from '../../core/audit/export-verify';
import { verifyAudit } from '../../core/audit/verify';
import { systemClock } from '../../core/clock';
import { createLogger } from '../../core/logger';
import { authorizeSlot } from '../../core/slot-authority';
import { unlockWithPassword } from '../../core/vault/index';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { CliCallError, readPassword, signIn } from '../core-session';
import { canonicalJson } from '../../../shared/canonical-json';
import { AUDIT_EXPORT_FORMATS, DEFAULT_EXPORT_ENTRIES, MAX_EXPORT_ENTRIES } from '../../../shared/audit/export';
import { AuditFilterCriteria } from '../../../shared/audit/filter';

const USAGE = `Usage: rsched audit verify --db FILE --key-hex-stdin [--anchor FILE] [--public-key FILE] [--deep] [--workers N] [--json]
       rsched audit verify --vault DIR --slot SLOT --password-stdin [--anchor FILE] [--public-key FILE] [--deep] [--json]
       rsched audit verify-export --data FILE --manifest FILE --signature FILE [--public-key FILE] [--json]
       rsched audit export --vault DIR --user NAME [--password-stdin] --out FILE [--format json|csv]
                           [--from ISO] [--to ISO] [--action-prefix P.] [--person ID] [--max N]

verify: recomputes every audit entry's leaf hash, the hash chain and the Merkle roots, checks them
against every signed checkpoint and the local anchor (audit-anchor.json beside the database unless
--anchor), checks checkpoint signatures and the append-only triggers, and names the first sequence
number that cannot be trusted. Nothing is written.
  --db FILE --key-hex-stdin   an SQLCipher database and its raw 32-byte key as 64 hex digits on stdin
  --vault DIR --slot SLOT     unlock a vault with the password of key slot SLOT (e.g. user:ID), read
                              from stdin with --password-stdin or from the terminal
  --public-key FILE           the device public key (PEM) the log must be signed with
  --deep                      also check every entry against the schema and its canonical form

verify-export: checks an audit export offline: the detached Ed25519 signature over the manifest, the
signed checkpoint it names, the data file's SHA-256, and (JSON exports) every entry's inclusion proof.

export: signs in to the vault as NAME (the audit.export permission: administrator or compliance
officer) and writes the audit export as three files, FILE (the data), FILE.manifest.json and
FILE.sig, as the app's Audit screen does but without its cap of 100,000 entries (--max, default
1,000,000, at most 5,000,000). The export is itself audited. Existing files are never overwritten.
  --from ISO --to ISO   entries in this time range (ISO 8601 instants)
  --action-prefix P.    entries whose action starts with P. (e.g. absence.)
  --person ID           entries about this person

Exit status: 0 verified (export: written), 1 verification failed (export: refused or failed), 2 bad
usage or input.
`;

interface Parsed {
  flags: Map<string, string>;
  switches: Set<string>;
  positional: string[];
}

const VALUE_FLAGS = new Set([
  '--db',
  '--vault',
  '--slot',
  '--anchor',
  '--public-key',
  '--workers',
  '--data',
  '--manifest',
  '--signature',
  '--user',
  '--out',
  '--format',
  '--from',
  '--to',
  '--action-prefix',
  '--person',
  '--max',
]);
const SWITCHES = new Set(['--key-hex-stdin', '--password-stdin', '--deep', '--json']);

function parse(args: string[]): Parsed {
  const out: Parsed = { flags: new Map(), switches: new Set(), positional: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_FLAGS.has(flag)) {
      const v = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      out.flags.set(flag, v);
    } else if (SWITCHES.has(flag)) out.switches.add(flag);
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else out.positional.push(arg);
  }
  return out;
}

function printReport(io: CliIo, r: AuditVerifyReport, json: boolean): void {
  if (json) {
    io.stdout(JSON.stringify(r, null, 2) + '\n');
    return;
  }
  const secs = (r.durationMs / 1000).toFixed(2);
  if (r.ok) {
    io.stdout(
      `audit trail verified: ${r.size} entries, ${r.checkpointsVerified} signed checkpoints, anchor ${r.anchor}` +
        (r.redacted > 0 ? `, ${r.redacted} payloads removed by retention` : '') +
        ` (${secs} s${r.workers > 0 ? `, ${r.workers} workers` : ''})\n`,
    );
    return;
  }
  io.stdout(`AUDIT TRAIL FAILED VERIFICATION (${r.size} entries, ${secs} s)\n`);
  io.stdout(r.firstBadSeq === null ? 'first bad sequence number: cannot be named (see problems)\n' : `first bad sequence number: ${r.firstBadSeq}\n`);
  for (const p of r.problems) io.stdout(`  - [${p.kind}]${p.seq === null ? '' : ` seq ${p.seq}:`} ${p.message}\n`);
}

async function verifyCommand(p: Parsed, io: CliIo): Promise<number> {
  const json = p.switches.has('--json');
  const workersFlag = p.flags.get('--workers');
  const workers = workersFlag === undefined ? undefined : Number(workersFlag);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > 16)) throw new UsageError('--workers must be 0-16');
  const publicKeyFile = p.flags.get('--public-key');
  const trustedPublicKeyPem = publicKeyFile ? await readFile(resolve(io.cwd, publicKeyFile), 'utf8') : undefined;
  const dbFile = p.flags.get('--db');
  const vaultDir = p.flags.get('--vault');
  if ((dbFile === undefined) === (vaultDir === undefined)) throw new UsageError('give either --db FILE or --vault DIR');
  const opts = { trustedPublicKeyPem, deep: p.switches.has('--deep'), workers };

  if (dbFile !== undefined) {
    if (!p.switches.has('--key-hex-stdin')) throw new UsageError('--db needs --key-hex-stdin (the key is never taken from arguments)');
    const keyHex = (await io.readStdin()).trim();
    // PRAGMAs take no bound parameters: validate before building the statement.
    if (!/^[0-9a-f]{64}$/.test(keyHex)) throw new UsageError('the key on stdin must be 64 lowercase hex digits');
    const path = resolve(io.cwd, dbFile);
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      db.pragma(`cipher = 'sqlcipher'`);
      db.pragma('legacy = 4');
      db.pragma(`key = "x'${keyHex}'"`);
      try {
        db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
      } catch {
        io.stderr('rsched audit: the database could not be opened (locked / wrong key)\n');
        return 2;
      }
      const anchorPath = resolve(io.cwd, p.flags.get('--anchor') ?? join(dirname(path), ANCHOR_FILE));
      const dek = Buffer.from(keyHex, 'hex');
      try {
        const report = await verifyAudit(db, { ...opts, anchorPath, reader: { path, dek } });
        printReport(io, report, json);
        return report.ok ? 0 : 1;
      } finally {
        dek.fill(0);
      }
    } finally {
      db.close();
    }
  }

  const slotId = p.flags.get('--slot');
  if (!slotId) throw new UsageError('--vault needs --slot SLOT (e.g. user:ID)');
  const password = p.switches.has('--password-stdin') ? (await io.readStdin()).replace(/\r?\n$/, '') : await io.promptSecret('Vault password: ');
  const dir = resolve(io.cwd, vaultDir as string);
  const vault = await unlockWithPassword({ dir, slotId, password, clock: systemClock, logger: createLogger({ level: 'warn' }) });
  try {
    authorizeSlot(vault.db, slotId, 'audit.read');
    const anchorPath = resolve(io.cwd, p.flags.get('--anchor') ?? join(dir, ANCHOR_FILE));
    const report = await verifyAudit(vault.db, { ...opts, anchorPath });
    printReport(io, report, json);
    return report.ok ? 0 : 1;
  } finally {
    vault.close();
  }
}

async function verifyExportCommand(p: Parsed, io: CliIo): Promise<number> {
  const need = (flag: string): string => {
    const v = p.flags.get(flag);
    if (!v) throw new UsageError(`verify-export needs ${flag} FILE`);
    return resolve(io.cwd, v);
  };
  const [data, manifestBytes, sigText] = await Promise.all([readFile(need('--data')), readFile(need('--manifest')), readFile(need('--signature'), 'utf8')]);
  const publicKeyFile = p.flags.get('--public-key');
  const trustedPublicKeyPem = publicKeyFile ? await readFile(resolve(io.cwd, publicKeyFile), 'utf8') : undefined;
  const signature = Buffer.from(sigText.trim(), 'base64');
  const r = verifyExport({ data, manifestBytes, signature, ...(trustedPublicKeyPem ? { trustedPublicKeyPem } : {}) });
  if (p.switches.has('--json')) io.stdout(JSON.stringify({ ok: r.ok, count: r.count, problems: r.problems }, null, 2) + '\n');
  else if (r.ok) {
    const m = r.manifest;
    io.stdout(`export verified: ${r.count} entries (seq ${m?.firstSeq ?? '-'}..${m?.lastSeq ?? '-'}) of a log of ${m?.treeSize} signed by ${m?.deviceId}${trustedPublicKeyPem ? ' (pinned key)' : ' (key from the manifest: pin it with --public-key)'}\n`);
  } else {
    io.stdout('EXPORT FAILED VERIFICATION\n');
    for (const problem of r.problems) io.stdout(`  - ${problem}\n`);
  }
  return r.ok ? 0 : 1;
}

/** Creates `path` for writing, failing if it exists: an export never replaces an earlier one. */
async function writeNew(path: string, data: string): Promise<void> {
  await writeFile(path, data, { flag: 'wx', mode: 0o600 });
}

async function exportCommand(p: Parsed, io: CliIo): Promise<number> {
  const vaultDir = p.flags.get('--vault');
  const user = p.flags.get('--user');
  const out = p.flags.get('--out');
  if (!vaultDir || !user) throw new UsageError('export needs --vault DIR and --user NAME');
  if (!out) throw new UsageError('export needs --out FILE');
  const format = p.flags.get('--format') ?? 'json';
  if (!(AUDIT_EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be ${AUDIT_EXPORT_FORMATS.join(' or ')}`);
  const maxText = p.flags.get('--max');
  const maxEntries = maxText === undefined ? DEFAULT_EXPORT_ENTRIES : Number(maxText);
  if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > MAX_EXPORT_ENTRIES) throw new UsageError(`--max must be a whole number from 1 to ${MAX_EXPORT_ENTRIES}`);
  const filterFlags = [['--from', 'from'], ['--to', 'to'], ['--action-prefix', 'actionPrefix'], ['--person', 'personId']] as const;
  const raw: Record<string, string> = {};
  for (const [flag, field] of filterFlags) {
    const v = p.flags.get(flag);
    if (v !== undefined) raw[field] = v;
  }
  // Checked here, before signing in, so a mistyped flag is named instead of a generic refusal.
  const parsed = AuditFilterCriteria.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = filterFlags.find(([, field]) => field === issue.path[0])?.[0] ?? 'filter';
    throw new UsageError(`${flag}: ${issue.message}`);
  }
  const filter = parsed.data;
  const files = { data: resolve(io.cwd, out), manifest: resolve(io.cwd, `${out}.manifest.json`), signature: resolve(io.cwd, `${out}.sig`) };
  for (const path of Object.values(files)) {
    const exists = await access(path).then(
      () => true,
      () => false,
    );
    if (exists) throw new UsageError(`${path} already exists; an export never overwrites one (choose another --out)`);
  }
  const password = await readPassword(io, p.switches.has('--password-stdin'));
  let session;
  try {
    session = await signIn(io, { vaultDir, username: user, password });
  } catch (err) {
    io.stderr(`rsched audit export: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof CliCallError && err.code === 'BAD_INPUT' ? 2 : 1;
  }
  const written: string[] = [];
  try {
    const ex = await session.call('audit.export', { format: format as (typeof AUDIT_EXPORT_FORMATS)[number], filter, maxEntries });
    // The manifest's bytes are its canonical JSON, exactly what the device signed.
    for (const [path, text] of [
      [files.data, ex.data],
      [files.manifest, canonicalJson(ex.manifest)],
      [files.signature, `${ex.signature}\n`],
    ] as const) {
      await writeNew(path, text);
      written.push(path);
    }
    const m = ex.manifest;
    io.stdout(`exported ${m.count} entries (seq ${m.firstSeq ?? '-'}..${m.lastSeq ?? '-'} of a log of ${m.treeSize}) to ${files.data}\n`);
    io.stdout(`check it with: rsched audit verify-export --data ${files.data} --manifest ${files.manifest} --signature ${files.signature}\n`);
    return 0;
  } catch (err) {
    // A set missing a file is no export: remove what this run wrote (disk full, or a file that
    // appeared meanwhile) so a rerun to the same name works. The attempt stays on the audit trail.
    await Promise.all(written.map((path) => rm(path, { force: true })));
    if (err instanceof Error && 'code' in err && err.code === 'EEXIST') {
      io.stderr(`rsched audit export: ${(err as NodeJS.ErrnoException).path ?? 'an output file'} already exists; choose another --out\n`);
      return 2;
    }
    io.stderr(`rsched audit export: ${err instanceof Error ? err.message : String(err)}${written.length > 0 ? ' (the partial files were removed)' : ''}\n`);
    return err instanceof CliCallError && err.code === 'BAD_INPUT' ? 2 : 1;
  } finally {
    session.close();
  }
}

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'Verify the tamper-evident audit trail, export it with a signed manifest, or verify an export',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    const p = parse(rest);
    if (p.positional.length > 0) throw new UsageError(`unexpected argument ${p.positional[0]}`);
    if (sub === 'verify') return verifyCommand(p, io);
    if (sub === 'verify-export') return verifyExportCommand(p, io);
    if (sub === 'export') return exportCommand(p, io);
    throw new UsageError(sub ? `unknown audit command "${sub}"` : 'missing audit command');
  },
};
