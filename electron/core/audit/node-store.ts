import type { Database, Statement } from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../../shared/errors';
import type { NodeReader } from '../../../shared/merkle/tree';

/** The persisted Merkle tree (audit_node) as the shared tree code's NodeReader. */
export class SqlNodeStore implements NodeReader {
  private readonly get: Statement<[number, number], Buffer>;
  private readonly put: Statement<[number, number, Buffer]>;

  constructor(db: Database) {
    this.get = db.prepare<[number, number], Buffer>('SELECT hash FROM audit_node WHERE level = ? AND idx = ?').pluck();
    this.put = db.prepare<[number, number, Buffer]>('INSERT INTO audit_node (level, idx, hash) VALUES (?, ?, ?)');
  }

  node(level: number, index: number): Uint8Array {
    const h = this.get.get(level, index);
    if (!h) throw new AppError('AUDIT_TAMPERED', undefined, { details: { missingNodeLevel: level, missingNodeIndex: index } });
    return h;
  }

  insert(level: number, index: number, hash: Uint8Array): void {
    this.put.run(level, index, Buffer.isBuffer(hash) ? hash : Buffer.from(hash));
  }
}
