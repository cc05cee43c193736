import { z } from 'zod';
import { Colour, Id, LocalDate, LocalTime, LongText, Pgy, ShortText, TimeZone } from './common';

/**
 * The scheduling domain as coordinators speak of it: a program runs academic years cut into blocks;
 * people rotate through rotations block by block and work shifts (call, nights, clinic); absences
 * take them out. Schemas are strict and shared by the renderer's forms and the core's services.
 */

export const RULE_SETS = ['CPR-2023', 'CPR-2025'] as const;
export const RulePack = z.enum(['EM']);

export const ProgramSettings = z
  .object({
    name: ShortText,
    specialty: ShortText,
    timeZone: TimeZone,
    ruleSet: z.enum(RULE_SETS),
    rulePacks: z.array(RulePack).max(4),
    /** Gap (minutes) that still joins two intervals into one work period. */
    workPeriodGapMinutes: z.number().int().min(0).max(120),
  })
  .strict();

export const AcademicYearFields = z
  .object({
    id: Id,
    label: ShortText,
    startDate: LocalDate,
    endDate: LocalDate,
  })
  .strict();
export const AcademicYear = AcademicYearFields.refine((y) => y.endDate > y.startDate, { message: 'must end after it starts', path: ['endDate'] });

export const Block = z
  .object({
    id: Id,
    academicYearId: Id,
    /** 1-13 for standard blocks; half blocks are numbered like 3.1 / 3.2 by label. */
    number: z.number().int().min(1).max(40),
    label: ShortText,
    startDate: LocalDate,
    endDate: LocalDate,
    half: z.enum(['full', 'first', 'second']),
  })
  .strict();

export const RotationSetting = z.enum(['inpatient', 'outpatient', 'icu', 'emergency', 'elective', 'research', 'leave', 'other']);

export const RotationFields = z
  .object({
    id: Id,
    name: ShortText,
    shortName: z.string().trim().min(1).max(8),
    setting: RotationSetting,
    site: z.string().max(120),
    colour: Colour,
    eligiblePgy: z.array(Pgy).min(1).max(10),
    capacityMin: z.number().int().min(0).max(200),
    capacityMax: z.number().int().min(0).max(200),
    requiredCredentials: z.array(ShortText).max(20),
    /** Residents per supervising faculty member (program setting; CPR sets no number). */
    supervisionRatio: z.number().int().min(1).max(20).nullable(),
    /** Review Committee exception: weekly limit 81-88 h with the approval reference. */
    hoursException: z.object({ limitHours: z.number().int().min(81).max(88), approvalRef: ShortText }).strict().nullable(),
    rulePacks: z.array(RulePack).max(4),
    group: z.string().max(60),
  })
  .strict();
export const Rotation = RotationFields.refine((r) => r.capacityMax >= r.capacityMin, { message: 'maximum must be at least the minimum', path: ['capacityMax'] });

export const PersonKind = z.enum(['resident', 'fellow', 'faculty', 'other']);
export const PersonFields = z
  .object({
    id: Id,
    displayName: ShortText,
    email: z.string().email().max(254).nullable(),
    kind: PersonKind,
    pgy: Pgy.nullable(),
    specialty: z.string().max(60),
    facultyRoles: z.array(ShortText).max(10),
    trainingStart: LocalDate.nullable(),
    trainingEnd: LocalDate.nullable(),
    active: z.boolean(),
  })
  .strict();
export const Person = PersonFields.refine((p) => (p.kind === 'resident' || p.kind === 'fellow' ? p.pgy !== null : true), { message: 'residents and fellows need a PGY level', path: ['pgy'] });

export const Credential = z
  .object({
    id: Id,
    personId: Id,
    name: ShortText,
    issuedOn: LocalDate.nullable(),
    expiresOn: LocalDate.nullable(),
  })
  .strict();

export const SHIFT_KINDS = ['clinical', 'inHouseCall', 'nightFloat', 'transition', 'education', 'homeCall', 'homeCallActive', 'moonlightInternal', 'moonlightExternal', 'edClinical'] as const;
export const ShiftKind = z.enum(SHIFT_KINDS);

