import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KEYSTORE_FILE, KEYSTORE_PREV_FILE } from './keystore';

/** Every file the vault folder may hold. */
export interface VaultPaths {
  dir: string;
  db: string;
  wal: string;
  shm: string;
  keystore: string;
  keystorePrev: string;
  /** Present while a connection is open: after a crash it tells us a -wal file should exist. */
  session: string;
  /** A fully rekeyed copy waiting to replace vault.db (its existence means "complete"). */
  rekeyReady: string;
  rekeyTmp: string;
  creating: string;
}

export const DB_FILE = 'vault.db';

export function vaultPaths(dir: string): VaultPaths {
  const db = join(dir, DB_FILE);
  return {
    dir,
    db,
    wal: `${db}-wal`,
    shm: `${db}-shm`,
    keystore: join(dir, KEYSTORE_FILE),
    keystorePrev: join(dir, KEYSTORE_PREV_FILE),
    session: join(dir, 'vault.session'),
    rekeyReady: `${db}.rekey`,
    rekeyTmp: `${db}.rekey.tmp`,
    creating: `${db}.creating`,
  };
}

/** True when the folder holds a vault (or the remains of one: either file is enough). */
export function vaultExists(dir: string): boolean {
  const p = vaultPaths(dir);
  return existsSync(p.db) || existsSync(p.keystore);
}
