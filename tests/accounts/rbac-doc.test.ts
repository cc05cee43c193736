import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RBAC_DOC_PATH, renderRbacDoc } from '../../scripts/gen-rbac-doc';
import { ROLES, ROLE_PERMISSIONS, canManageRole, roleHas, sessionHas } from '../../shared/rbac';

describe('docs/rbac.md', () => {
  it('equals what scripts/gen-rbac-doc.ts renders from shared/rbac.ts (run it after changing the matrix)', () => {
    expect(readFileSync(RBAC_DOC_PATH, 'utf8')).toBe(renderRbacDoc());
  });
});

describe('matrix invariants the issue states', () => {
  it('compliance officer reads audit, incidents and reports but edits no schedule', () => {
    for (const p of ['audit.read', 'incidents.read', 'compliance.read'] as const) expect(roleHas('compliance_officer', p)).toBe(true);
    for (const p of ['schedule.edit', 'schedule.publish', 'people.edit', 'users.manage'] as const) expect(roleHas('compliance_officer', p)).toBe(false);
  });
  it('clinical staff read published schedules only', () => {
    expect(ROLE_PERMISSIONS.clinical_staff).toEqual(['schedule.read_published']);
  });
  it('coordinators cannot manage admin or coordinator accounts; admins manage every role', () => {
    expect(canManageRole('coordinator', 'admin')).toBe(false);
    expect(canManageRole('coordinator', 'coordinator')).toBe(false);
    expect(canManageRole('coordinator', 'resident')).toBe(true);
    expect(canManageRole('program_director', 'admin')).toBe(false);
    expect(canManageRole('program_director', 'coordinator')).toBe(true);
    for (const r of ROLES) expect(canManageRole('admin', r)).toBe(true);
    for (const r of ROLES) expect(canManageRole('resident', r)).toBe(false);
  });
  it('residents and faculty may request leave and swaps; break-glass never grants a write', () => {
    expect(roleHas('resident', 'absence.request')).toBe(true);
    expect(roleHas('faculty', 'absence.request')).toBe(true);
    expect(sessionHas('chief_resident', 'absence.read_details', false)).toBe(false);
    expect(sessionHas('chief_resident', 'absence.read_details', true)).toBe(true);
    expect(sessionHas('chief_resident', 'people.edit', true)).toBe(false);
    expect(sessionHas('resident', 'absence.read_details', true)).toBe(false);
  });
});