export const ShiftType = z
  .object({
    id: Id,
    name: ShortText,
    shortName: z.string().trim().min(1).max(8),
    kind: ShiftKind,
    startTime: LocalTime,
    /** Minutes from start (elapsed); may cross midnight, up to 28 h. */
    durationMinutes: z.number().int().min(15).max(28 * 60),
    transitionMinutes: z.number().int().min(0).max(240),
    rotationId: Id.nullable(),
    colour: Colour,
  })
  .strict();

export const BlockAssignment = z
  .object({
    id: Id,
    personId: Id,
    blockId: Id,
    rotationId: Id,
    pinned: z.boolean(),
  })
  .strict();

export const ShiftAssignment = z
  .object({
    id: Id,
    personId: Id,
    shiftTypeId: Id,
    date: LocalDate,
    /** Instants materialized in the program's zone when assigned (UTC ISO). */
    startsAt: z.string().datetime(),
    endsAt: z.string().datetime(),
  })
  .strict();

export const ABSENCE_TYPES = [
  'vacation', 'sick', 'parental', 'medical', 'caregiver', 'bereavement', 'conference', 'education',
  'military_duty', 'tdy', 'deployment', 'interview', 'wellness', 'other',
] as const;
export const AbsenceType = z.enum(ABSENCE_TYPES);
/** Types whose whole days leave the ACGME averaging (numerator and denominator) by default. */
export const EXCLUDED_FROM_AVERAGING_BY_DEFAULT: ReadonlySet<string> = new Set(['vacation', 'sick', 'parental', 'medical', 'caregiver', 'bereavement', 'military_duty', 'tdy', 'deployment']);

export const AbsenceFields = z
  .object({
    id: Id,
    personId: Id,
    type: AbsenceType,
    startDate: LocalDate,
    endDate: LocalDate,
    status: z.enum(['requested', 'approved', 'denied', 'cancelled']),
    excludeFromAveraging: z.boolean(),
    /** PHI / operational security: visible only to admin, PD, coordinator and the person. */
    reason: LongText.nullable(),
    notes: LongText.nullable(),
    location: z.string().max(200).nullable(),
  })
  .strict();
export const Absence = AbsenceFields.refine((a) => a.endDate >= a.startDate, { message: 'must not end before it starts', path: ['endDate'] });

export const CurriculumRequirement = z
  .object({
    id: Id,
    pgy: Pgy,
    rotationGroup: ShortText,
    minBlocks: z.number().int().min(0).max(13),
    maxBlocks: z.number().int().min(0).max(13),
  })
  .strict();

/** How many people a shift needs on a day, and how many of them must be senior (PGY at least N). */
export const CoverageRequirement = z
  .object({
    id: Id,
    shiftTypeId: Id,
    /** ISO weekdays the rule applies to: 1 = Monday ... 7 = Sunday. */
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    min: z.number().int().min(0).max(50),
    max: z.number().int().min(0).max(50),
    seniorPgy: Pgy.nullable(),
    minSenior: z.number().int().min(0).max(50),
  })
  .strict();

/** A person's request or preference: a day off, a wanted shift or a wanted rotation (soft, weighted). */
export const ScheduleRequest = z
  .object({
    id: Id,
    personId: Id,
    kind: z.enum(['day_off', 'shift', 'rotation']),
    startDate: LocalDate,
    endDate: LocalDate,
    shiftTypeId: Id.nullable(),
    rotationId: Id.nullable(),
    /** 1 (nice to have) to 10 (important). */
    weight: z.number().int().min(1).max(10),
  })
  .strict();

export type CoverageRequirement = z.infer<typeof CoverageRequirement>;
export type ScheduleRequest = z.infer<typeof ScheduleRequest>;
export type ProgramSettings = z.infer<typeof ProgramSettings>;
export type AcademicYear = z.infer<typeof AcademicYear>;
export type Block = z.infer<typeof Block>;
export type Rotation = z.infer<typeof Rotation>;
export type Person = z.infer<typeof Person>;
export type Credential = z.infer<typeof Credential>;
export type ShiftType = z.infer<typeof ShiftType>;
export type BlockAssignment = z.infer<typeof BlockAssignment>;
export type ShiftAssignment = z.infer<typeof ShiftAssignment>;
export type Absence = z.infer<typeof Absence>;
export type CurriculumRequirement = z.infer<typeof CurriculumRequirement>;
