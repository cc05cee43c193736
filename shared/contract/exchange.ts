import { z } from 'zod';
import { Id } from '../domain/common';
import { ImportKind, PreviewRow } from '../exchange/import-fields';
import { Swap } from '../exchange/swaps';
import { ScheduleSnapshot, VersionDiff } from '../exchange/versions';
import { defineCall } from './define';

/**
 * Import, export, publishing and swaps (docs/import-export.md). File bytes cross the bridge as
 * base64: the renderer reads the file the user picked, the core checks the bytes themselves
 * (never the file name) and refuses anything it does not recognise.
 */

/** 5 MiB of file, as base64 (4 characters per 3 bytes). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const MAX_BASE64_CHARS = Math.ceil(MAX_IMPORT_BYTES / 3) * 4;

export const IMPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export const EXPORT_FORMATS = ['xlsx', 'csv', 'ics', 'pdf'] as const;

const ImportCounts = z
  .object({ new: z.number().int(), update: z.number().int(), unchanged: z.number().int(), unmatched: z.number().int(), invalid: z.number().int() })
  .strict();

export const ImportPreview = z
  .object({
    previewId: Id,
    kind: ImportKind,
    format: z.enum(IMPORT_FORMATS),
    /** The sheet read from a workbook (null for CSV and JSON). */
    sheet: z.string().nullable(),
    /** 'long' = one row per record; 'grid' = a person per row and a block per column. */
    layout: z.enum(['long', 'grid']),
    headers: z.array(z.string()),
    /** Field -> header actually used (after fuzzy matching and overrides). */
    mapping: z.record(z.string(), z.string()),
    rows: z.array(PreviewRow),
    counts: ImportCounts,
    expiresAt: z.string(),
  })
  .strict();

export const VersionInfo = z
  .object({
    yearId: Id,
    number: z.number().int().min(1),
    publishedAt: z.string(),
    publishedBy: Id,
    note: z.string().nullable(),
    /** Set when this version was a rollback: the earlier version it restored. */
    restoredFrom: z.number().int().nullable(),
    assignments: z.number().int(),
    shifts: z.number().int(),
    diff: VersionDiff,
  })
  .strict();

const SwapInput = z
  .object({
    kind: z.enum(['block', 'shift']),
    counterpartPersonId: Id,
    /** Block swaps: the block whose rotations the two people exchange. */
    blockId: Id.optional(),
    /** Shift swaps: the requester's own shift, and optionally the counterpart's shift taken in return. */
    shiftId: Id.optional(),
    counterpartShiftId: Id.optional(),
  })
  .strict();

