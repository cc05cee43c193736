import { z } from 'zod';
import { Username } from '../accounts/username';
import { ROLES } from '../rbac';
import { defineCall } from './define';

const Iso = z.string().datetime();
const UserId = z.string().min(1).max(64);

export const UserStatus = z.enum(['active', 'disabled']);

export const UserSummary = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    status: UserStatus,
    /** The person record this account belongs to, when linked. */
    personId: z.string().nullable(),
    mfaEnrolled: z.boolean(),
    /** Locked after repeated failed sign-ins; an admin or the recovery path unlocks. */
    locked: z.boolean(),
    failedAttempts: z.number().int().nonnegative(),
    mustChangePassword: z.boolean(),
    acceptedNoticeVersion: z.string().nullable(),
    createdAt: Iso,
    lastLoginAt: Iso.nullable(),
  })
  .strict();
export type UserSummary = z.infer<typeof UserSummary>;

export const AccountPolicies = z
  .object({
    /** Automatic logoff after this much inactivity (HIPAA 164.312(a)(2)(iii)). */
    idleTimeoutMinutes: z.number().int().min(1).max(60),
    mfaRequiredRoles: z.array(z.enum(ROLES)),
    breakGlassMinutes: z.number().int().min(5).max(240),
  })
  .strict();
export type AccountPolicies = z.infer<typeof AccountPolicies>;

const TemporaryPassword = z
  .object({
    user: UserSummary,
    /** Hand this to the person; it works once, for 24 hours, and must be changed at sign-in. */
    temporaryPassword: z.string(),
    expiresAt: Iso,
  })
  .strict();

const ById = z.object({ userId: UserId }).strict();
const OneUser = z.object({ user: UserSummary }).strict();

export const usersCalls = {
  'users.list': defineCall({
    input: z.object({}).strict(),
    output: z.object({ users: z.array(UserSummary) }).strict(),
    access: 'users.manage',
    mutates: false,
    summary: 'List user accounts.',
  }),
  'users.create': defineCall({
    input: z
      .object({
        username: Username,
        displayName: z.string().trim().min(1).max(120),
        email: z.email().max(254),
        role: z.enum(ROLES),
        personId: z.string().min(1).max(64).optional(),
      })
      .strict(),
    output: TemporaryPassword,
    access: 'users.manage',
    mutates: true,
    summary: 'Create an account with a one-time temporary password.',
  }),
  'users.update': defineCall({
    input: z
      .object({
        userId: UserId,
        displayName: z.string().trim().min(1).max(120).optional(),
        email: z.email().max(254).optional(),
        role: z.enum(ROLES).optional(),
        personId: z.string().min(1).max(64).nullable().optional(),
      })
      .strict(),
    output: OneUser,
    access: 'users.manage',
    mutates: true,
    summary: 'Change an account\'s name, email, role or linked person; a role change applies on the next call.',
  }),
  'users.setStatus': defineCall({
    input: z.object({ userId: UserId, status: UserStatus }).strict(),
    output: OneUser,
    access: 'users.manage',
    mutates: true,
    summary: 'Disable or re-enable an account; disabling ends its sessions.',
  }),
  'users.resetPassword': defineCall({
    input: ById,
    output: TemporaryPassword,
    access: 'users.manage',
    mutates: true,
    summary: 'Issue a one-time temporary password (24 h) that must be changed at sign-in.',
  }),
  'users.unlock': defineCall({
    input: ById,
    output: OneUser,
    access: 'users.manage',
    mutates: true,
    summary: 'Unlock an account locked by failed sign-ins.',
  }),
  'users.resetMfa': defineCall({
    input: ById,
    output: OneUser,
    access: 'users.manage',
    mutates: true,
    summary: 'Remove a lost authenticator; the person enrolls again at next sign-in if policy requires.',
  }),
  'users.getPolicies': defineCall({
    input: z.object({}).strict(),
    output: AccountPolicies,
    access: 'settings.manage',
    mutates: false,
    summary: 'Account policies: idle timeout, MFA by role, break-glass duration.',
  }),
  'users.setPolicies': defineCall({
    input: AccountPolicies,
    output: AccountPolicies,
    access: 'settings.manage',
    mutates: true,
    summary: 'Change account policies.',
  }),
} as const;
