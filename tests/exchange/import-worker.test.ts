import { describe, expect, it } from 'vitest';
import type { PlanContext } from '../../electron/core/exchange/plan/index';
import { planFile } from '../../electron/core/exchange/import/plan-file';
import { planInWorker } from '../../electron/core/exchange/import/run';
import type { Table } from '../../electron/core/exchange/table';
import type { Person } from '../../shared/domain/schedule';
import { AppError } from '../../shared/errors';
import { b64 } from './helpers';

const known: Person = {
  id: 'p-1', displayName: 'Ingrid Vasquez-Holloway', email: 'ingrid@example.org', kind: 'resident', pgy: 1, specialty: 'internal-medicine',
  facultyRoles: [], trainingStart: '2026-07-01', trainingEnd: null, active: true,
};
/** What import.preview hands the worker: plain records of the program, no database. */
const snapshot: PlanContext = { people: [known], rotations: [], absences: [], blocks: [], assignments: [] };

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a refusal');
}

/** import.preview reads and matches the file in a worker thread: the same answer as in-process, typed refusals included. */
describe('import preview in a worker thread', () => {
  it('classifies the rows exactly as the in-process planner does, and hands back the table for confirm', async () => {
    const csv = ['Name,Email,PGY', 'Ingrid Vasquez Holloway,,2', 'Omar Haddad,omar@example.org,1', '=HYPERLINK("http://x"),,1'].join('\n');
    const request = { kind: 'people' as const, dataBase64: b64(csv), overrides: {} };
    const inWorker = await planInWorker(request, snapshot);
    const inProcess = await planFile(request, snapshot);
    expect(inWorker).toEqual(inProcess);
    expect(inWorker.rows.map((r) => r.status)).toEqual(['update', 'new', 'invalid']);
    expect(inWorker.verdicts).toBe('2||update\n3||new\n4||invalid');
    const table = JSON.parse(inWorker.tableJson) as Table;
    expect(table).toMatchObject({ format: 'csv', headers: ['Name', 'Email', 'PGY'] });
    expect(table.rows.map((r) => r.cells[0])).toEqual(['Ingrid Vasquez Holloway', 'Omar Haddad', '=HYPERLINK("http://x")']);
  });

  it('refuses a bad file from the worker with the same typed error, message and field as on the main thread', async () => {
    for (const bytes of ['%PDF-1.7\n', 'Name;PGY\n"unclosed,1\n', 'Who\nX Y\n']) {
      const request = { kind: 'people' as const, dataBase64: b64(bytes), overrides: {} };
      const fromWorker = await refusal(planInWorker(request, snapshot));
      const inProcess = await refusal(planFile(request, snapshot));
      expect(fromWorker).toBeInstanceOf(AppError);
      expect(fromWorker.code).toBe('BAD_INPUT');
      expect({ message: fromWorker.message, issues: fromWorker.issues }).toEqual({ message: inProcess.message, issues: inProcess.issues });
      expect(fromWorker.issues?.[0]?.path).toBe('dataBase64');
    }
  });
});
