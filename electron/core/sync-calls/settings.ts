import type { Database } from 'better-sqlite3-multiple-ciphers';
import { SYNC_INTERVAL_MINUTES } from '../../../shared/contract/sync';
import { getSetting, setSetting } from '../accounts/user-store';

/**
 * The push interval lives in the vault's key/value settings table (account_settings, migration 20):
 * it is one number, sync has no settings table of its own, and keeping it in the vault means it is
 * encrypted and changes only through an audited call. A missing or out-of-range value reads as the
 * default rather than failing the unlock.
 */
const KEY = 'sync.intervalMinutes';

export function readIntervalMinutes(db: Database): number {
  const raw = getSetting(db, KEY);
  const n = raw === null ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n >= SYNC_INTERVAL_MINUTES.min && n <= SYNC_INTERVAL_MINUTES.max ? n : SYNC_INTERVAL_MINUTES.default;
}

export function writeIntervalMinutes(db: Database, minutes: number): void {
  setSetting(db, KEY, String(minutes));
}
