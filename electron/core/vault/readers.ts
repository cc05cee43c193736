import type { Database } from 'better-sqlite3-multiple-ciphers';

/** What a worker thread needs to open its own connection to the vault: the file and the data key. */
export interface VerifyReader {
  path: string;
  dek: Buffer;
}

/**
 * The vault registers each connection it opens, so code that only holds the connection (the audit
 * verifier) can start worker threads that read the same file in parallel. The Buffer is the
 * vault's own: it is zeroed at lock, after which a worker simply fails to open and the caller falls
 * back to reading on its own connection. A WeakMap, so a closed connection's entry goes with it.
 */
const readers = new WeakMap<Database, VerifyReader>();

export function registerReader(db: Database, reader: VerifyReader): void {
  readers.set(db, reader);
}

export function readerFor(db: Database): VerifyReader | null {
  const r = readers.get(db);
  if (!r || !db.open || r.dek.every((b) => b === 0)) return null;
  return r;
}
