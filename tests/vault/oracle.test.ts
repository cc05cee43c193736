import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyPragma } from '../../electron/core/vault/connection';
import { deriveKek } from '../../electron/core/vault/kdf';
import { openSlot, readKeystoreFile } from '../../electron/core/vault/keystore';
import { PASSWORD, makeVault, tempRoot } from './helpers';

/**
 * The reference implementation (SQLCipher community via @journeyapps/sqlcipher) must read what the
 * app writes with the same raw key, and refuse any other key.
 */
interface OracleDb {
  serialize(fn: () => void): void;
  run(sql: string, cb?: (err: Error | null) => void): void;
  all(sql: string, cb: (err: Error | null, rows: unknown[]) => void): void;
  get(sql: string, cb: (err: Error | null, row: unknown) => void): void;
  close(cb?: (err: Error | null) => void): void;
}
type OracleModule = { Database: new (path: string, mode: number, cb?: (err: Error | null) => void) => OracleDb; OPEN_READONLY: number };

const require = createRequire(import.meta.url);
function loadOracle(): OracleModule | null {
  try {
    return require('@journeyapps/sqlcipher') as OracleModule;
  } catch {
    return null;
  }
}

function oracleQuery(mod: OracleModule, file: string, hexKey: string, sql: string): Promise<{ rows?: unknown[]; error?: string; version?: string }> {
  return new Promise((resolve) => {
    const db = new mod.Database(file, mod.OPEN_READONLY);
    db.serialize(() => {
      db.run('PRAGMA cipher_log_level = NONE'); // the wrong-key cases would log HMAC errors to stderr
      // SQLCipher ignores cipher_compatibility issued before the key (measured here), so key first.
      db.run(`PRAGMA ${keyPragma(hexKey)}`);
      db.run('PRAGMA cipher_compatibility = 4');
      db.get('PRAGMA cipher_version', (_e, v) => {
        db.all(sql, (err, rows) => {
          db.close();
          resolve(err ? { error: err.message } : { rows, version: String((v as Record<string, unknown> | undefined)?.cipher_version) });
        });
      });
    });
  });
}

const oracle = loadOracle();

// @journeyapps/sqlcipher does not build on Windows; everywhere else a missing oracle is a failure.
describe.skipIf(process.platform === 'win32')('SQLCipher oracle', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ root, cleanup } = tempRoot()));
  afterEach(() => cleanup());

  it('opens the app-written vault with the same raw key, and fails with any other key', async () => {
    expect(oracle, '@journeyapps/sqlcipher must be built').not.toBeNull();
    const mod = oracle as OracleModule;
    const dir = join(root, 'v');
    const { vault, ctx } = await makeVault(dir);
    vault.db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('visible to the oracle');");
    const vaultId = vault.vaultId;
    vault.close(); // checkpointed: everything is in vault.db

    const body = readKeystoreFile(join(dir, 'keystore.json'), ctx.kdfPolicy);
    const slot = body.slots.find((s) => s.kind === 'password');
    if (!slot || slot.kind !== 'password') throw new Error('no slot');
    const kek = await deriveKek(PASSWORD, Buffer.from(slot.kdf.salt, 'base64'), slot.kdf);
    const dek = openSlot(body.vaultId, slot, kek);
    if (!dek) throw new Error('no dek');
    const hex = dek.toString('hex');
    const file = join(dir, 'vault.db');

    const good = await oracleQuery(mod, file, hex, 'SELECT v FROM t UNION ALL SELECT vault_id FROM vault_meta');
    expect(good.error).toBeUndefined();
    expect(good.version).toMatch(/^4\./);
    expect(good.rows).toEqual([{ v: 'visible to the oracle' }, { v: vaultId }]);

    const flipped = Buffer.from(dek);
    flipped[31] = (flipped[31] ?? 0) ^ 1;
    for (const other of [flipped.toString('hex'), '00'.repeat(32), 'ff'.repeat(32)]) {
      const bad = await oracleQuery(mod, file, other, 'SELECT count(*) FROM t');
      expect(bad.error).toMatch(/not a database/);
    }
    // Sanity: the PRAGMA builder refuses anything but 64 lowercase hex digits (no injection).
    expect(() => keyPragma(`${hex.slice(0, 62)}'"`)).toThrow();
    expect(() => keyPragma(hex.toUpperCase())).toThrow();
    dek.fill(0);
  });
});
