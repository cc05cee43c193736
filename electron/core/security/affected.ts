import type { Database } from 'better-sqlite3-multiple-ciphers';
import { EXPORT_ACTION_PREFIX } from './detect';

/**
 * The individuals affected by an incident, computed from the audit log: every person record that
 * the given users read, changed or otherwise touched (entries with a subject) within the window,
 * plus everyone in the people directory if one of them exported identifiable data in the window
 * (an export's entry holds counts, not the list, so the whole directory is the honest bound).
 * No users given: every user who acted in the window (a lost or stolen workstation). The window
 * includes both ends.
 */
export interface Affected {
  personIds: string[];
  viaExport: boolean;
  actors: string[];
}

export function affectedIndividuals(db: Database, window: { from: string; to: string }, actorUserIds: readonly string[]): Affected {
  const actors =
    actorUserIds.length > 0
      ? [...new Set(actorUserIds)]
      : (db.prepare('SELECT DISTINCT actor_user_id FROM audit_entry WHERE actor_user_id IS NOT NULL AND time >= ? AND time <= ?').pluck().all(window.from, window.to) as string[]);
  const people = new Set<string>();
  let viaExport = false;
  const subjects = db.prepare('SELECT DISTINCT subject_id FROM audit_entry WHERE actor_user_id = ? AND time >= ? AND time <= ? AND subject_id IS NOT NULL').pluck();
  const exports = db.prepare(`SELECT 1 FROM audit_entry WHERE actor_user_id = ? AND time >= ? AND time <= ? AND action LIKE '${EXPORT_ACTION_PREFIX}%' LIMIT 1`);
  for (const a of actors) {
    for (const s of subjects.all(a, window.from, window.to) as string[]) people.add(s);
    if (exports.get(a, window.from, window.to) !== undefined) viaExport = true;
  }
  if (viaExport) for (const id of db.prepare('SELECT id FROM people').pluck().all() as string[]) people.add(id);
  return { personIds: [...people].sort(), viaExport, actors };
}
