import { randomBytes, randomUUID } from 'node:crypto';

/** The one id generator. Injected like the clock so tests can make ids predictable. */
export interface IdGenerator {
  /** A new opaque id (UUID v4) for a record. */
  id(): string;
  /** A short random correlation id for errors and log lines. */
  correlationId(): string;
}

export const randomIds: IdGenerator = {
  id: () => randomUUID(),
  correlationId: () => randomBytes(6).toString('hex'),
};

/** Deterministic ids for tests: prefix-000001, prefix-000002, ... */
export function sequentialIds(prefix = 'id'): IdGenerator {
  let n = 0;
  let c = 0;
  return {
    id: () => `${prefix}-${String(++n).padStart(6, '0')}`,
    correlationId: () => `corr-${String(++c).padStart(4, '0')}`,
  };
}
