import type { Database, Statement } from 'better-sqlite3-multiple-ciphers';
import type { z } from 'zod';
import { AppError } from '../../../shared/errors';

/**
 * One table of the scheduling domain: the record as JSON in `data`, validated by its shared schema
 * on the way in and out, with key columns derived from the record. Reads that fail validation mean
 * the vault holds something this code did not write: DATABASE_DAMAGED, never a silent pass.
 */
export interface CollectionSpec<T extends { id: string }> {
  table: string;
  schema: z.ZodType<T>;
  /** Extra columns besides id and data, and how each is derived from the record. */
  keyColumns: readonly string[];
  columns: (record: T) => Record<string, string | number | null>;
}

export class Collection<T extends { id: string }> {
  private readonly getStmt: Statement;
  private readonly allStmt: Statement;
  private readonly deleteStmt: Statement;
  private readonly upsertStmt: Statement;

  constructor(
    private readonly db: Database,
    readonly spec: CollectionSpec<T>,
  ) {
    const extra = spec.keyColumns;
    const cols = ['id', ...extra, 'data'];
    const updates = [...extra, 'data'].map((c) => `${c} = excluded.${c}`).join(', ');
    this.getStmt = db.prepare(`SELECT data FROM ${spec.table} WHERE id = ?`).pluck();
    this.allStmt = db.prepare(`SELECT data FROM ${spec.table} ORDER BY rowid`).pluck();
    this.deleteStmt = db.prepare(`DELETE FROM ${spec.table} WHERE id = ?`);
    this.upsertStmt = db.prepare(
      `INSERT INTO ${spec.table} (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')}) ON CONFLICT(id) DO UPDATE SET ${updates}`,
    );
  }

  private parse(raw: unknown): T {
    const parsed = this.spec.schema.safeParse(JSON.parse(String(raw)));
    if (!parsed.success) throw new AppError('DATABASE_DAMAGED', undefined, { details: { table: this.spec.table } });
    return parsed.data;
  }

  get(id: string): T | null {
    const raw = this.getStmt.get(id);
    return raw === undefined ? null : this.parse(raw);
  }

  require(id: string, field: string): T {
    const found = this.get(id);
    if (!found) throw new AppError('NOT_FOUND', undefined, { issues: [{ path: field, message: `no ${this.spec.table.replace(/_/g, ' ').replace(/s$/, '')} with this id` }] });
    return found;
  }

  all(): T[] {
    return this.allStmt.all().map((raw) => this.parse(raw));
  }

  /** Rows matching a WHERE clause on key columns (the clause is written by code here, never by callers). */
  where(clause: string, ...params: Array<string | number>): T[] {
    return this.db
      .prepare(`SELECT data FROM ${this.spec.table} WHERE ${clause} ORDER BY rowid`)
      .pluck()
      .all(...params)
      .map((raw) => this.parse(raw));
  }

  /**
   * The stored JSON of the matching rows in id order, neither parsed nor validated: for fingerprints
   * that only have to notice a change (a month of call's accept re-reads ~2,000 records).
   */
  storedText(clause = '1 = 1', ...params: Array<string | number>): string[] {
    return this.db
      .prepare(`SELECT data FROM ${this.spec.table} WHERE ${clause} ORDER BY id`)
      .pluck()
      .all(...params)
      .map(String);
  }

  put(record: T): void {
    const valid = this.spec.schema.parse(record);
    this.upsertStmt.run({ id: valid.id, ...this.spec.columns(valid), data: JSON.stringify(valid) });
  }

  delete(id: string): void {
    this.deleteStmt.run(id);
  }
}
