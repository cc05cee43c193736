import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { canonicalJson } from '../../../shared/canonical-json';
import type { AuditActor } from '../../../shared/audit/entry';
import { DEID_POLICY, QUASI_IDENTIFIERS, type DeidEntity, type DeidExportRequest, type DeidManifest } from '../../../shared/security/deid';
import type { Absence, Person } from '../../../shared/domain/schedule';
import type { AuditLog } from '../audit/log';
import type { Clock } from '../clock';
import { recordRead } from '../db/unit-of-work';
import type { IdGenerator } from '../ids';
import type { ScheduleStore } from '../schedule/store';

/**
 * De-identified export (docs/security-operations.md, "De-identified export"). The strategies are
 * fixed per field in shared/security/deid.ts; this file applies them:
 * - pseudonym: HMAC-SHA-256 under a random 32-byte key made for this export and dropped after it,
 *   so pseudonyms are stable inside one export and unlinkable across exports;
 * - synthetic names from two word lists, indexed by the pseudonym, never equal to a real name;
 * - date shift: one random whole-week offset per person (weekday patterns survive), and dates are
 *   written as day numbers from an origin that is itself shifted, so no calendar date leaves;
 * - generalize: PGY bands, block numbers, rotation and shift short names, absence categories;
 * - k-anonymity on (kind, PGY band, specialty): a group smaller than k has its quasi-identifiers
 *   blanked; if the blanked group is still smaller than k those people and their records are left out.
 */
const FIRST = ['Avery', 'Blake', 'Casey', 'Devon', 'Emery', 'Finley', 'Harper', 'Jordan', 'Kendall', 'Logan', 'Morgan', 'Parker', 'Quinn', 'Reese', 'Rowan', 'Sawyer', 'Skyler', 'Taylor'];
const LAST = ['Ashdown', 'Bramble', 'Calloway', 'Dunmore', 'Everly', 'Fairhaven', 'Greystone', 'Hollis', 'Ivers', 'Juniper', 'Kestrel', 'Larkspur', 'Merriweather', 'Northcott', 'Oakhurst', 'Pemberton', 'Quillon', 'Redfern', 'Stillwater', 'Thistlewood'];

const ABSENCE_CATEGORY: Record<Absence['type'], string> = {
  vacation: 'leave', sick: 'leave', parental: 'leave', medical: 'leave', caregiver: 'leave', bereavement: 'leave', wellness: 'leave',
  conference: 'education', education: 'education', interview: 'education',
  military_duty: 'duty', tdy: 'duty', deployment: 'duty',
  other: 'other',
};

function pgyBand(p: Person): string | null {
  if (p.pgy === null) return null;
  return p.pgy >= 4 ? 'PGY-4+' : `PGY-${p.pgy}`;
}

function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

export interface DeidDeps {
  store: ScheduleStore;
  audit: AuditLog;
  clock: Clock;
  ids: IdGenerator;
}

export interface DeidOutput {
  fileName: string;
  data: string;
  manifest: DeidManifest;
}

