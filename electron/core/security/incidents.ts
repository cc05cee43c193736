import type { Database } from 'better-sqlite3-multiple-ciphers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AuditActor } from '../../../shared/audit/entry';
import { AppError } from '../../../shared/errors';
import { daysLeft, notificationPlan } from '../../../shared/security/deadline';
import {
  determine, INCIDENT_STATUSES, INCIDENT_TRANSITIONS, RiskAssessment, type IncidentStatus, type IncidentView,
} from '../../../shared/security/incidents';
import { csvLine } from '../audit/csv';
import type { AuditLog } from '../audit/log';
import type { Clock } from '../clock';
import { recordRead, runChange } from '../db/unit-of-work';
import type { IdGenerator } from '../ids';
import { resourcePath } from '../resources';
import { readVaultInfo } from '../vault/index';
import { affectedIndividuals } from './affected';
import { getAlert, updateAlert } from './store';

/**
 * The incident register (45 CFR 164.402-414, docs/security-operations.md "Incidents"). Every
 * change is one unit of work: the row and its audit entry commit together. Audit entries carry
 * the incident number, statuses and counts; the title, notes and assessment text stay in the row.
 */
const Stored = z
  .object({
    id: z.string(),
    number: z.number().int(),
    title: z.string(),
    status: z.enum(INCIDENT_STATUSES),
    source: z.enum(['alert', 'manual']),
    alertIds: z.array(z.string()),
    openedAt: z.string(),
    openedBy: z.string().nullable(),
    discoveredAt: z.string(),
    window: z.object({ from: z.string(), to: z.string() }).strict(),
    actorUserIds: z.array(z.string()),
    affected: z.object({ count: z.number().int(), computedAt: z.string(), viaExport: z.boolean(), personIds: z.array(z.string()) }).strict().nullable(),
    assessment: RiskAssessment.nullable(),
    notes: z.string(),
    closedAt: z.string().nullable(),
  })
  .strict();
type Stored = z.infer<typeof Stored>;

export interface IncidentDeps {
  db: Database;
  audit: AuditLog;
  clock: Clock;
  ids: IdGenerator;
}

function load(db: Database, id: string): Stored {
  const raw = db.prepare('SELECT data FROM security_incident WHERE id = ?').pluck().get(id) as string | undefined;
  if (raw === undefined) throw new AppError('NOT_FOUND', undefined, { issues: [{ path: 'id', message: 'no incident with this id' }] });
  const parsed = Stored.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new AppError('DATABASE_DAMAGED', undefined, { details: { table: 'security_incident' } });
  return parsed.data;
}

function save(db: Database, s: Stored, insert: boolean): void {
  const data = JSON.stringify(Stored.parse(s));
  if (insert) db.prepare('INSERT INTO security_incident (id, number, status, closed_at, data) VALUES (?, ?, ?, ?, ?)').run(s.id, s.number, s.status, s.closedAt, data);
  else db.prepare('UPDATE security_incident SET status = ?, closed_at = ?, data = ? WHERE id = ?').run(s.status, s.closedAt, data, s.id);
}

export function view(db: Database, s: Stored, nowMs: number): IncidentView {
  const zone = readVaultInfo(db).timeZone;
  const plan = notificationPlan(zone, Date.parse(s.discoveredAt), s.affected?.count ?? 0);
  const det = s.assessment ? determine(s.assessment) : null;
  return {
    id: s.id,
    number: s.number,
    title: s.title,
    status: s.status,
    source: s.source,
    alertIds: s.alertIds,
    openedAt: s.openedAt,
    openedBy: s.openedBy,
    discoveredAt: s.discoveredAt,
    timeZone: zone,
    window: s.window,
    actorUserIds: s.actorUserIds,
    affected: s.affected ? { count: s.affected.count, computedAt: s.affected.computedAt, viaExport: s.affected.viaExport } : null,
    assessment: s.assessment,
    determination: det?.determination ?? null,
    determinationReasons: det?.reasons ?? [],
    plan,
    daysLeft: daysLeft(zone, nowMs, plan.individuals.date),
    notes: s.notes,
    closedAt: s.closedAt,
  };
}

export function getIncident(deps: IncidentDeps, id: string): IncidentView {
  return view(deps.db, load(deps.db, id), deps.clock.nowMs());
}

export function listIncidents(deps: IncidentDeps): IncidentView[] {
  const rows = deps.db.prepare('SELECT id FROM security_incident ORDER BY number DESC').pluck().all() as string[];
  return rows.map((id) => getIncident(deps, id));
}

export interface OpenInput {
  title: string;
  alertIds: string[];
  discoveredAt?: string | undefined;
  window?: { from: string; to: string } | undefined;
  actorUserIds?: string[] | undefined;
  notes: string;
}

