import type { Migration } from '../migration';

/** Shift coverage per day (with a senior mix) and people's requests and preferences. */
export const migration0031CoverageRequests: Migration = {
  version: 31,
  name: 'shift coverage requirements and schedule requests',
  up(db) {
    db.exec(`
      CREATE TABLE coverage_requirements (
        id TEXT PRIMARY KEY,
        shift_type_id TEXT NOT NULL REFERENCES shift_types(id) ON DELETE RESTRICT,
        data TEXT NOT NULL) STRICT;
      CREATE TABLE schedule_requests (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES people(id) ON DELETE RESTRICT,
        start_date TEXT NOT NULL,
        data TEXT NOT NULL) STRICT;
      CREATE INDEX schedule_requests_by_person ON schedule_requests(person_id, start_date);
    `);
  },
};
