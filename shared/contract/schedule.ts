import { z } from 'zod';
import { restricted, subjectRecord } from '../accounts/field-policy';
import { Id, LocalDate, LongText } from '../domain/common';
import {
  AbsenceFields, AbsenceType, AcademicYear, Block, BlockAssignment, CoverageRequirement, Credential, CurriculumRequirement, ScheduleRequest, CurriculumRequirement as Requirement,
  PersonFields, ProgramSettings, RotationFields, ShiftAssignment, ShiftType,
} from '../domain/schedule';
import { defineCall } from './define';

const empty = z.object({}).strict();
const byId = z.object({ id: Id }).strict();
const done = z.object({ ok: z.literal(true) }).strict();

/** What a viewer gets of an absence: reason, notes and location only for roles that may see them, or the person themself. */
export const AbsenceView = subjectRecord(
  AbsenceFields.extend({
    reason: restricted(AbsenceFields.shape.reason, 'absence-detail'),
    notes: restricted(AbsenceFields.shape.notes, 'absence-detail'),
    location: restricted(AbsenceFields.shape.location, 'absence-detail'),
  }).strict(),
  'personId',
);

const AbsenceInput = AbsenceFields.extend({ id: Id.optional() }).strict();

export const ComplianceFinding = z
  .object({
    key: z.string(),
    ruleId: z.string(),
    source: z.enum(['acgme', 'program']),
    verdict: z.enum(['violation', 'advisory']),
    personId: Id.nullable(),
    rotationId: Id.nullable(),
    blockId: Id.nullable(),
    period: z.tuple([LocalDate, LocalDate]).nullable(),
    citations: z.object({ cpr2023: z.string(), cpr2025: z.string() }).strict().nullable(),
    values: z.record(z.string(), z.number().nullable()),
    explanation: z.string(),
    acknowledged: z.object({ by: Id, at: z.string(), reason: z.string() }).strict().nullable(),
  })
  .strict();

