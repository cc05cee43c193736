import { renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/errors';
import { fsyncDir, fsyncFile } from './atomic-file';
import { applyKey, applyRekey, checkPages, harden, tryOpen } from './connection';
import Database from 'better-sqlite3-multiple-ciphers';

/**
 * Heavy, path-based steps (no module state, so a worker thread can run them).
 *
 * snapshotTo: a consistent copy of the encrypted database via VACUUM INTO (SQLite3MultipleCiphers
 * encrypts the target with the source's cipher and key: the copy is never plaintext on disk).
 *
 * rekeyCopy: SQLite3MultipleCiphers refuses `rekey` in WAL mode ("Rekeying is not supported in WAL
 * journal mode"), and an in-place rekey that crashes half way would leave pages under two keys.
 * So we rekey a snapshot (rollback-journal mode, then back to WAL), check every page under the new
 * key, flush it, and only then name it `readyPath`. The caller swaps it in with one rename.
 */
export function snapshotTo(dbPath: string, dek: Buffer, outPath: string): void {
  rmSync(outPath, { force: true });
  const db = tryOpen(dbPath, dek);
  if (!db) throw new AppError('DATABASE_DAMAGED');
  try {
    db.prepare('VACUUM INTO ?').run(outPath);
  } finally {
    db.close();
  }
  fsyncFile(outPath);
}

export type CheckpointMode = 'PASSIVE' | 'TRUNCATE';

/**
 * Copies the WAL's pages into vault.db from a connection of its own (any connection may
 * checkpoint), so the app's connection then closes or snapshots with little left to copy.
 */
export function checkpointFile(dbPath: string, dek: Buffer, mode: CheckpointMode): void {
  const db = tryOpen(dbPath, dek);
  if (!db) throw new AppError('DATABASE_DAMAGED');
  try {
    db.pragma(`wal_checkpoint(${mode})`);
  } finally {
    db.close();
  }
}

export async function rekeyCopy(opts: { dbPath: string; oldDek: Buffer; newDek: Buffer; tmpPath: string; readyPath: string }): Promise<void> {
  const { tmpPath, readyPath } = opts;
  try {
    snapshotTo(opts.dbPath, opts.oldDek, tmpPath);
    const db = new Database(tmpPath, { fileMustExist: true });
    try {
      applyKey(db, opts.oldDek);
      // VACUUM INTO writes a rollback-journal database, which is what rekey needs.
      db.pragma('journal_mode = DELETE');
      applyRekey(db, opts.newDek);
    } finally {
      db.close();
    }
    const check = tryOpen(tmpPath, opts.newDek);
    if (!check) throw new Error('rekeyed copy does not open with the new key');
    try {
      harden(check); // switches the copy to WAL
      checkPages(check, 'integrity_check');
      check.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      check.close();
    }
    fsyncFile(tmpPath);
    renameSync(tmpPath, readyPath);
    fsyncDir(dirname(readyPath));
  } catch (err) {
    rmSync(tmpPath, { force: true });
    rmSync(`${tmpPath}-wal`, { force: true });
    rmSync(`${tmpPath}-shm`, { force: true });
    rmSync(`${tmpPath}-journal`, { force: true });
    throw err;
  }
}
