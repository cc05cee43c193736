import type { Migration } from '../migration';
import { migration0001VaultMeta } from './0001_vault_meta';

/**
 * Every schema migration, in order. Versions are consecutive integers; each module appends its own
 * file here (vault 1-9, audit 10-19, accounts 20-29, scheduling domain 30-49, sync 50-59,
 * security operations 60-69, publishing 70-79). A version, once shipped, never changes.
 */
export const MIGRATIONS: Migration[] = [
  migration0001VaultMeta,
];
