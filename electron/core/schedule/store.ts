import type { Database } from 'better-sqlite3-multiple-ciphers';
import {
  Absence, AcademicYear, Block, BlockAssignment, Credential, CurriculumRequirement, Person, ProgramSettings,
  Rotation, ShiftAssignment, ShiftType, CoverageRequirement, ScheduleRequest,
} from '../../../shared/domain/schedule';
import { z } from 'zod';
import { Collection } from './collection';

export const ViolationAcknowledgement = z
  .object({
    id: z.string(),
    violationKey: z.string(),
    reason: z.string(),
    acknowledgedBy: z.string(),
    acknowledgedAt: z.string(),
  })
  .strict();
export type ViolationAcknowledgement = z.infer<typeof ViolationAcknowledgement>;

/** Every scheduling table of one open vault. */
export function openScheduleStore(db: Database) {
  return {
    db,
    years: new Collection(db, { table: 'academic_years', schema: AcademicYear, keyColumns: ['start_date', 'end_date'], columns: (y) => ({ start_date: y.startDate, end_date: y.endDate }) }),
    blocks: new Collection(db, { table: 'blocks', schema: Block, keyColumns: ['academic_year_id', 'start_date', 'end_date'], columns: (b) => ({ academic_year_id: b.academicYearId, start_date: b.startDate, end_date: b.endDate }) }),
    rotations: new Collection(db, { table: 'rotations', schema: Rotation, keyColumns: [], columns: () => ({}) }),
    people: new Collection(db, { table: 'people', schema: Person, keyColumns: [], columns: () => ({}) }),
    credentials: new Collection(db, { table: 'credentials', schema: Credential, keyColumns: ['person_id'], columns: (c) => ({ person_id: c.personId }) }),
    shiftTypes: new Collection(db, { table: 'shift_types', schema: ShiftType, keyColumns: [], columns: () => ({}) }),
    blockAssignments: new Collection(db, {
      table: 'block_assignments', schema: BlockAssignment, keyColumns: ['person_id', 'block_id', 'rotation_id'],
      columns: (a) => ({ person_id: a.personId, block_id: a.blockId, rotation_id: a.rotationId }),
    }),
    shiftAssignments: new Collection(db, {
      table: 'shift_assignments', schema: ShiftAssignment, keyColumns: ['person_id', 'shift_type_id', 'date'],
      columns: (a) => ({ person_id: a.personId, shift_type_id: a.shiftTypeId, date: a.date }),
    }),
    absences: new Collection(db, {
      table: 'absences', schema: Absence, keyColumns: ['person_id', 'start_date', 'end_date'],
      columns: (a) => ({ person_id: a.personId, start_date: a.startDate, end_date: a.endDate }),
    }),
    coverage: new Collection(db, { table: 'coverage_requirements', schema: CoverageRequirement, keyColumns: ['shift_type_id'], columns: (c) => ({ shift_type_id: c.shiftTypeId }) }),
    requests: new Collection(db, { table: 'schedule_requests', schema: ScheduleRequest, keyColumns: ['person_id', 'start_date'], columns: (r) => ({ person_id: r.personId, start_date: r.startDate }) }),
    curriculum: new Collection(db, { table: 'curriculum_requirements', schema: CurriculumRequirement, keyColumns: [], columns: () => ({}) }),
    acknowledgements: new Collection(db, { table: 'violation_acknowledgements', schema: ViolationAcknowledgement, keyColumns: ['violation_key'], columns: (a) => ({ violation_key: a.violationKey }) }),
    settings: {
      get(): ProgramSettings | null {
        const raw = db.prepare('SELECT data FROM program_settings WHERE id = 1').pluck().get();
        return raw === undefined ? null : ProgramSettings.parse(JSON.parse(String(raw)));
      },
      put(settings: ProgramSettings): void {
        const valid = ProgramSettings.parse(settings);
        db.prepare('INSERT INTO program_settings (id, data) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data').run(JSON.stringify(valid));
      },
    },
  };
}
export type ScheduleStore = ReturnType<typeof openScheduleStore>;
