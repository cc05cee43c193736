import type { Migration } from '../migration';
import { migration0001VaultMeta } from './0001_vault_meta';
import { migration0020Accounts } from './0020_accounts';
import { migration0010AuditLog } from './0010_audit_log';
import { migration0011AuditLeafGuard } from './0011_audit_leaf_guard';
import { migration0030Schedule } from './0030_schedule';
import { migration0031CoverageRequests } from './0031_coverage_requests';
import { migration0050Sync } from './0050_sync';
import { migration0060Security } from './0060_security';
import { migration0070Exchange } from './0070_exchange';

/**
 * Every schema migration, in order. Versions are consecutive integers; each module appends its own
 * file here (vault 1-9, audit 10-19, accounts 20-29, scheduling domain 30-49, sync 50-59,
 * security operations 60-69, publishing 70-79). A version, once shipped, never changes.
 */
export const MIGRATIONS: Migration[] = [
  migration0001VaultMeta,
  migration0020Accounts,
  migration0010AuditLog,
  migration0011AuditLeafGuard,
  migration0030Schedule,
  migration0031CoverageRequests,
  migration0050Sync,
  migration0060Security,
  migration0070Exchange,
];
