import { z } from 'zod';
import { defineCall } from './define';

/**
 * Key operations for administrators (docs/key-hierarchy.md): what protects the vault, an encrypted
 * backup to download, and a new data key. Never any key material, except the new recovery key
 * that vault.rekey returns once.
 */

const Iso = z.string().datetime();
const Password = z.string().min(1).max(1024);
/** A backup passphrase: checked against the password policy by the core (like account passwords). */
export const BackupPassphrase = z.string().min(1, 'required').max(1024);

export const KeySlotView = z
  .object({
    slotId: z.string(),
    kind: z.enum(['password', 'recovery']),
    /** The account a password slot opens the vault for (null for the recovery slot or a slot with no account). */
    userId: z.string().nullable(),
    username: z.string().nullable(),
    displayName: z.string().nullable(),
    createdAt: Iso,
    /** The slot lost its wrap in a rekey: the account's password must be reset by an administrator. */
    needsReset: z.boolean(),
  })
  .strict();
export type KeySlotView = z.infer<typeof KeySlotView>;

export const VaultInfoView = z
  .object({
    vaultId: z.string(),
    createdAt: Iso,
    format: z
      .object({
        /** Database format (vault_meta), schema version (migrations) and keystore format. */
        app: z.string(),
        schemaVersion: z.number().int(),
        keystore: z.string(),
        keystoreVersion: z.number().int(),
        keystoreGeneration: z.number().int(),
      })
      .strict(),
    cipher: z
      .object({
        /** e.g. "SQLCipher 4 (AES-256-CBC, HMAC-SHA512 per 4096-byte page)". */
        description: z.string(),
        pageSize: z.number().int(),
        hmac: z.string(),
        /** How the database key is made: a random 256-bit key, unwrapped from a key slot. */
        keyDerivation: z.string(),
        slotKdf: z.string(),
        memorySecurity: z.enum(['on', 'unsupported-by-driver']),
        library: z.string(),
      })
      .strict(),
    slots: z.array(KeySlotView),
    rekeyPending: z.boolean(),
    lastBackupAt: Iso.nullable(),
    databaseBytes: z.number().int().nonnegative(),
    /** What an administrator types to confirm emergency destruction (vault.destroy). */
    destructionPhrase: z.string(),
  })
  .strict();
export type VaultInfoView = z.infer<typeof VaultInfoView>;

/** The signed destruction certificate's summary; the certificate itself stays beside the removed vault. */
export const DestructionSummary = z
  .object({
    destroyedAt: Iso,
    /** The account that destroyed the vault (its id: the names went with the vault). */
    actorId: z.string(),
    vaultId: z.string(),
    certificateFile: z.string(),
  })
  .strict();
export type DestructionSummary = z.infer<typeof DestructionSummary>;

export const vaultCalls = {
  'vault.info': defineCall({
    input: z.object({}).strict(),
    output: VaultInfoView,
    access: 'vault.keys',
    mutates: false,
    summary: 'Cipher settings, format version, key slots (never key material), last backup and database size.',
  }),
  'vault.backup': defineCall({
    input: z
      .object({
        currentPassword: Password,
        /** Lets someone without the recovery key restore it; omitted = the recovery key only. */
        passphrase: BackupPassphrase.optional(),
      })
      .strict(),
    output: z
      .object({
        fileName: z.string(),
        mimeType: z.string(),
        /** The encrypted backup file, base64 (the renderer saves it like an export). */
        data: z.string(),
        bytes: z.number().int().positive(),
        createdAt: Iso,
        opensWith: z.array(z.enum(['recovery-key', 'passphrase'])),
      })
      .strict(),
    access: 'vault.keys',
    mutates: true,
    summary: 'Write an encrypted, authenticated backup (recovery key and optional passphrase) and return its bytes.',
  }),
  'vault.rekey': defineCall({
    input: z.object({ currentPassword: Password }).strict(),
    output: z
      .object({
        /** Shown once: the old recovery key no longer opens the vault. */
        recoveryKey: z.string(),
        /** Accounts whose key slots now need a password reset. */
        slotsNeedingReset: z.array(KeySlotView),
      })
      .strict(),
    access: 'vault.keys',
    mutates: true,
    summary: 'New data key (PRAGMA rekey) and new recovery key; other accounts need a password reset.',
  }),
  'vault.destroy': defineCall({
    input: z
      .object({
        currentPassword: Password,
        /** The phrase vault.info gives (destructionPhrase), typed exactly. */
        confirmation: z.string().min(1).max(200),
      })
      .strict(),
    output: DestructionSummary,
    access: 'vault.keys',
    mutates: true,
    summary: 'Emergency destruction: key slots overwritten, database removed, signed certificate left behind; every session ends.',
  }),
  'vault.revokeSlot': defineCall({
    input: z.object({ userId: z.string().min(1).max(64) }).strict(),
    output: z.object({ slots: z.array(KeySlotView) }).strict(),
    access: 'vault.keys',
    mutates: true,
    summary: "Remove an account's key slot (its password no longer unlocks the vault; a password reset gives it a new one).",
  }),
} as const;