export const exchangeCalls = {
  'import.preview': defineCall({
    input: z
      .object({
        kind: ImportKind,
        dataBase64: z.string().min(1).max(MAX_BASE64_CHARS),
        /** Needed for block assignments: the academic year whose blocks the file names. */
        yearId: Id.optional(),
        /** Field -> header, replacing the fuzzy match for that field. */
        mapping: z.record(z.string().max(40), z.string().max(200)).optional(),
        /** A workbook's sheet to read; by default the first with recognisable headers. */
        sheet: z.string().max(100).optional(),
      })
      .strict(),
    output: ImportPreview,
    access: 'schedule.edit',
    mutates: false,
    summary: 'Check an import file (CSV, XLSX, JSON) and list each row as new, update, unchanged, unmatched or invalid; writes nothing.',
  }),
  'import.confirm': defineCall({
    input: z.object({ previewId: Id }).strict(),
    output: z.object({ kind: ImportKind, created: z.number().int(), updated: z.number().int(), skipped: z.number().int() }).strict(),
    access: 'schedule.edit',
    mutates: true,
    summary: 'Apply a previewed import as one audited change set.',
  }),
  'export.schedule': defineCall({
    input: z
      .object({
        yearId: Id,
        format: z.enum(EXPORT_FORMATS),
        /** blocks = rotations per block; calls = call and shift list; all = both. */
        content: z.enum(['blocks', 'calls', 'all']).default('all'),
        /** iCalendar and CSV may be narrowed to one person or one rotation. */
        personId: Id.optional(),
        rotationId: Id.optional(),
        /** A published version instead of the draft. */
        version: z.number().int().min(1).optional(),
        paper: z.enum(['a4', 'letter']).default('letter'),
      })
      .strict(),
    output: z.object({ fileName: z.string(), mimeType: z.string(), dataBase64: z.string() }).strict(),
    access: 'export.schedule',
    mutates: false,
    summary: 'Export a block and call schedule to XLSX, CSV, iCalendar or PDF (audited, filtered by role).',
  }),
  'versions.list': defineCall({ input: z.object({ yearId: Id }).strict(), output: z.array(VersionInfo), access: 'schedule.read', mutates: false, summary: 'Published versions of a year, newest first, with their diffs.' }),
  'versions.get': defineCall({
    input: z.object({ yearId: Id, number: z.number().int().min(1) }).strict(),
    output: z.object({ info: VersionInfo, snapshot: ScheduleSnapshot }).strict(),
    access: 'schedule.read',
    mutates: false,
    summary: 'One published version in full.',
  }),
  'versions.diff': defineCall({
    input: z.object({ yearId: Id }).strict(),
    output: z.object({ against: z.number().int().nullable(), diff: VersionDiff, needsConfirmation: z.boolean() }).strict(),
    access: 'schedule.read',
    mutates: false,
    summary: 'What publishing the draft now would change against the latest version.',
  }),
  'versions.publish': defineCall({
    input: z.object({ yearId: Id, note: z.string().trim().max(500).optional(), confirmChurn: z.boolean().default(false) }).strict(),
    output: VersionInfo,
    access: 'schedule.publish',
    mutates: true,
    summary: 'Publish the draft as a new immutable version (asks for confirmation above the churn limits).',
  }),
  'versions.rollback': defineCall({
    input: z.object({ yearId: Id, toNumber: z.number().int().min(1), reason: z.string().trim().min(5).max(500), confirmChurn: z.boolean().default(false) }).strict(),
    output: VersionInfo,
    access: 'schedule.publish',
    mutates: true,
    summary: 'Restore an earlier version: the draft becomes it and it is published again as a new version.',
  }),
  'published.list': defineCall({
    input: z.object({}).strict(),
    output: z.array(z.object({ yearId: Id, yearLabel: z.string(), number: z.number().int(), publishedAt: z.string() }).strict()),
    access: 'schedule.read_published',
    mutates: false,
    summary: 'Years with a published schedule (clinical staff).',
  }),
  'published.get': defineCall({
    input: z.object({ yearId: Id }).strict(),
    output: z.object({ number: z.number().int(), publishedAt: z.string(), snapshot: ScheduleSnapshot }).strict(),
    access: 'schedule.read_published',
    mutates: false,
    summary: 'The latest published schedule of a year (clinical staff never see the draft).',
  }),
  'swaps.request': defineCall({ input: SwapInput, output: Swap, access: 'absence.request', mutates: true, summary: 'Ask a colleague to swap a block or a shift (checked for compliance first).' }),
  'swaps.respond': defineCall({ input: z.object({ id: Id, accept: z.boolean() }).strict(), output: Swap, access: 'absence.request', mutates: true, summary: 'The counterpart accepts or declines a swap.' }),
  'swaps.cancel': defineCall({ input: z.object({ id: Id }).strict(), output: Swap, access: 'absence.request', mutates: true, summary: 'The requester withdraws an open swap.' }),
  'swaps.decide': defineCall({
    input: z.object({ id: Id, decision: z.enum(['approved', 'denied']), reason: z.string().trim().max(500).optional() }).strict(),
    output: Swap,
    access: 'absence.approve',
    mutates: true,
    summary: 'Approve (after a compliance check, then applied to the draft) or deny an accepted swap.',
  }),
  'swaps.list': defineCall({
    input: z.object({ open: z.boolean().default(false) }).strict(),
    output: z.array(Swap),
    access: 'schedule.read',
    mutates: false,
    summary: 'Swaps: all for approvers, one\'s own for everyone else.',
  }),
} as const;