export function openIncident(deps: IncidentDeps, actor: AuditActor, input: OpenInput): IncidentView {
  const { db, audit, clock, ids } = deps;
  const now = clock.now();
  const alerts = input.alertIds.map((id) => {
    const a = getAlert(db, id);
    if (!a) throw new AppError('NOT_FOUND', undefined, { issues: [{ path: 'alertIds', message: 'no alert with this id' }] });
    return a;
  });
  // Defaults from the alerts: their users, and a window reaching back over their rule windows.
  const earliest = alerts.reduce((min, a) => {
    const w = typeof a.details.windowMinutes === 'number' ? a.details.windowMinutes : 60;
    return Math.min(min, Date.parse(a.occurredAt) - w * 60_000);
  }, Number.POSITIVE_INFINITY);
  const window = input.window ?? { from: new Date(alerts.length > 0 ? earliest : now.getTime() - 30 * 86_400_000).toISOString(), to: now.toISOString() };
  if (Date.parse(window.from) >= Date.parse(window.to)) throw new AppError('BAD_INPUT', undefined, { issues: [{ path: 'window', message: 'must end after it starts' }] });
  const actorUserIds = input.actorUserIds ?? [...new Set(alerts.map((a) => a.userId).filter((u): u is string => u !== null))];
  const discoveredAt = input.discoveredAt ? new Date(input.discoveredAt).toISOString() : now.toISOString();
  if (Date.parse(discoveredAt) > now.getTime()) throw new AppError('BAD_INPUT', undefined, { issues: [{ path: 'discoveredAt', message: 'cannot be in the future' }] });
  const id = ids.id();
  return runChange(db, audit, actor, (tx) => {
    const number = ((tx.db.prepare('SELECT max(number) FROM security_incident').pluck().get() as number | null) ?? 0) + 1;
    const s: Stored = {
      id,
      number,
      title: input.title,
      status: 'open',
      source: alerts.length > 0 ? 'alert' : 'manual',
      alertIds: alerts.map((a) => a.id),
      openedAt: now.toISOString(),
      openedBy: actor.type === 'user' ? actor.userId : null,
      discoveredAt,
      window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
      actorUserIds,
      affected: null,
      assessment: null,
      notes: input.notes,
      closedAt: null,
    };
    save(tx.db, s, true);
    for (const a of alerts) updateAlert(tx.db, { ...a, status: 'escalated', incidentId: id });
    tx.record({ action: 'incident.open', resourceType: 'security_incident', resourceId: id, details: { number, source: s.source, alerts: alerts.length, discoveredAt } });
    return view(tx.db, s, now.getTime());
  });
}

export function assessIncident(deps: IncidentDeps, actor: AuditActor, id: string, form: Omit<RiskAssessment, 'assessedBy' | 'assessedAt'>): IncidentView {
  const { db, audit, clock } = deps;
  return runChange(db, audit, actor, (tx) => {
    const s = load(tx.db, id);
    if (s.status === 'closed') throw new AppError('CONFLICT', 'A closed incident cannot be re-assessed; re-open it first.');
    const assessment: RiskAssessment = { ...form, assessedAt: clock.now().toISOString(), ...(actor.type === 'user' ? { assessedBy: actor.userId } : {}) };
    const next: Stored = { ...s, assessment };
    save(tx.db, next, false);
    const d = determine(assessment);
    tx.record({
      action: 'incident.assess',
      resourceType: 'security_incident',
      resourceId: id,
      details: {
        number: s.number,
        determination: d.determination,
        recipient: assessment.unauthorizedPerson.recipient,
        acquired: assessment.acquiredOrViewed.finding,
        mitigation: assessment.mitigation.extent,
        safeHarbor: assessment.encryptedKeyUncompromised,
      },
    });
    return view(tx.db, next, clock.nowMs());
  });
}

export function setIncidentStatus(deps: IncidentDeps, actor: AuditActor, id: string, status: IncidentStatus, reason: string): IncidentView {
  const { db, audit, clock } = deps;
  return runChange(db, audit, actor, (tx) => {
    const s = load(tx.db, id);
    if (!INCIDENT_TRANSITIONS[s.status].includes(status)) {
      throw new AppError('CONFLICT', `An incident cannot move from ${s.status} to ${status}.`);
    }
    if (status === 'notifying' && !s.assessment) throw new AppError('CONFLICT', 'Record the risk assessment before notifying.');
    const next: Stored = { ...s, status, closedAt: status === 'closed' ? clock.now().toISOString() : null };
    save(tx.db, next, false);
    tx.record({
      action: status === 'closed' ? 'incident.close' : 'incident.status_change',
      resourceType: 'security_incident',
      resourceId: id,
      before: { status: s.status },
      after: { status },
      reason,
      details: { number: s.number },
    });
    return view(tx.db, next, clock.nowMs());
  });
}

