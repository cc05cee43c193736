import { z } from 'zod';
import { Username } from '../accounts/username';
import { PERMISSIONS, ROLES, type Permission } from '../rbac';
import { defineCall } from './define';

const PERMISSION_NAMES = Object.keys(PERMISSIONS) as [Permission, ...Permission[]];
const Iso = z.string().datetime();
/** Passwords are bounded here only against abuse; the policy (shared/accounts/password-policy) decides. */
const Password = z.string().min(1).max(1024);
const Empty = z.object({}).strict();

export const Gate = z.enum(['consent', 'password_change', 'mfa_enrollment']);

/** What the renderer knows about the signed-in user: enough to route, never a secret. */
export const SessionInfo = z
  .object({
    userId: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    /** The person record this account belongs to (own schedule, own requests and swaps). */
    personId: z.string().nullable(),
    /** Effective permissions, break-glass included: the renderer only hides controls with it. */
    permissions: z.array(z.enum(PERMISSION_NAMES)),
    /** Gates to clear, in order, before anything else works. */
    pending: z.array(Gate),
    mfaEnrolled: z.boolean(),
    mfaRequired: z.boolean(),
    idleTimeoutMs: z.number().int().positive(),
    idleExpiresAt: Iso,
    absoluteExpiresAt: Iso,
    /** Set when signed in with a temporary password: it stops working then. */
    temporaryPasswordExpiresAt: Iso.nullable(),
    breakGlass: z.object({ until: Iso }).strict().nullable(),
  })
  .strict();
export type SessionInfo = z.infer<typeof SessionInfo>;

export const IanaTimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'unknown time zone');

const NewAccount = z
  .object({
    username: Username,
    displayName: z.string().trim().min(1).max(120),
    email: z.email().max(254),
  })
  .strict();

const Otp = z.string().regex(/^\d{6}$/, 'six digits');
/** Recovery codes are shown as xxxxx-xxxxx; case and dashes are forgiven on input. */
const RecoveryCode = z.string().min(10).max(16);

export const BreakGlassProof = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('recovery_key'), recoveryKey: z.string().min(10).max(200) }).strict(),
  z
    .object({
      kind: z.literal('admin_approval'),
      /** A second administrator, present at this computer, signs the approval with their credentials. */
      username: Username,
      password: Password,
      otp: Otp.optional(),
    })
    .strict(),
]);

export const authCalls = {
  'auth.setup': defineCall({
    input: z
      .object({
        programName: z.string().trim().min(2).max(120),
        institution: z.string().trim().max(120).optional(),
        timeZone: IanaTimeZone,
        admin: NewAccount.extend({ password: Password }).strict(),
      })
      .strict(),
    output: z
      .object({
        userId: z.string(),
        /** Shown once, then forgotten by the core: the program must write it down. */
        recoveryKey: z.string(),
      })
      .strict(),
    access: 'public',
    mutates: true,
    summary: 'First run: create the encrypted vault, the program and its first administrator.',
  }),
  'auth.passwordPolicy': defineCall({
    input: Empty,
    output: z
      .object({
        minLength: z.number().int(),
        minLengthWithMfa: z.number().int(),
        maxLength: z.number().int(),
        maxBytes: z.number().int(),
        /** Context words to refuse, when a session exists (program, institution, own user name). */
        contextWords: z.array(z.string()),
      })
      .strict(),
    access: 'public',
    mutates: false,
    summary: 'The password policy, for inline validation.',
  }),
  'auth.login': defineCall({
    input: z
      .object({
        username: Username,
        password: Password,
        otp: Otp.optional(),
        recoveryCode: RecoveryCode.optional(),
      })
      .strict(),
    output: SessionInfo,
    access: 'public',
    mutates: true,
    summary: 'Sign in: unlocks the vault with this user\'s key slot when it is locked.',
  }),
  'auth.session': defineCall({
    input: Empty,
    output: z.object({ session: SessionInfo.nullable() }).strict(),
    access: 'public',
    mutates: false,
    summary: 'The caller\'s session, or null when signed out.',
  }),
  'auth.activity': defineCall({
    input: Empty,
    output: z.object({ idleExpiresAt: Iso }).strict(),
    access: 'session',
    mutates: false,
    summary: 'The person is active (typing, scrolling): restarts the idle timer.',
  }),
  'auth.logout': defineCall({
    input: Empty,
    output: z.object({ vaultLocked: z.boolean() }).strict(),
    access: 'session',
    mutates: true,
    summary: 'Sign out; the vault locks when no one else is signed in.',
  }),
  'auth.lock': defineCall({
    input: Empty,
    output: z.object({ vaultLocked: z.literal(true) }).strict(),
    access: 'session',
    mutates: true,
    summary: 'Lock now: ends every session, closes the database and wipes keys.',
  }),
  'auth.notice': defineCall({
    input: Empty,
    output: z.object({ version: z.string(), text: z.string(), acceptedVersion: z.string().nullable() }).strict(),
    access: 'session',
    mutates: false,
    summary: 'The acceptable-use and confidentiality notice to accept.',
  }),
  'auth.acceptNotice': defineCall({
    input: z.object({ version: z.string().min(1).max(40) }).strict(),
    output: SessionInfo,
    access: 'session',
    mutates: true,
    summary: 'Accept the current notice version.',
  }),
  'auth.changePassword': defineCall({
    input: z.object({ currentPassword: Password, newPassword: Password }).strict(),
    output: SessionInfo,
    access: 'session',
    mutates: true,
    summary: 'Change one\'s own password (the current one is required).',
  }),
  'auth.mfaBegin': defineCall({
    input: Empty,
    output: z.object({ secret: z.string(), otpauthUri: z.string(), qrDataUrl: z.string() }).strict(),
    access: 'session',
    mutates: false,
    summary: 'Start TOTP enrollment: a secret and its QR code, not active until confirmed.',
  }),
  'auth.mfaConfirm': defineCall({
    input: z.object({ otp: Otp, currentPassword: Password }).strict(),
    output: z.object({ recoveryCodes: z.array(z.string()), session: SessionInfo }).strict(),
    access: 'session',
    mutates: true,
    summary: 'Finish TOTP enrollment with a first code; returns one-time recovery codes (shown once).',
  }),
  'auth.mfaDisable': defineCall({
    input: z.object({ currentPassword: Password }).strict(),
    output: SessionInfo,
    access: 'session',
    mutates: true,
    summary: 'Remove one\'s own TOTP, unless policy requires it for the role.',
  }),
  'auth.breakGlass': defineCall({
    input: z.object({ reason: z.string().trim().min(10).max(500), proof: BreakGlassProof }).strict(),
    output: SessionInfo,
    access: 'breakglass.use',
    mutates: true,
    summary: 'Emergency access: time-limited elevated read access, every action audited at high severity.',
  }),
  'auth.endBreakGlass': defineCall({
    input: Empty,
    output: SessionInfo,
    access: 'session',
    mutates: true,
    summary: 'End break-glass access early.',
  }),
  'auth.recover': defineCall({
    input: z.object({ recoveryKey: z.string().min(10).max(200), username: Username, newPassword: Password }).strict(),
    output: z.object({ userId: z.string() }).strict(),
    access: 'public',
    mutates: true,
    summary: 'Forgotten password or locked account: the recovery key sets a new password and unlocks the account.',
  }),
} as const;
