import type { Migration } from '../migration';

/**
 * The scheduling domain. Each record's fields live in a JSON `data` column validated by the shared
 * zod schema on every read and write (one schema, no drift between columns and types); columns beside
 * it exist only for keys, foreign keys, uniqueness and the lookups the grid and the engine need.
 */
export const migration0030Schedule: Migration = {
  version: 30,
  name: 'scheduling domain',
  up(db) {
    db.exec(`
      CREATE TABLE program_settings (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL) STRICT;
      CREATE TABLE academic_years (id TEXT PRIMARY KEY, start_date TEXT NOT NULL, end_date TEXT NOT NULL, data TEXT NOT NULL) STRICT;
      CREATE TABLE blocks (
        id TEXT PRIMARY KEY,
        academic_year_id TEXT NOT NULL REFERENCES academic_years(id) ON DELETE RESTRICT,
        start_date TEXT NOT NULL, end_date TEXT NOT NULL, data TEXT NOT NULL) STRICT;
      CREATE INDEX blocks_by_year ON blocks(academic_year_id, start_date);
      CREATE TABLE rotations (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;
      CREATE TABLE people (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;
      CREATE TABLE credentials (id TEXT PRIMARY KEY, person_id TEXT NOT NULL REFERENCES people(id) ON DELETE RESTRICT, data TEXT NOT NULL) STRICT;
      CREATE INDEX credentials_by_person ON credentials(person_id);
      CREATE TABLE shift_types (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;
      CREATE TABLE block_assignments (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES people(id) ON DELETE RESTRICT,
        block_id TEXT NOT NULL REFERENCES blocks(id) ON DELETE RESTRICT,
        rotation_id TEXT NOT NULL REFERENCES rotations(id) ON DELETE RESTRICT,
        data TEXT NOT NULL,
        UNIQUE (person_id, block_id)) STRICT;
      CREATE INDEX block_assignments_by_block ON block_assignments(block_id, rotation_id);
      CREATE TABLE shift_assignments (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES people(id) ON DELETE RESTRICT,
        shift_type_id TEXT NOT NULL REFERENCES shift_types(id) ON DELETE RESTRICT,
        date TEXT NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (person_id, shift_type_id, date)) STRICT;
      CREATE INDEX shift_assignments_by_date ON shift_assignments(date);
      CREATE INDEX shift_assignments_by_person ON shift_assignments(person_id, date);
      CREATE TABLE absences (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES people(id) ON DELETE RESTRICT,
        start_date TEXT NOT NULL, end_date TEXT NOT NULL,
        data TEXT NOT NULL) STRICT;
      CREATE INDEX absences_by_person ON absences(person_id, start_date);
      CREATE TABLE curriculum_requirements (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;
      CREATE TABLE violation_acknowledgements (
        id TEXT PRIMARY KEY,
        violation_key TEXT NOT NULL UNIQUE,
        data TEXT NOT NULL) STRICT;
    `);
  },
};
