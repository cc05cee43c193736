import { z } from 'zod';
import { UNAVAILABLE, type FieldClass } from '../rbac';

/**
 * Tags for output schemas, read by the dispatcher's field filter in the main process:
 * - `restricted(schema, 'absence-detail')` marks a field that only the roles of that class (see
 *   FIELD_POLICIES in shared/rbac.ts) and the record's subject may see; everyone else receives
 *   "unavailable" instead. The schema accepts that literal so the renderer's types say so.
 * - `subjectRecord(objectSchema, 'personId')` names the field that holds whose record it is.
 */
export interface FieldMeta {
  phi?: FieldClass;
  phiSubject?: string;
}

export function restricted<S extends z.ZodType>(schema: S, cls: FieldClass): z.ZodUnion<readonly [S, z.ZodLiteral<typeof UNAVAILABLE>]> {
  return z.union([schema, z.literal(UNAVAILABLE)]).meta({ phi: cls });
}

export function subjectRecord<S extends z.ZodObject>(schema: S, subjectField: keyof z.output<S> & string): S {
  return schema.meta({ phiSubject: subjectField });
}
