import type { SignedReceipt } from '../../shared/sync/protocol';

/**
 * What the hospital server stores, behind an interface so the embedded SQLite store (default) can be
 * swapped for PostgreSQL. Rules that keep it portable:
 * - every method is async (a network database cannot answer synchronously);
 * - plain values only: strings, safe integers, Uint8Array for hashes; no row ids, no SQL types;
 * - `appendBatch` is the single write that matters and is a compare-and-set on the head size, so
 *   two server processes (or a retry racing itself) can never store a range twice: on Postgres it
 *   is one transaction with `SELECT ... FOR UPDATE` on the device row;
 * - times are ISO-8601 UTC strings, compared as strings (they sort).
 */
export interface DeviceRecord {
  deviceId: string;
  origin: string;
  /** Raw Ed25519 / X25519 public keys, base64. */
  signingKey: string;
  sealingKey: string;
  enrolledAt: string;
  revokedAt: string | null;
}

export interface DeviceSummary extends DeviceRecord {
  size: number;
  lastReceiptAt: string | null;
  openAlerts: number;
  /** Security alerts the device's detection rules sent (device_alerts). */
  securityAlerts: number;
}

/** The device's accepted tree: its size, root, and the compact frontier needed to extend it. */
export interface DeviceHead {
  size: number;
  root: Uint8Array;
  /** Roots of the perfect subtrees on the right edge, left to right (one per 1-bit of size). */
  frontier: Uint8Array[];
}

export interface NewEntry {
  seq: number;
  leafHash: Uint8Array;
  /** The entry's canonical JSON, byte for byte as the device's log hashed it. */
  canonical: string;
  /** The entry's own time when it has one (for `audit --from --to`), else null. */
  entryTime: string | null;
}

export interface StoredEntry extends NewEntry {
  deviceId: string;
  receivedAt: string;
}

export interface AcceptedBatch {
  deviceId: string;
  /** The head size this batch was verified against; appendBatch fails with 'conflict' if it moved. */
  expectedSize: number;
  entries: NewEntry[];
  head: DeviceHead;
  /** SHA-256 (base64) of the checkpoint's canonical JSON: the idempotency key. */
  checkpointDigest: string;
  checkpointJson: string;
  receipt: SignedReceipt;
}

export type AlertKind = 'fork' | 'rollback' | 'bad-batch';

export interface NewAlert {
  deviceId: string;
  kind: AlertKind;
  at: string;
  /** Short non-PHI description: sizes, roots, the refusal. */
  detail: string;
  /** Canonical JSON of the evidence (signed checkpoints and receipts: no entry content). */
  evidence: string;
}

export interface StoredAlert extends NewAlert {
  id: number;
}

/** A security alert a device's detection rules raised (issue 10), as received. */
export interface DeviceAlert {
  deviceId: string;
  /** The device's own id for the alert: unique per device. */
  alertId: string;
  rule: string;
  severity: string;
  raisedAt: string;
  occurredAt: string;
  userId: string | null;
  count: number;
  auditSeq: number | null;
  /** Canonical JSON of the alert's details (codes and counts, no PHI). */
  details: string;
  /** SHA-256 (base64) of the alert's canonical JSON as the device sent it. */
  digest: string;
  receivedAt: string;
}

export interface EntryQuery {
  deviceId: string;
  fromSeq?: number;
  toSeq?: number;
  fromTime?: string;
  toTime?: string;
  limit?: number;
}

export interface ServerStore {
  close(): Promise<void>;

  /** Inserts a device; 'exists' when the id is taken (whatever its keys). */
  insertDevice(device: DeviceRecord): Promise<'ok' | 'exists'>;
  getDevice(deviceId: string): Promise<DeviceRecord | null>;
  listDevices(): Promise<DeviceSummary[]>;
  /** Returns false when the device is unknown or already revoked. */
  revokeDevice(deviceId: string, at: string): Promise<boolean>;

  /** null before the first accepted batch (size 0). */
  getHead(deviceId: string): Promise<DeviceHead | null>;
  /** Leaf hashes for seq (0-based leaf index) in [fromSeq, toSeq], in order. */
  getLeafHashes(deviceId: string, fromSeq: number, toSeq: number): Promise<Uint8Array[]>;
  getReceiptByCheckpoint(deviceId: string, checkpointDigest: string): Promise<SignedReceipt | null>;
  /** The receipt issued for the tree at exactly `size`, if any. */
  getReceiptAtSize(deviceId: string, size: number): Promise<SignedReceipt | null>;
  getLatestReceipt(deviceId: string): Promise<SignedReceipt | null>;

  appendBatch(batch: AcceptedBatch): Promise<'ok' | 'conflict'>;

  addAlert(alert: NewAlert): Promise<number>;
  listAlerts(filter?: { deviceId?: string }): Promise<StoredAlert[]>;

  /**
   * Stores a device's alerts in one transaction, idempotent per (deviceId, alertId): an alert held
   * with the same digest is skipped; one held with another digest stores nothing and names it.
   */
  addDeviceAlerts(alerts: DeviceAlert[]): Promise<{ stored: number; duplicates: number } | { conflict: string }>;
  listDeviceAlerts(filter?: { deviceId?: string }): Promise<DeviceAlert[]>;

  listEntries(query: EntryQuery): Promise<StoredEntry[]>;
  countEntries(deviceId?: string): Promise<number>;
}