export const scheduleCalls = {
  'program.get': defineCall({ input: empty, output: ProgramSettings, access: 'session', mutates: false, summary: 'Program name, time zone and rule set.' }),
  'program.update': defineCall({ input: z.object({ settings: ProgramSettings }).strict(), output: ProgramSettings, access: 'settings.manage', mutates: true, summary: 'Change program settings.' }),

  'years.list': defineCall({
    input: empty,
    output: z.array(z.object({ year: AcademicYear, blocks: z.array(Block) }).strict()),
    access: 'schedule.read',
    mutates: false,
    summary: 'Academic years with their blocks.',
  }),
  'years.create': defineCall({
    input: z
      .object({
        label: z.string().trim().min(1).max(60),
        startDate: LocalDate,
        blockCount: z.number().int().min(1).max(26).default(13),
        blockDays: z.number().int().min(7).max(56).default(28),
        halfBlocks: z.boolean().default(false),
      })
      .strict(),
    output: z.object({ year: AcademicYear, blocks: z.array(Block) }).strict(),
    access: 'schedule.edit',
    mutates: true,
    summary: 'Create an academic year cut into blocks (13 four-week blocks by default).',
  }),

  'people.list': defineCall({ input: empty, output: z.array(PersonFields), access: 'people.read', mutates: false, summary: 'The people directory.' }),
  'people.save': defineCall({ input: PersonFields.omit({ id: true }).extend({ id: Id.optional() }).strict(), output: PersonFields, access: 'people.edit', mutates: true, summary: 'Create or update a person.' }),
  'people.remove': defineCall({ input: byId, output: done, access: 'people.edit', mutates: true, summary: 'Delete a person with no assignments.' }),

  'credentials.list': defineCall({ input: z.object({ personId: Id.optional() }).strict(), output: z.array(Credential), access: 'people.read', mutates: false, summary: 'Credentials and certifications with their validity.' }),
  'credentials.save': defineCall({ input: Credential.omit({ id: true }).extend({ id: Id.optional() }).strict(), output: Credential, access: 'people.edit', mutates: true, summary: 'Record or update a credential or certification.' }),
  'credentials.remove': defineCall({ input: byId, output: done, access: 'people.edit', mutates: true, summary: 'Delete a credential.' }),

  'coverage.list': defineCall({ input: empty, output: z.array(CoverageRequirement), access: 'schedule.read', mutates: false, summary: 'Shift coverage per day, with the senior mix.' }),
  'coverage.save': defineCall({ input: CoverageRequirement.omit({ id: true }).extend({ id: Id.optional() }).strict(), output: CoverageRequirement, access: 'schedule.edit', mutates: true, summary: 'Create or update a shift coverage requirement.' }),
  'coverage.remove': defineCall({ input: byId, output: done, access: 'schedule.edit', mutates: true, summary: 'Delete a shift coverage requirement.' }),

  'requests.list': defineCall({ input: z.object({ personId: Id.optional() }).strict(), output: z.array(ScheduleRequest), access: 'schedule.read', mutates: false, summary: 'Requests and preferences (days off, wanted shifts or rotations).' }),
  'requests.save': defineCall({
    input: ScheduleRequest.omit({ id: true }).extend({ id: Id.optional() }).strict(),
    output: ScheduleRequest,
    // Own requests need absence.request, anyone else's schedule.edit: the handler checks which.
    access: 'session',
    mutates: true,
    summary: "Record a request or preference: one's own, or anyone's for a schedule editor.",
  }),
  'requests.remove': defineCall({ input: byId, output: done, access: 'session', mutates: true, summary: "Withdraw a request: one's own, or anyone's for a schedule editor." }),

  'rotations.list': defineCall({ input: empty, output: z.array(RotationFields), access: 'schedule.read', mutates: false, summary: 'Rotations.' }),
  'rotations.save': defineCall({ input: RotationFields.omit({ id: true }).extend({ id: Id.optional() }).strict(), output: RotationFields, access: 'schedule.edit', mutates: true, summary: 'Create or update a rotation.' }),
  'rotations.remove': defineCall({ input: byId, output: done, access: 'schedule.edit', mutates: true, summary: 'Delete an unused rotation.' }),

  'shiftTypes.list': defineCall({ input: empty, output: z.array(ShiftType), access: 'schedule.read', mutates: false, summary: 'Shift types.' }),
  'shiftTypes.save': defineCall({ input: ShiftType.omit({ id: true }).extend({ id: Id.optional() }).strict(), output: ShiftType, access: 'schedule.edit', mutates: true, summary: 'Create or update a shift type.' }),
  'shiftTypes.remove': defineCall({ input: byId, output: done, access: 'schedule.edit', mutates: true, summary: 'Delete an unused shift type.' }),

  'requirements.list': defineCall({ input: empty, output: z.array(CurriculumRequirement), access: 'schedule.read', mutates: false, summary: 'Curriculum requirements.' }),
  'requirements.save': defineCall({ input: Requirement.omit({ id: true }).extend({ id: Id.optional() }).strict(), output: Requirement, access: 'schedule.edit', mutates: true, summary: 'Create or update a curriculum requirement.' }),
  'requirements.remove': defineCall({ input: byId, output: done, access: 'schedule.edit', mutates: true, summary: 'Delete a curriculum requirement.' }),

  'assignments.list': defineCall({ input: z.object({ yearId: Id }).strict(), output: z.array(BlockAssignment), access: 'schedule.read', mutates: false, summary: 'Block assignments of a year.' }),
  'assignments.set': defineCall({
    input: z.object({ personId: Id, blockId: Id, rotationId: Id.nullable(), pinned: z.boolean().optional() }).strict(),
    output: z.object({ assignment: BlockAssignment.nullable() }).strict(),
    access: 'schedule.edit',
    mutates: true,
    summary: 'Put a person on a rotation for a block, or clear the cell.',
  }),
  'assignments.setMany': defineCall({
    input: z.object({ items: z.array(z.object({ personId: Id, blockId: Id, rotationId: Id.nullable(), pinned: z.boolean().optional() }).strict()).min(1).max(5000) }).strict(),
    output: z.object({ changed: z.number().int() }).strict(),
    access: 'schedule.edit',
    mutates: true,
    summary: 'Several block assignments as one change set (bulk assign, paste, undo).',
  }),

  'shifts.list': defineCall({ input: z.object({ from: LocalDate, to: LocalDate }).strict(), output: z.array(ShiftAssignment), access: 'schedule.read', mutates: false, summary: 'Shift assignments in a date range.' }),
  'shifts.assign': defineCall({
    input: z.object({ personId: Id, shiftTypeId: Id, date: LocalDate, disambiguation: z.enum(['earlier', 'later']).optional() }).strict(),
    output: ShiftAssignment,
    access: 'schedule.edit',
    mutates: true,
    summary: 'Assign a person to a shift on a date.',
  }),
  'shifts.unassign': defineCall({ input: byId, output: done, access: 'schedule.edit', mutates: true, summary: 'Remove a shift assignment.' }),

  'absences.list': defineCall({ input: z.object({ personId: Id.optional() }).strict(), output: z.array(AbsenceView), access: 'schedule.read', mutates: false, summary: 'Absences; details only where the role or the person may see them.' }),
  'absences.get': defineCall({ input: byId, output: AbsenceView, access: 'schedule.read', mutates: false, summary: 'One absence with its details (an audited read).' }),
  'absences.save': defineCall({ input: AbsenceInput, output: AbsenceView, access: 'absence.approve', mutates: true, summary: 'Create or update an absence for anyone.' }),
  'absences.request': defineCall({
    input: z.object({ type: AbsenceType, startDate: LocalDate, endDate: LocalDate, reason: LongText.nullable(), notes: LongText.nullable(), location: z.string().max(200).nullable() }).strict(),
    output: AbsenceView,
    access: 'absence.request',
    mutates: true,
    summary: 'Request leave for oneself.',
  }),
  'absences.decide': defineCall({ input: z.object({ id: Id, decision: z.enum(['approved', 'denied']), reason: z.string().max(500).nullable() }).strict(), output: AbsenceView, access: 'absence.approve', mutates: true, summary: 'Approve or deny a requested absence.' }),
  'absences.remove': defineCall({ input: byId, output: done, access: 'absence.approve', mutates: true, summary: 'Delete an absence.' }),

  'compliance.check': defineCall({
    input: z.object({ yearId: Id }).strict(),
    output: z.object({ findings: z.array(ComplianceFinding), checkedAt: z.string(), people: z.number().int(), ms: z.number() }).strict(),
    access: 'compliance.read',
    mutates: false,
    summary: 'ACGME and program-rule findings for a year, with acknowledgements.',
  }),
  'compliance.acknowledge': defineCall({
    input: z.object({ key: z.string().min(3).max(300), reason: z.string().trim().min(5).max(1000) }).strict(),
    output: done,
    access: 'compliance.acknowledge',
    mutates: true,
    summary: 'Acknowledge a violation with a reason; it stays listed as acknowledged.',
  }),
} as const;
