/**
 * The permission matrix, as code. The dispatcher enforces it on every call; docs/rbac.md is generated
 * from it (tests keep the two equal). The renderer reads it only to hide controls it could not use.
 */
export const ROLES = [
  'admin',
  'program_director',
  'coordinator',
  'chief_resident',
  'faculty',
  'resident',
  'compliance_officer',
  'clinical_staff',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'schedule.read': 'Read draft and published block and call schedules',
  'schedule.read_published': 'Read published schedules only',
  'schedule.edit': 'Create and change rotations, blocks, assignments and shifts',
  'schedule.publish': 'Publish or roll back a schedule version',
  'people.read': 'Read the people directory (names, PGY, roles)',
  'people.edit': 'Create and change people, credentials and training dates',
  'absence.read_details': 'Read absence reasons, notes and locations (military movements)',
  'absence.request': 'Request leave or a swap for oneself',
  'absence.approve': 'Approve or deny absences and swaps',
  'compliance.read': 'Read compliance results',
  'compliance.acknowledge': 'Acknowledge a violation with a reason',
  'audit.read': 'Search and read the audit trail',
  'audit.export': 'Export the audit trail with a signed manifest',
  'users.manage': 'Create, disable and change user accounts and roles',
  'users.manage_privileged': 'Create or change admin and coordinator accounts',
  'settings.manage': 'Change policies: idle timeout, password, MFA, retention, sync',
  'vault.keys': 'Key operations: rekey, backup, slots, emergency destruction',
  'incidents.manage': 'Open and work security incidents',
  'incidents.read': 'Read alerts, incidents and safeguards reports',
  'sync.manage': 'Enroll, sync and configure the hospital server link',
  'export.schedule': 'Export schedules to files (XLSX, CSV, iCalendar, PDF)',
  'breakglass.use': 'Request time-limited emergency read access',
} as const;
export type Permission = keyof typeof PERMISSIONS;

const ALL = Object.keys(PERMISSIONS) as Permission[];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ALL.filter((p) => p !== 'breakglass.use' && p !== 'schedule.read_published'),
  program_director: [
    'schedule.read', 'schedule.edit', 'schedule.publish', 'people.read', 'people.edit', 'absence.read_details',
    'absence.request', 'absence.approve', 'compliance.read', 'compliance.acknowledge', 'audit.read', 'users.manage',
    'users.manage_privileged', 'incidents.read', 'export.schedule', 'breakglass.use',
  ],
  coordinator: [
    'schedule.read', 'schedule.edit', 'schedule.publish', 'people.read', 'people.edit', 'absence.read_details',
    'absence.approve', 'compliance.read', 'compliance.acknowledge', 'users.manage', 'sync.manage', 'export.schedule',
    'breakglass.use',
  ],
  chief_resident: [
    'schedule.read', 'schedule.edit', 'people.read', 'absence.request', 'compliance.read', 'export.schedule',
    'breakglass.use',
  ],
  faculty: ['schedule.read', 'people.read', 'absence.request', 'compliance.read'],
  resident: ['schedule.read', 'people.read', 'absence.request', 'compliance.read'],
  compliance_officer: [
    'schedule.read', 'people.read', 'compliance.read', 'audit.read', 'audit.export', 'incidents.manage',
    'incidents.read',
  ],
  clinical_staff: ['schedule.read_published'],
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Roles whose members see absence reasons, notes and locations of other people. */
export const ABSENCE_DETAIL_ROLES: readonly Role[] = ROLES.filter((r) => roleHas(r, 'absence.read_details'));

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  program_director: 'Program director',
  coordinator: 'Coordinator',
  chief_resident: 'Chief resident',
  faculty: 'Faculty',
  resident: 'Resident',
  compliance_officer: 'Compliance officer',
  clinical_staff: 'Clinical staff',
};

/**
 * Accounts only a holder of 'users.manage_privileged' may create, change, reset or unlock. A
 * coordinator managing a coordinator could raise their own peer (or themself) to admin, and a
 * program director account carries users.manage_privileged and audit.read: all three stay out of
 * a coordinator's reach.
 */
export const PRIVILEGED_ROLES: readonly Role[] = ['admin', 'program_director', 'coordinator'];

/**
 * Whether `actor` may manage an account that has (or would get) role `target`. Only an admin
 * manages admins, so no one below can mint the role that holds the keys (vault.keys).
 */
export function canManageRole(actor: Role, target: Role): boolean {
  if (!roleHas(actor, 'users.manage')) return false;
  if (target === 'admin') return actor === 'admin';
  if (PRIVILEGED_ROLES.includes(target)) return roleHas(actor, 'users.manage_privileged');
  return true;
}

/**
 * What break-glass adds, for its time limit only: read access to schedules, people and absence
 * details (HIPAA 164.312(a)(2)(ii) emergency access). Never a write, an export or a key operation.
 */
export const BREAK_GLASS_PERMISSIONS: readonly Permission[] = [
  'schedule.read',
  'people.read',
  'absence.read_details',
  'compliance.read',
];

/** Whether a session holds a permission, counting an active break-glass elevation. */
export function sessionHas(role: Role, permission: Permission, breakGlassActive: boolean): boolean {
  return roleHas(role, permission) || (breakGlassActive && roleHas(role, 'breakglass.use') && BREAK_GLASS_PERMISSIONS.includes(permission));
}

/** Roles for which TOTP is required unless an admin changes the policy. */
export const DEFAULT_MFA_REQUIRED_ROLES: readonly Role[] = ['admin', 'program_director'];

/**
 * Field classes that the dispatcher filters on every output (output schemas tag fields with
 * `.meta({ phi: <class> })`). A viewer outside `roles` who is not the record's subject sees
 * `UNAVAILABLE` in place of the value.
 */
export const FIELD_POLICIES = {
  'absence-detail': {
    label: 'Absence reason, notes and location (military movements)',
    permission: 'absence.read_details',
    subjectSees: true,
  },
} as const satisfies Record<string, { label: string; permission: Permission; subjectSees: boolean }>;
export type FieldClass = keyof typeof FIELD_POLICIES;
export const UNAVAILABLE = 'unavailable' as const;
