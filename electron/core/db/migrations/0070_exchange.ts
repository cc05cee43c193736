import type { Migration } from '../migration';

/**
 * Publishing and swaps (docs/import-export.md).
 * - schedule_version: one row per published version of an academic year; `data` is the frozen
 *   ScheduleSnapshot JSON, `info` the version's metadata and diff. Versions are immutable: the
 *   triggers refuse any UPDATE or DELETE, so a rollback can only add a newer version.
 * - swap_request: swap requests and their steps; `data` is the Swap JSON (ids, statuses, times).
 */
export const migration0070Exchange: Migration = {
  version: 70,
  name: 'schedule versions and swaps',
  up(db) {
    db.exec(`
      CREATE TABLE schedule_version (
        id TEXT PRIMARY KEY,
        year_id TEXT NOT NULL REFERENCES academic_years(id),
        number INTEGER NOT NULL,
        published_at TEXT NOT NULL,
        info TEXT NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (year_id, number)
      ) STRICT;
      CREATE TRIGGER schedule_version_no_update BEFORE UPDATE ON schedule_version
        BEGIN SELECT RAISE(ABORT, 'schedule versions are immutable'); END;
      CREATE TRIGGER schedule_version_no_delete BEFORE DELETE ON schedule_version
        BEGIN SELECT RAISE(ABORT, 'schedule versions are immutable'); END;
      CREATE TABLE swap_request (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        requester_person_id TEXT NOT NULL,
        counterpart_person_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        data TEXT NOT NULL
      ) STRICT;
      CREATE INDEX swap_request_by_status ON swap_request (status, created_at);
    `);
  },
};
