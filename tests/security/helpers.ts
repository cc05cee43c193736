import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { SecurityAlert } from '../../shared/security/alerts';
import { DEFAULT_SECURITY_SETTINGS, type DetectionSettings, type SecuritySettings } from '../../shared/security/settings';
import { workspaceFor, type Workspace } from '../../electron/core/workspace';
import type { Harness } from '../accounts/helpers';

export { ADMIN, ADMIN_CLIENT, addUser, caller, expectError, setupAndSignInAdmin, startCore, type Harness } from '../accounts/helpers';

/** The open vault's workspace: the same instance the core uses (one per connection). */
export function ws(h: Harness): Workspace {
  return workspaceFor(h.core.accounts.vault().db, { dataDir: h.dir, ...h.core.services });
}

export function db(h: Harness): Database {
  return h.core.accounts.vault().db;
}

export async function setDetection(h: Harness, patch: Partial<DetectionSettings>, base: SecuritySettings = DEFAULT_SECURITY_SETTINGS): Promise<SecuritySettings> {
  const current = await h.ok<SecuritySettings>('security.getSettings', {});
  const settings: SecuritySettings = { ...(current ?? base), detection: { ...current.detection, ...patch } };
  return h.ok<SecuritySettings>('security.setSettings', { settings });
}

export async function alerts(h: Harness, rule?: SecurityAlert['rule']): Promise<SecurityAlert[]> {
  const r = await h.ok<{ alerts: SecurityAlert[] }>('alerts.list', { limit: 1000 });
  return rule ? r.alerts.filter((a) => a.rule === rule) : r.alerts;
}

/** Entries of one action in the vault's audit trail, parsed. */
export function entries(h: Harness, action: string): Array<{ seq: number; time: string; outcome: string; resource: { type: string; id: string | null }; details?: Record<string, unknown>; reason?: string; before?: Record<string, unknown>; after?: Record<string, unknown> }> {
  const rows = db(h).prepare('SELECT entry FROM audit_entry WHERE action = ? ORDER BY seq').pluck().all(action) as string[];
  return rows.map((r) => JSON.parse(r) as ReturnType<typeof entries>[number]);
}
