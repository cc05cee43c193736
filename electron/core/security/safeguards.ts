import type { Database } from 'better-sqlite3-multiple-ciphers';
import { PASSWORD_POLICY } from '../../../shared/accounts/password-policy';
import type { AuditActor } from '../../../shared/audit/entry';
import type { AccountPolicies } from '../../../shared/contract/users';
import { SEVERITIES } from '../../../shared/security/alerts';
import type { SafeguardsReport } from '../../../shared/security/report';
import type { AuditLog } from '../audit/log';
import { verifyAudit } from '../audit/verify';
import type { Clock } from '../clock';
import { recordRead } from '../db/unit-of-work';
import { countReceipts, latestReceipt, listDeviceAlerts, readIdentity, readOutbox } from '../sync/device-store';
import { readVaultInfo, type Hardening, type SlotSummary } from '../vault/index';
import { listIncidents } from './incidents';
import { getState, readSettings } from './store';
import type { IdGenerator } from '../ids';

export interface SafeguardsDeps {
  db: Database;
  audit: AuditLog;
  clock: Clock;
  ids: IdGenerator;
  anchorPath: string;
  hardening: Hardening;
  slots: SlotSummary[];
  policies: AccountPolicies;
}

/**
 * Builds the report from live state: it re-verifies the audit trail now (the report states the
 * result and time of THIS verification), reads the connection's settings back from SQLite rather
 * than trusting what was configured, and lists key slots without any key material.
 */
export async function safeguardsReport(deps: SafeguardsDeps, actor: AuditActor): Promise<SafeguardsReport> {
  const { db, clock } = deps;
  const info = readVaultInfo(db);
  const verify = await verifyAudit(db, { anchorPath: deps.anchorPath });
  const verifiedAt = clock.now().toISOString();
  const pragma = (name: string): string => String(db.pragma(name, { simple: true }));
  const outbox = readOutbox(db);
  const receipt = latestReceipt(db);
  const settings = readSettings(db);
  const openAlerts = db.prepare("SELECT severity, count(*) AS n FROM (SELECT json_extract(data, '$.severity') AS severity FROM security_alert WHERE status IN ('open', 'acknowledged')) GROUP BY severity").all() as Array<{ severity: string; n: number }>;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, openAlerts.find((r) => r.severity === s)?.n ?? 0]));
  const incidents = listIncidents(deps).filter((i) => i.status !== 'closed');
  const report: SafeguardsReport = {
    generatedAt: verifiedAt,
    program: { name: info.programName, timeZone: info.timeZone, vaultId: info.vaultId, schemaVersion: info.schemaVersion },
    encryption: {
      atRest: 'SQLCipher 4 (AES-256-CBC, HMAC-SHA512 per page), random 256-bit data key',
      cipher: pragma('cipher'),
      secureDelete: pragma('secure_delete') === '1',
      tempStoreMemory: pragma('temp_store') === '2',
      journalMode: pragma('journal_mode'),
      memorySecurity: deps.hardening.memorySecurity,
    },
    keySlots: deps.slots.map((s) => ({ slotId: s.slotId, kind: s.kind, createdAt: s.createdAt, needsReset: s.needsReset })),
    audit: {
      size: verify.size,
      verifiedOk: verify.ok,
      verifiedAt,
      firstBadSeq: verify.firstBadSeq,
      problems: verify.problems.length,
      redacted: verify.redacted,
      lastCheckpointSize: verify.lastCheckpoint?.size ?? null,
      lastCheckpointAt: verify.lastCheckpoint?.time ?? null,
    },
    sync: {
      enrolled: readIdentity(db)?.server !== null && readIdentity(db) !== null,
      ackedSize: outbox.ackedSize,
      lastSuccessAt: outbox.lastSuccessAt,
      lastReceipt: receipt && countReceipts(db) > 0 ? { size: receipt.receipt.size, receivedAt: receipt.receipt.receivedAt } : null,
      halted: outbox.halted,
      deviceAlerts: listDeviceAlerts(db).length,
    },
    policies: {
      password: { minLength: PASSWORD_POLICY.minLength, minLengthWithMfa: PASSWORD_POLICY.minLengthWithMfa, hashing: 'bcrypt cost 12 in the vault; scrypt N=2^17 key slots' },
      mfaRequiredRoles: [...deps.policies.mfaRequiredRoles],
      idleTimeoutMinutes: deps.policies.idleTimeoutMinutes,
      breakGlassMinutes: deps.policies.breakGlassMinutes,
      retentionDays: { ...settings.retention },
      purgeEveryDays: settings.purgeEveryDays,
      lastPurgeAt: getState(db, 'lastPurgeAt'),
    },
    alerts: { open: Object.values(bySeverity).reduce((a, b) => a + b, 0), bySeverity },
    incidents: incidents.map((i) => ({ number: i.number, status: i.status, discoveryDate: i.plan.discoveryDate, deadline: i.plan.individuals.date, daysLeft: i.daysLeft, affected: i.affected?.count ?? null })),
  };
  recordRead(db, deps.audit, actor, {
    action: 'report.safeguards',
    resourceType: 'safeguards_report',
    resourceId: null,
    details: { auditOk: verify.ok, auditSize: verify.size, openIncidents: incidents.length, openAlerts: report.alerts.open },
  });
  return report;
}

