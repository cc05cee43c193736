/**
 * The enumerated audit actions. An entry's action must be one of these (the log refuses others),
 * so search filters and reports can rely on a closed vocabulary. docs/audit-trail.md lists them
 * (a test keeps the two equal). Names are `<area>.<verb>`; reads that matter have their own verbs.
 *
 * Adding an action is a format-compatible change (old entries stay valid); renaming or removing
 * one is not: entries already written keep the old name forever.
 */
export const AUDIT_ACTIONS = {
  // Vault and keys
  'vault.create': 'A vault was created on this device',
  'vault.unlock': 'The vault was unlocked',
  'vault.lock': 'The vault was locked (manual, idle, suspend)',
  'vault.rekey': 'The data key was replaced (PRAGMA rekey)',
  'vault.slot_add': 'A key slot (user or recovery) was added',
  'vault.slot_remove': 'A key slot was removed',
  'vault.recovery_used': 'The recovery key unlocked the vault',
  'vault.backup': 'An encrypted backup was written',
  'vault.restore': 'The vault was restored from a backup',
  'vault.destroy': 'Emergency destruction of the vault',
  'vault.inspect': 'Key slots and cipher settings were viewed',
  // Authentication and sessions
  'auth.login': 'A sign-in attempt (outcome tells success or failure)',
  'auth.logout': 'A user signed out',
  'auth.session_expired': 'A session ended by idle or absolute timeout',
  'auth.reauthenticate': 'A user re-entered credentials before a sensitive change',
  'auth.mfa_enroll': 'A user enrolled an authenticator (TOTP)',
  'auth.mfa_reset': 'An administrator reset a user\'s authenticator',
  'auth.password_change': 'A user changed their own password',
  'auth.consent_accept': 'A user accepted the confidentiality notice',
  // Accounts
  'user.create': 'A user account was created',
  'user.update': 'A user account was changed',
  'user.role_change': 'A user account\'s role changed',
  'user.disable': 'A user account was disabled',
  'user.enable': 'A user account was re-enabled',
  'user.unlock': 'A locked account was unlocked',
  'user.password_reset': 'An administrator reset a user\'s password',
  // People (the only entries whose before/after may carry names)
  'person.create': 'A person record was created',
  'person.update': 'A person record was changed',
  'person.delete': 'A person record was removed',
  'person.read_details': 'Protected details of a person were displayed',
  'credential.create': 'A credential or certification was recorded',
  'credential.update': 'A credential or certification was changed',
  'credential.delete': 'A credential or certification was removed',
  // Scheduling
  'rotation.create': 'A rotation was created',
  'rotation.update': 'A rotation was changed',
  'rotation.delete': 'A rotation was removed',
  'academic_year.create': 'An academic year and its blocks were created',
  'shift_type.create': 'A shift type was created',
  'shift_type.update': 'A shift type was changed',
  'shift_type.delete': 'A shift type was removed',
  'requirement.create': 'A curriculum requirement was created',
  'requirement.update': 'A curriculum requirement was changed',
  'requirement.delete': 'A curriculum requirement was removed',
  'coverage.create': 'A shift coverage requirement was created',
  'coverage.update': 'A shift coverage requirement was changed',
  'coverage.delete': 'A shift coverage requirement was removed',
  'request.create': 'A request or preference was recorded',
  'request.update': 'A request or preference was changed',
  'request.delete': 'A request or preference was withdrawn',
  'block.create': 'A block was created',
  'block.update': 'A block was changed',
  'block.delete': 'A block was removed',
  'assignment.create': 'A resident was assigned to a rotation block',
  'assignment.update': 'An assignment was changed',
  'assignment.delete': 'An assignment was removed',
  'shift.create': 'A call or shift was created',
  'shift.update': 'A call or shift was changed',
  'shift.delete': 'A call or shift was removed',
  'schedule.generate': 'The solver produced a draft schedule',
  'schedule.publish': 'A schedule version was published',
  'schedule.rollback': 'A published schedule was rolled back',
  // Absences and swaps
  'absence.create': 'An absence was entered by a coordinator',
  'absence.request': 'An absence was requested',
  'absence.delete': 'An absence was removed',
  'absence.update': 'An absence was changed',
  'absence.approve': 'An absence was approved',
  'absence.deny': 'An absence was denied',
  'absence.cancel': 'An absence was cancelled',
  'absence.read_details': 'Absence reasons, notes or locations were displayed',
  'swap.request': 'A swap was requested',
  'swap.approve': 'A swap was approved',
  'swap.deny': 'A swap was denied',
  'swap.accept': 'The counterpart accepted a swap',
  'swap.decline': 'The counterpart declined a swap',
  'swap.cancel': 'The requester withdrew a swap',
  // Compliance
  'compliance.acknowledge': 'A compliance violation was acknowledged with a reason',
  // Settings
  'settings.update': 'A policy or setting was changed',
  // The audit trail itself
  'audit.search': 'The audit trail was searched (who read the logs)',
  'audit.export': 'The audit trail was exported with a signed manifest',
  'audit.verify': 'The audit trail was verified',
  'audit.checkpoint_refused': 'The device refused to sign a checkpoint inconsistent with an earlier one',
  'audit.retention_redact': 'Payloads past their retention were destroyed; leaf hashes kept',
  // Exports
  'export.schedule_xlsx': 'A schedule was exported to XLSX',
  'export.schedule_csv': 'A schedule was exported to CSV',
  'export.schedule_ical': 'A schedule was exported to iCalendar',
  'export.schedule_pdf': 'A schedule was exported to PDF',
  'export.people_csv': 'The people directory was exported to CSV',
  // Imports
  'import.apply': 'A previewed file import was applied as one change set (counts in details)',
  // Emergency access
  'breakglass.start': 'Break-glass emergency access began (reason required)',
  'breakglass.read': 'A record was read under break-glass access',
  'breakglass.end': 'Break-glass access ended or expired',
  // Security operations
  'incident.open': 'A security incident was opened',
  'incident.update': 'A security incident was updated',
  'incident.close': 'A security incident was closed',
  'incident.status_change': 'A security incident moved to another status',
  'incident.assess': 'The four-factor breach risk assessment was recorded',
  'incident.affected': 'Affected individuals were computed from the audit log',
  'incident.draft': 'Notification letter and HHS summary drafts were generated',
  'incident.export': 'The incident register was exported',
  'alert.raise': 'A detection rule raised a security alert',
  'alert.update': 'A security alert was acknowledged or dismissed',
  'vault.tamper_evidence': 'Tampering found before or at unlock (keystore, database, audit anchor), recorded at the next unlock',
  'retention.purge': 'Expired data was destroyed; details hold the destruction certificate',
  'retention.preview': 'A purge dry run listed what has expired (nothing destroyed)',
  'deid.export': 'A de-identified export was produced; details hold the strategy manifest',
  'report.safeguards': 'A safeguards report was generated for auditors',
  // Synchronisation with the hospital server
  'sync.enroll': 'The device enrolled with the hospital server',
  'sync.push': 'Changes were sent to the hospital server',
  'sync.pull': 'Changes were received from the hospital server',
  'sync.unenroll': 'The device left the hospital server',
  // Generic
  'access.denied': 'A call was refused before it ran (resource = the call name)',
  'system.migrate': 'The database schema was migrated',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]];

const ACTION_SET: ReadonlySet<string> = new Set(AUDIT_ACTION_NAMES);
export function isAuditAction(value: string): value is AuditAction {
  return ACTION_SET.has(value);
}

/** Actions that record a read (no data changed); recordRead accepts only these. */
export const READ_ACTIONS: readonly AuditAction[] = [
  'vault.inspect',
  'person.read_details',
  'absence.read_details',
  'audit.search',
  'audit.export',
  'audit.verify',
  'breakglass.read',
  'export.schedule_xlsx',
  'export.schedule_csv',
  'export.schedule_ical',
  'export.schedule_pdf',
  'export.people_csv',
  'incident.draft',
  'incident.export',
  'deid.export',
  'report.safeguards',
];
