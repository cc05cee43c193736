import { z } from 'zod';
import type { Contract } from '../../../shared/contract/define';
import type { FieldMeta } from '../../../shared/accounts/field-policy';
import { FIELD_POLICIES, UNAVAILABLE, sessionHas, type FieldClass } from '../../../shared/rbac';
import type { Session } from '../session';

/**
 * Field-level rules on every output (ASVS V8.2.3; the "absence reason, notes and location
 * only for admin, program director, coordinator and the person themself"). The output schema is
 * walked alongside the value: a field tagged `phi` is replaced by "unavailable" unless the viewer
 * holds the class's permission or is the subject of the nearest enclosing record tagged
 * `phiSubject`. Runs in the main process, after output validation and before the value is returned
 * to any transport, so a filtered value never crosses IPC.
 *
 * Fails closed: a tagged field with no subject in scope is filtered for everyone without the
 * permission, and schema kinds the walker does not understand (lazy, transforms) are refused at
 * start-up if they contain tags.
 */
type Viewer = { session: Session | null; nowMs: number };

function metaOf(schema: z.ZodType): FieldMeta | undefined {
  return z.globalRegistry.get(schema) as FieldMeta | undefined;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
  valueType?: z.ZodType;
  items?: z.ZodType[];
}
function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Whether the schema contains a tagged field anywhere; memoized per schema object. */
function hasTags(schema: z.ZodType, seen = new Set<z.ZodType>()): boolean {
  if (seen.has(schema)) return false;
  seen.add(schema);
  if (metaOf(schema)?.phi) return true;
  const d = defOf(schema);
  const children: z.ZodType[] = [
    ...Object.values(d.shape ?? {}),
    ...(d.element ? [d.element] : []),
    ...(d.innerType ? [d.innerType] : []),
    ...(d.options ?? []),
    ...(d.items ?? []),
    ...(d.valueType ? [d.valueType] : []),
    ...(d.in ? [d.in] : []),
    ...(d.out ? [d.out] : []),
  ];
  return children.some((c) => hasTags(c, seen));
}

function canSee(cls: FieldClass, viewer: Viewer, subjectId: string | null): boolean {
  const s = viewer.session;
  if (!s) return false;
  const policy = FIELD_POLICIES[cls];
  const breakGlass = s.breakGlassUntilMs !== null && s.breakGlassUntilMs > viewer.nowMs;
  if (sessionHas(s.role, policy.permission, breakGlass)) return true;
  return policy.subjectSees && subjectId !== null && s.personId !== null && subjectId === s.personId;
}

function walk(schema: z.ZodType, value: unknown, viewer: Viewer, subjectId: string | null): unknown {
  const meta = metaOf(schema);
  if (meta?.phi) {
    if (value === undefined || value === null) return value;
    return canSee(meta.phi, viewer, subjectId) ? value : UNAVAILABLE;
  }
  const d = defOf(schema);
  switch (d.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null) return value;
      const rec = value as Record<string, unknown>;
      let subject = subjectId;
      if (meta?.phiSubject) {
        const v = rec[meta.phiSubject];
        subject = typeof v === 'string' ? v : null;
      }
      const out: Record<string, unknown> = { ...rec };
      for (const [k, child] of Object.entries(d.shape ?? {})) {
        if (k in rec) out[k] = walk(child, rec[k], viewer, subject);
      }
      return out;
    }
    case 'array':
      return Array.isArray(value) && d.element ? value.map((v) => walk(d.element as z.ZodType, v, viewer, subjectId)) : value;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return value === undefined || value === null || !d.innerType ? value : walk(d.innerType, value, viewer, subjectId);
    case 'union': {
      // The value already passed this union; filter with the first option it matches.
      const option = (d.options ?? []).find((o) => o.safeParse(value).success);
      return option ? walk(option, value, viewer, subjectId) : value;
    }
    case 'record': {
      if (typeof value !== 'object' || value === null || !d.valueType) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(d.valueType, v, viewer, subjectId);
      return out;
    }
    case 'pipe':
      return d.out ? walk(d.out, value, viewer, subjectId) : value;
    default:
      return value;
  }
}

export type OutputFilter = (callName: string, value: unknown, session: Session | null) => unknown;

export function createFieldFilter(contract: Contract, nowMs: () => number): OutputFilter {
  // Only calls whose output carries a tag pay for the walk.
  const tagged = new Map<string, z.ZodType>();
  for (const [name, def] of Object.entries(contract)) {
    if (hasTags(def.output)) tagged.set(name, def.output);
  }
  return (callName, value, session) => {
    const schema = tagged.get(callName);
    return schema ? walk(schema, value, { session, nowMs: nowMs() }, null) : value;
  };
}