export function computeAffected(deps: IncidentDeps, actor: AuditActor, id: string): { incident: IncidentView; personIds: string[] } {
  const { db, audit, clock } = deps;
  return runChange(db, audit, actor, (tx) => {
    const s = load(tx.db, id);
    const found = affectedIndividuals(tx.db, s.window, s.actorUserIds);
    const next: Stored = { ...s, affected: { count: found.personIds.length, computedAt: clock.now().toISOString(), viaExport: found.viaExport, personIds: found.personIds } };
    save(tx.db, next, false);
    const v = view(tx.db, next, clock.nowMs());
    tx.record({
      action: 'incident.affected',
      resourceType: 'security_incident',
      resourceId: id,
      details: { number: s.number, count: found.personIds.length, viaExport: found.viaExport, actors: found.actors.length, largeBreach: v.plan.largeBreach, hhsRoute: v.plan.hhs.route },
    });
    return { incident: v, personIds: found.personIds };
  });
}

// ---------------------------------------------------------------------------------------------
// Drafts and the register

/** Fills {{name}} slots; a slot without a value is an error, so a draft never ships a raw slot. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (_m, key: string) => {
    const v = values[key];
    if (v === undefined) throw new AppError('INTERNAL', `Template slot ${key} has no value.`);
    return v;
  });
}

const ELEMENT_TEXT: Record<string, string> = {
  names: 'names',
  emails: 'e-mail addresses',
  schedules: 'work schedules and call assignments',
  absence_details: 'absence dates, reasons or locations',
  training_dates: 'training dates',
  credentials: 'credentials and certifications',
  account_data: 'user account data',
  other: 'other information',
};

/** The notification letter and HHS summary from the templates the app ships (resources/incident-templates). */
export function drafts(deps: IncidentDeps, actor: AuditActor, id: string, templateDir = resourcePath('incident-templates')): { letter: string; hhsSummary: string } {
  const { db, audit, clock } = deps;
  const s = load(db, id);
  const v = view(db, s, clock.nowMs());
  const info = readVaultInfo(db);
  const a = s.assessment;
  const values: Record<string, string> = {
    program_name: info.programName,
    incident_number: String(s.number),
    discovery_date: v.plan.discoveryDate,
    what_happened: '[describe what happened, without naming the individuals involved]',
    window_from: s.window.from.slice(0, 10),
    window_to: s.window.to.slice(0, 10),
    information_involved: a && a.natureAndExtent.elements.length > 0 ? a.natureAndExtent.elements.map((e) => ELEMENT_TEXT[e] ?? e).join(', ') : '[to be determined by the risk assessment]',
    mitigation: a ? `Mitigation: ${a.mitigation.extent}. [Describe the steps taken.]` : '[describe the steps taken]',
    individual_deadline: `${v.plan.individuals.date} (${v.timeZone})`,
    hhs_route: v.plan.hhs.route === 'immediate' ? '500 or more affected: notify HHS now, with the individuals' : 'fewer than 500 affected: annual log to HHS',
    hhs_deadline: `${v.plan.hhs.date} (${v.timeZone})`,
    affected_count: s.affected ? String(s.affected.count) : '[not computed yet]',
    media_required: v.plan.media ? 'yes' : 'no',
    media_deadline: v.plan.media ? `${v.plan.media.date} (${v.timeZone})` : 'not required',
    determination: v.determination ?? '[assessment not recorded]',
    assessment_reasons: v.determinationReasons.length > 0 ? v.determinationReasons.map((r) => `- ${r}`).join('\n') : '- [assessment not recorded]',
  };
  const letter = fillTemplate(readFileSync(join(templateDir, 'notification-letter.txt'), 'utf8'), values);
  const hhsSummary = fillTemplate(readFileSync(join(templateDir, 'hhs-summary.txt'), 'utf8'), values);
  recordRead(db, audit, actor, { action: 'incident.draft', resourceType: 'security_incident', resourceId: id, details: { number: s.number } });
  return { letter, hhsSummary };
}

export const REGISTER_COLUMNS = [
  'number', 'title', 'status', 'source', 'opened_at', 'discovery_date', 'individual_deadline', 'days_left', 'affected',
  'hhs_route', 'hhs_deadline', 'media_deadline', 'determination', 'closed_at',
] as const;

/** The register as CSV: every cell quoted, formula-looking cells neutralised (audit/csv.ts). */
export function exportRegister(deps: IncidentDeps, actor: AuditActor): { fileName: string; data: string } {
  const list = listIncidents(deps).sort((a, b) => a.number - b.number);
  let data = csvLine([...REGISTER_COLUMNS]);
  for (const i of list) {
    data += csvLine([
      i.number, i.title, i.status, i.source, i.openedAt, i.plan.discoveryDate, i.plan.individuals.date, i.daysLeft, i.affected?.count ?? null,
      i.plan.hhs.route, i.plan.hhs.date, i.plan.media?.date ?? null, i.determination, i.closedAt,
    ]);
  }
  recordRead(deps.db, deps.audit, actor, { action: 'incident.export', resourceType: 'security_incident', resourceId: null, details: { incidents: list.length, format: 'csv' } });
  const stamp = deps.clock.now().toISOString().replace(/[:.]/g, '-');
  return { fileName: `incident-register-${stamp}.csv`, data };
}
