import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../electron/core/clock';
import { createLogger, memorySink } from '../../electron/core/logger';
import { testKdfPolicy, type KdfPolicy } from '../../electron/core/vault/kdf';
import { createVault } from '../../electron/core/vault';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../shared/errors';
import { applyKey } from '../../electron/core/vault/connection';
import { deriveKek } from '../../electron/core/vault/kdf';
import { openSlot, readKeystoreFile } from '../../electron/core/vault/keystore';

/** A temp folder per test; `cleanup` removes it whatever happened. */
export function tempRoot(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'rsched-vault-test-'));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function testContext(policy: KdfPolicy = testKdfPolicy()) {
  const sink = memorySink();
  const clock = new ManualClock('2026-07-01T12:00:00Z');
  return { clock, logger: createLogger({ sink, clock, level: 'debug' }), kdfPolicy: policy, sink };
}

export const PASSWORD = 'correct horse battery staple 2026';

export async function makeVault(dir: string, ctx = testContext()) {
  const { vault, recoveryKey } = await createVault({
    dir,
    programName: 'Internal Medicine Residency',
    timeZone: 'America/Chicago',
    firstSlot: { slotId: 'user:admin', password: PASSWORD },
    ...ctx,
  });
  return { vault, recoveryKey, ctx };
}

/** The DEK, recovered the way an attacker with the password would: keystore + scrypt + GCM. */
export async function dekOf(dir: string, policy: KdfPolicy, slotId = 'user:admin', password = PASSWORD): Promise<Buffer> {
  const body = readKeystoreFile(join(dir, 'keystore.json'), policy);
  const slot = body.slots.find((s) => s.slotId === slotId);
  if (!slot || slot.kind !== 'password') throw new Error('no slot');
  const kek = await deriveKek(password, Buffer.from(slot.kdf.salt, 'base64'), slot.kdf);
  const dek = openSlot(body.vaultId, slot, kek);
  if (!dek) throw new Error('no dek');
  return dek;
}

/** Opens vault.db directly with a raw DEK (bypassing the vault), for tests that poke at the file. */
export function rawOpen(file: string, dek: Buffer): Database.Database {
  const db = new Database(file, { fileMustExist: true });
  applyKey(db, dek);
  return db;
}

/** Resolves to the AppError code a promise rejects with ('NO_ERROR' if it resolves). */
export async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'NO_ERROR';
}
