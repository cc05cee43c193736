import type { Database } from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../clock';
import type { Migration } from './migration';
import { MIGRATIONS } from './migrations/index';

/**
 * The migration runner.
 *
 * Versions are reserved in ranges per module (vault 1-9, audit 10-19, ...), so the list has gaps
 * and a module may later add, say, version 2 after version 10 already ran on a vault. A single
 * counter cannot express that; `schema_migrations` records every applied version and the runner
 * applies each known version not yet recorded, in ascending order. `PRAGMA user_version` mirrors
 * the highest applied version (it lives in the header, handy for tools).
 *
 * - forward-only: no down(). A vault holding any version this code does not know (or a higher
 *   user_version) was written by newer code: VAULT_TOO_NEW, raised BEFORE anything is written, so
 *   the file stays byte-identical for the newer app;
 * - transactional: each migration, its bookkeeping row and the user_version bump commit together
 *   (BEGIN IMMEDIATE), so a crash leaves the vault before or after a step, never inside one.
 */
export interface MigrationReport {
  from: number;
  to: number;
  applied: Array<{ version: number; name: string }>;
}

/** Returns the list sorted by version; refuses duplicates and non-positive or fractional versions. */
export function validateMigrationList(migrations: readonly Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  let prev = 0;
  for (const m of sorted) {
    if (!Number.isInteger(m.version) || m.version <= prev) {
      throw new Error(`migration versions must be distinct positive integers (${m.version} after ${prev})`);
    }
    prev = m.version;
  }
  return sorted;
}

export function schemaVersion(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function appliedVersions(db: Database): number[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!exists) return [];
  return db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];
}

/** Throws VAULT_TOO_NEW when the database holds migrations this code does not know. Reads only. */
export function assertNotTooNew(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const known = new Set(migrations.map((m) => m.version));
  const maxKnown = Math.max(0, ...known);
  const applied = appliedVersions(db);
  const unknown = applied.filter((v) => !known.has(v));
  const header = schemaVersion(db);
  if (unknown.length > 0 || header > maxKnown) {
    throw new AppError('VAULT_TOO_NEW', undefined, { details: { vaultSchema: Math.max(header, ...applied), knownSchema: maxKnown } });
  }
  return applied;
}

export function runMigrations(db: Database, opts: { clock: Clock; migrations?: readonly Migration[] }): MigrationReport {
  const migrations = validateMigrationList(opts.migrations ?? MIGRATIONS);
  const from = schemaVersion(db);
  const done = new Set(assertNotTooNew(db, migrations));
  const applied: MigrationReport['applied'] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    const step = db.transaction(() => {
      // Re-check inside the write lock: another connection may have migrated meanwhile.
      if (new Set(appliedVersions(db)).has(m.version)) return;
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, opts.clock.now().toISOString());
      // PRAGMAs take no bound parameters; the value is an integer we validated.
      db.pragma(`user_version = ${Math.max(schemaVersion(db), Math.trunc(m.version))}`);
      applied.push({ version: m.version, name: m.name });
    });
    step.immediate();
  }
  return { from, to: schemaVersion(db), applied };
}
