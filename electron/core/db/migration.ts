import type { Database } from 'better-sqlite3-multiple-ciphers';

/** One forward-only schema step. Runs inside a transaction; must be deterministic. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
