import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { canonicalJson } from '../shared/canonical-json';
import { bytesEqual, toBase64 } from '../shared/merkle/index';
import { AppError } from '../shared/errors';
import { leafHashOf, rootOfLeaves } from '../electron/core/sync/protocol/merkle';
import type { ServerStore } from './storage/types';

/**
 * The hospital's archive export: JSON lines, one `device` line (enrollment, accepted size and
 * root, newest signed receipt) followed by that device's `entry` lines (seq, leaf hash, canonical
 * entry) and its `security_alert` lines (the alerts its detection rules sent, as stored). Before writing, every leaf hash is recomputed and the root rebuilt and compared with the
 * accepted head, so an export is never made from a damaged store. Anyone can re-verify the file
 * with shared/merkle and the device keys it names.
 */
export async function exportArchive(store: ServerStore, outPath: string, opts: { deviceId?: string } = {}): Promise<{ devices: number; entries: number }> {
  const devices = (await store.listDevices()).filter((d) => !opts.deviceId || d.deviceId === opts.deviceId);
  if (opts.deviceId && devices.length === 0) throw new AppError('NOT_FOUND', `no device ${opts.deviceId}`);
  const out = createWriteStream(outPath, { mode: 0o600, flags: 'wx' });
  const write = async (line: unknown): Promise<void> => {
    if (!out.write(canonicalJson(line) + '\n')) await once(out, 'drain');
  };
  let entries = 0;
  try {
    for (const d of devices) {
      const head = await store.getHead(d.deviceId);
      const rows = await store.listEntries({ deviceId: d.deviceId });
      const leaves = rows.map((r) => r.leafHash);
      rows.forEach((r, i) => {
        if (r.seq !== i || !bytesEqual(leafHashOf(r.canonical), r.leafHash)) throw new AppError('DATABASE_DAMAGED', `stored entry ${i} of ${d.deviceId} does not match its leaf hash`);
      });
      if (head && !bytesEqual(rootOfLeaves(leaves), head.root)) throw new AppError('DATABASE_DAMAGED', `stored entries of ${d.deviceId} do not rebuild the accepted root`);
      const latest = await store.getLatestReceipt(d.deviceId);
      await write({ kind: 'device', deviceId: d.deviceId, origin: d.origin, signingKey: d.signingKey, sealingKey: d.sealingKey, enrolledAt: d.enrolledAt, revokedAt: d.revokedAt, size: d.size, root: head ? toBase64(head.root) : null, latestReceipt: latest });
      for (const r of rows) {
        await write({ kind: 'entry', deviceId: d.deviceId, seq: r.seq, leafHash: toBase64(r.leafHash), receivedAt: r.receivedAt, entry: JSON.parse(r.canonical) as unknown });
        entries++;
      }
      for (const a of await store.listDeviceAlerts({ deviceId: d.deviceId })) {
        await write({ kind: 'security_alert', ...a, details: JSON.parse(a.details) as unknown });
      }
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { devices: devices.length, entries };
}
