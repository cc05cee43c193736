import type { ColumnMapping, ImportKind } from '../../../../shared/exchange/import-fields';
import { mapColumns } from '../../../../shared/exchange/import-fields';
import { refuseFile } from '../sniff';
import type { Table } from '../table';
import { planAbsences } from './absences';
import { planAssignments } from './assignments';
import { RowError, type Plan, type PlanContext } from './common';
import { planPeople } from './people';
import { planRotations } from './rotations';

export type { ImportOp, Plan, PlanContext } from './common';

/** Maps the columns, then classifies every row against the program as it is now. Pure. */
export function planImport(kind: ImportKind, table: Table, overrides: ColumnMapping, ctx: PlanContext): Plan & { mapping: ColumnMapping } {
  const { mapping, missing } = mapColumns(kind, table.headers, overrides);
  // Grid assignment files name blocks in their headers instead of a block column.
  const missingHere = kind === 'assignments' ? missing.filter((f) => f !== 'person' || mapping.email === undefined) : missing;
  if (missingHere.length > 0) throw refuseFile(`No column was found for: ${missingHere.join(', ')}. Rename the column or map it in the preview.`);
  try {
    switch (kind) {
      case 'people':
        return { ...planPeople(table, mapping, ctx), mapping };
      case 'rotations':
        return { ...planRotations(table, mapping, ctx), mapping };
      case 'absences':
        return { ...planAbsences(table, mapping, ctx), mapping };
      case 'assignments':
        return { ...planAssignments(table, mapping, ctx), mapping };
    }
  } catch (err) {
    if (err instanceof RowError) throw refuseFile(`The file cannot be imported: ${err.message}.`);
    throw err;
  }
}
