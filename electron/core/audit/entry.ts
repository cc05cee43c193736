import { isAuditAction, type AuditAction } from '../../../shared/audit/actions';
import type { AuditActor, AuditDetails, AuditOutcome } from '../../../shared/audit/entry';
import { AppError } from '../../../shared/errors';
import { ROLES } from '../../../shared/rbac';
import type { FieldValues } from './diff';

/** What a caller supplies; the log adds v, seq, prev, time and deviceId. */
export interface AuditInput {
  actor: AuditActor;
  action: AuditAction;
  resource: { type: string; id: string | null };
  /** The person this entry is about, by id (set automatically for resource type 'person'). */
  subject?: string;
  outcome: AuditOutcome;
  reason?: string;
  before?: FieldValues;
  after?: FieldValues;
  details?: AuditDetails;
}

const ROLE_SET: ReadonlySet<string> = new Set(ROLES);
const OUTCOMES: ReadonlySet<string> = new Set(['success', 'denied', 'failed']);
const RESOURCE_TYPE = /^[a-z][a-z0-9_]{0,63}$/;
const COMPONENT = /^[a-z][a-z0-9_-]{0,63}$/;
const DETAIL_KEY = /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/;
/** Field names that carry a person's name. Allowed only in before/after of a person record. */
// `name` alone is a label (rotation, shift type, program), not a person: person names live in displayName etc.
const NAME_FIELD = /^(firstName|lastName|middleName|fullName|displayName|givenName|familyName|surname|preferredName)$/i;

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 128;
}

function bad(path: string, message: string): AppError {
  return new AppError('BAD_INPUT', 'The audit entry was not valid.', { issues: [{ path, message }] });
}

function findNameField(value: unknown, path: string, depth = 0): string | null {
  if (depth > 16 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNameField(value[i], `${path}[${i}]`, depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (NAME_FIELD.test(k)) return `${path}.${k}`;
    const hit = findNameField(v, `${path}.${k}`, depth + 1);
    if (hit) return hit;
  }
  return null;
}

/**
 * Validates an input on the hot path (the full zod schema in shared/audit costs more than the rest
 * of an append; tests check that what we write always parses with it).
 */
export function checkInput(input: AuditInput): void {
  const a = input.actor;
  if (a.type === 'user') {
    if (!isId(a.userId)) throw bad('actor.userId', 'required');
    if (!ROLE_SET.has(a.role)) throw bad('actor.role', 'unknown role');
    if (a.sessionId !== null && !isId(a.sessionId)) throw bad('actor.sessionId', 'invalid');
  } else if (a.type === 'system') {
    if (!COMPONENT.test(a.component)) throw bad('actor.component', 'invalid');
  } else {
    throw bad('actor.type', 'unknown actor type');
  }
  if (!isAuditAction(input.action)) throw bad('action', 'not an enumerated audit action');
  if (!RESOURCE_TYPE.test(input.resource.type)) throw bad('resource.type', 'invalid');
  if (input.resource.id !== null && !isId(input.resource.id)) throw bad('resource.id', 'invalid');
  if (input.subject !== undefined && !isId(input.subject)) throw bad('subject', 'invalid');
  if (!OUTCOMES.has(input.outcome)) throw bad('outcome', 'invalid');
  if (input.reason !== undefined && (typeof input.reason !== 'string' || input.reason.length === 0 || input.reason.length > 2000)) {
    throw bad('reason', 'must be 1-2000 characters');
  }
  if (input.details) {
    for (const [k, v] of Object.entries(input.details)) {
      if (!DETAIL_KEY.test(k) || NAME_FIELD.test(k)) throw bad(`details.${k}`, 'invalid detail key');
      if (typeof v === 'string' ? v.length > 1000 : !(v === null || typeof v === 'number' || typeof v === 'boolean')) {
        throw bad(`details.${k}`, 'details hold short strings, numbers, booleans or null');
      }
    }
  }
  // People by id: names only in the before/after of the person record itself.
  if (input.resource.type !== 'person') {
    const hit = findNameField(input.before, 'before') ?? findNameField(input.after, 'after');
    if (hit) throw bad(hit, 'names may appear only in the before/after of a person record; reference people by id');
  }
}