const esc = (s: string | number | boolean | null): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** One section of the report: a heading and label/value rows (or a sentence when there are none). */
export interface ReportSection {
  heading: string;
  rows: Array<[string, string | number | boolean | null]>;
  empty?: string;
}

/** The report as sections, shared by the printable HTML and the PDF so both always say the same. */
export function safeguardsSections(r: SafeguardsReport): ReportSection[] {
  return [
    { heading: 'Program', rows: [['Program', r.program.name], ['Time zone', r.program.timeZone], ['Vault', r.program.vaultId], ['Schema version', r.program.schemaVersion]] },
    { heading: 'Encryption at rest (164.312(a)(2)(iv))', rows: [['Method', r.encryption.atRest], ['Cipher', r.encryption.cipher], ['secure_delete', r.encryption.secureDelete], ['temp_store in memory', r.encryption.tempStoreMemory], ['Journal', r.encryption.journalMode], ['Memory security', r.encryption.memorySecurity]] },
    { heading: 'Key slots', rows: r.keySlots.map((s) => [s.slotId, `${s.kind}, created ${s.createdAt}${s.needsReset ? ', needs reset' : ''}`]) },
    { heading: 'Audit controls and integrity (164.312(b), (c))', rows: [['Entries', r.audit.size], ['Verified', r.audit.verifiedOk ? 'OK' : 'FAILED'], ['Verified at', r.audit.verifiedAt], ['First bad entry', r.audit.firstBadSeq], ['Problems', r.audit.problems], ['Payloads removed by retention', r.audit.redacted], ['Last checkpoint', r.audit.lastCheckpointSize === null ? 'none' : `${r.audit.lastCheckpointSize} entries at ${r.audit.lastCheckpointAt}`]] },
    { heading: 'Hospital sync', rows: [['Enrolled', r.sync.enrolled], ['Acknowledged entries', r.sync.ackedSize], ['Last success', r.sync.lastSuccessAt], ['Last receipt', r.sync.lastReceipt ? `${r.sync.lastReceipt.size} entries at ${r.sync.lastReceipt.receivedAt}` : 'none'], ['Halted', r.sync.halted], ['Device tamper alerts', r.sync.deviceAlerts]] },
    { heading: 'Policies', rows: [['Password minimum length', `${r.policies.password.minLength} (${r.policies.password.minLengthWithMfa} with MFA)`], ['Password storage', r.policies.password.hashing], ['MFA required for', r.policies.mfaRequiredRoles.join(', ') || 'none'], ['Idle timeout (min)', r.policies.idleTimeoutMinutes], ['Break-glass limit (min)', r.policies.breakGlassMinutes], ...Object.entries(r.policies.retentionDays).map(([k, v]): [string, number] => [`Retention ${k} (days)`, v]), ['Scheduled purge every (days)', r.policies.purgeEveryDays || 'manual'], ['Last purge', r.policies.lastPurgeAt]] },
    { heading: 'Alerts', rows: [['Open', r.alerts.open], ...Object.entries(r.alerts.bySeverity).map(([k, v]): [string, number] => [k, v])] },
    { heading: 'Open incidents', rows: r.incidents.map((i) => [`#${i.number}`, `${i.status}; discovered ${i.discoveryDate}; notify by ${i.deadline} (${i.daysLeft} days); affected ${i.affected ?? 'not computed'}`]), empty: 'None.' },
  ];
}

function table(rows: ReportSection['rows']): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

/** A self-contained printable page (no scripts, no external resources; every value escaped). */
export function renderSafeguardsHtml(r: SafeguardsReport): string {
  const body = safeguardsSections(r)
    .map((sec) => `<h2>${esc(sec.heading)}</h2>${sec.rows.length === 0 && sec.empty ? `<p>${esc(sec.empty)}</p>` : table(sec.rows)}`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>Safeguards report</title><style>body{font:12px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1em}th,td{border:1px solid #999;padding:3px 8px;text-align:left}th{background:#eee;width:18em}</style></head><body><h1>Safeguards report</h1><p>Generated ${esc(r.generatedAt)}</p>${body}</body></html>`;
}
