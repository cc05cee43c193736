import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dekOf, makeVault, tempRoot } from './helpers';
import { decryptDbFile, decryptWalFile } from './sqlcipher-pages';

const NAME = 'Zebulon Quixley-Marchetti';
const EMAIL = 'zebulon.quixley@example-hospital.org';
const NOTE = 'Medical leave: chemotherapy cycle 3 of 6, confidential. '.repeat(120); // > 1 page: overflow pages

function contains(haystacks: Buffer[], needle: string): boolean {
  const n8 = Buffer.from(needle, 'utf8');
  return haystacks.some((h) => h.includes(n8));
}

describe('no plaintext on disk', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ root, cleanup } = tempRoot()));
  afterEach(() => cleanup());

  it('raw files never hold PHI; after delete + checkpoint no decrypted page (db or WAL) holds a trace', async () => {
    const dir = join(root, 'v');
    const { vault, ctx } = await makeVault(dir);
    const db = vault.db;
    db.exec('CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT, email TEXT, note TEXT); CREATE INDEX person_name ON person(name);');
    // Filler rows so the deleted ones share pages with live data (secure_delete must zero in place).
    const ins = db.prepare('INSERT INTO person (name, email, note) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 200; i++) ins.run(`Filler Person ${i}`, `filler${i}@example.org`, `ordinary note ${i}`);
      ins.run(NAME, EMAIL, NOTE);
    })();
    const key = await dekOf(dir, ctx.kdfPolicy);

    // 1. Raw bytes: neither the database nor the WAL contains the values.
    const rawDb = readFileSync(join(dir, 'vault.db'));
    const rawWal = readFileSync(join(dir, 'vault.db-wal'));
    expect(rawWal.length).toBeGreaterThan(0);
    for (const s of [NAME, EMAIL, 'chemotherapy']) expect(contains([rawDb, rawWal], s)).toBe(false);

    // 2. Positive control: decrypting the same bytes DOES show them (proves the reader works).
    const walPages = decryptWalFile(rawWal, key);
    expect(contains(walPages, NAME)).toBe(true);
    expect(contains(walPages, 'chemotherapy')).toBe(true);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(contains(decryptDbFile(readFileSync(join(dir, 'vault.db')), key), EMAIL)).toBe(true);

    // 3. Delete, checkpoint: no trace in any page, including free pages and index pages.
    db.prepare('DELETE FROM person WHERE name = ?').run(NAME);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(statSync(join(dir, 'vault.db-wal')).size).toBe(0);
    const pages = decryptDbFile(readFileSync(join(dir, 'vault.db')), key);
    expect(contains(pages, 'Filler Person 7')).toBe(true); // live data still readable
    for (const s of [NAME, 'Quixley', EMAIL, 'chemotherapy']) expect(contains(pages, s)).toBe(false);
    vault.close();
    expect(existsSync(join(dir, 'vault.db-wal'))).toBe(false);
    key.fill(0);
  });
});