export function deidExport(deps: DeidDeps, actor: AuditActor, req: DeidExportRequest): DeidOutput {
  const { store } = deps;
  const key = randomBytes(32);
  try {
    const pseudo = (id: string): string => `P-${createHmac('sha256', key).update(id, 'utf8').digest('base64url').slice(0, 16)}`;
    const people = store.people.all();
    const realNames = new Set(people.map((p) => p.displayName.trim().toLowerCase()));

    // k-anonymity on the quasi-identifiers.
    type Row = { person: Person; qi: { kind: string | null; pgyBand: string | null; specialty: string | null } };
    const rows: Row[] = people.map((p) => ({ person: p, qi: { kind: p.kind, pgyBand: pgyBand(p), specialty: p.specialty } }));
    const groupKey = (r: Row): string => QUASI_IDENTIFIERS.map((q) => String(r.qi[q])).join('\u0000');
    const sizes = new Map<string, number>();
    for (const r of rows) sizes.set(groupKey(r), (sizes.get(groupKey(r)) ?? 0) + 1);
    let suppressed = 0;
    for (const r of rows) {
      if ((sizes.get(groupKey(r)) ?? 0) < req.k) {
        r.qi = { kind: null, pgyBand: null, specialty: null };
        suppressed++;
      }
    }
    const kept = suppressed > 0 && suppressed < req.k ? rows.filter((r) => r.qi.kind !== null) : rows;
    const dropped = rows.length - kept.length;
    const keptIds = new Set(kept.map((r) => r.person.id));

    // Per-person whole-week shift (never zero) and a shifted origin for day numbers.
    const shift = new Map<string, number>();
    for (const r of kept) {
      const weeks = randomInt(1, req.maxShiftWeeks + 1) * (randomInt(0, 2) === 0 ? -1 : 1);
      shift.set(r.person.id, weeks * 7);
    }
    let origin = Number.POSITIVE_INFINITY;
    const shifted = (personId: string, date: string): number => dayNumber(date) + (shift.get(personId) ?? 0);

    const include = new Set<DeidEntity>(req.entities);
    const usedNames = new Set<string>();
    const synthetic = (p: string): string => {
      const h = createHash('sha256').update(p).digest();
      for (let i = 0; ; i++) {
        const name = `${FIRST[((h[0] ?? 0) + i) % FIRST.length]} ${LAST[((h[1] ?? 0) + i * 7) % LAST.length]}${i >= FIRST.length ? ` ${i}` : ''}`;
        if (!realNames.has(name.toLowerCase()) && !usedNames.has(name)) {
          usedNames.add(name);
          return name;
        }
      }
    };

    const out: Record<string, unknown[]> = {};
    if (include.has('people')) {
      out.people = kept.map((r) => {
        const id = pseudo(r.person.id);
        return {
          id,
          displayName: synthetic(id),
          kind: r.qi.kind,
          pgyBand: r.qi.pgyBand,
          specialty: r.qi.specialty,
          trainingStartYear: r.person.trainingStart ? r.person.trainingStart.slice(0, 4) : null,
          trainingEndYear: r.person.trainingEnd ? r.person.trainingEnd.slice(0, 4) : null,
          active: r.person.active,
        };
      });
    }
    const blocks = new Map(store.blocks.all().map((b) => [b.id, b.number]));
    const rotations = new Map(store.rotations.all().map((r) => [r.id, r.shortName]));
    const shiftTypes = new Map(store.shiftTypes.all().map((t) => [t.id, { shortName: t.shortName, kind: t.kind }]));
    if (include.has('blockAssignments')) {
      out.blockAssignments = store.blockAssignments
        .all()
        .filter((a) => keptIds.has(a.personId))
        .map((a) => ({ personId: pseudo(a.personId), block: blocks.get(a.blockId) ?? null, rotation: rotations.get(a.rotationId) ?? null, pinned: a.pinned }));
    }
    const dated: Array<{ rec: Record<string, unknown>; days: Array<[string, number]> }> = [];
    if (include.has('shiftAssignments')) {
      for (const s of store.shiftAssignments.all()) {
        if (!keptIds.has(s.personId)) continue;
        const d = shifted(s.personId, s.date);
        origin = Math.min(origin, d);
        const t = shiftTypes.get(s.shiftTypeId);
        dated.push({ rec: { personId: pseudo(s.personId), shiftType: t?.shortName ?? null, kind: t?.kind ?? null }, days: [['day', d]] });
      }
    }
    const absences: typeof dated = [];
    if (include.has('absences')) {
      for (const a of store.absences.all()) {
        if (!keptIds.has(a.personId)) continue;
        const s = shifted(a.personId, a.startDate);
        const e = shifted(a.personId, a.endDate);
        origin = Math.min(origin, s);
        absences.push({ rec: { personId: pseudo(a.personId), category: ABSENCE_CATEGORY[a.type], status: a.status, excludeFromAveraging: a.excludeFromAveraging }, days: [['startDay', s], ['endDay', e]] });
      }
    }
    // The origin is a random number of weeks before the earliest shifted date, so day numbers do
    // not reveal how far the earliest record sits from the start of the data either.
    const base = Number.isFinite(origin) ? origin - 7 * randomInt(0, 8) : 0;
    const finish = (list: typeof dated): unknown[] => list.map(({ rec, days }) => ({ ...rec, ...Object.fromEntries(days.map(([k, d]) => [k, d - base])) }));
    if (include.has('shiftAssignments')) out.shiftAssignments = finish(dated);
    if (include.has('absences')) out.absences = finish(absences);

    const strategies = req.entities.flatMap((entity) =>
      Object.entries(DEID_POLICY[entity]).map(([field, p]) => ({ entity, field, strategy: p.strategy, detail: p.detail })),
    );
    strategies.push({ entity: 'people', field: QUASI_IDENTIFIERS.join('+'), strategy: 'suppress_small_cells', detail: `groups smaller than k=${req.k} blanked, then dropped if still smaller` });
    const counts = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.length]));
    const now = deps.clock.now();
    const data = JSON.stringify({ format: 'rsched-deidentified/1', purpose: req.purpose, ...out }, null, 1);
    const manifest: DeidManifest = {
      exportId: deps.ids.id(),
      purpose: req.purpose,
      month: now.toISOString().slice(0, 7),
      k: req.k,
      maxShiftWeeks: req.maxShiftWeeks,
      quasiIdentifiers: [...QUASI_IDENTIFIERS],
      strategies,
      counts,
      suppressedPeople: suppressed,
      droppedPeople: dropped,
      pseudonymKey: 'random per export, discarded',
      dataSha256: createHash('sha256').update(data, 'utf8').digest('hex'),
    };
    // The anonymization audit entry: the manifest's facts as details (each value is short), its hash
    // binding the whole manifest.
    const perEntity = Object.fromEntries(
      req.entities.map((entity) => [`strategies_${entity}`, Object.entries(DEID_POLICY[entity]).map(([f, p]) => `${f}=${p.strategy}`).join(';')]),
    );
    recordRead(store.db, deps.audit, actor, {
      action: 'deid.export',
      resourceType: 'deid_export',
      resourceId: manifest.exportId,
      details: {
        purpose: req.purpose,
        k: req.k,
        maxShiftWeeks: req.maxShiftWeeks,
        quasiIdentifiers: QUASI_IDENTIFIERS.join('+'),
        suppressedPeople: suppressed,
        droppedPeople: dropped,
        ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [`count_${k}`, v])),
        ...perEntity,
        manifestSha256: createHash('sha256').update(canonicalJson(manifest), 'utf8').digest('hex'),
        dataSha256: manifest.dataSha256,
      },
    });
    return { fileName: `deidentified-${req.purpose}-${manifest.month}.json`, data, manifest };
  } finally {
    key.fill(0);
  }
}
