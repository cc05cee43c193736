import type { SyncStatusView } from '../../../shared/contract/sync';
import * as ds from '../sync/device-store';
import { fingerprint } from '../sync/protocol/keys';
import type { SyncRuntime } from './runtime';
import { readIntervalMinutes } from './settings';

/** What sync.status (and sync.resume) return: the device's status plus enrollment and receipt facts. */
export function statusView(rt: SyncRuntime): SyncStatusView {
  const db = rt.ws.db;
  // The app's status: pendingEntries there is what the next push would carry.
  const st = rt.device.status();
  const server = ds.readIdentity(db)?.server ?? null;
  const latest = ds.latestReceipt(db);
  return {
    deviceId: rt.device.deviceId,
    enrolled: server !== null,
    transport: server === null ? null : server.url ? 'https' : 'file',
    serverId: server?.serverId ?? null,
    serverUrl: server?.url ?? null,
    serverFingerprint: server ? fingerprint({ signingKey: server.signingKey, sealingKey: server.sealingKey, tlsSpkiSha256: server.tlsSpkiSha256 }) : null,
    enrolledAt: server?.enrolledAt ?? null,
    intervalMinutes: readIntervalMinutes(db),
    agentRunning: rt.agentRunning && !st.halted,
    logSize: st.logSize,
    ackedSize: st.ackedSize,
    pendingEntries: Math.max(0, st.logSize - st.ackedSize),
    upToDate: st.pendingEntries === 0,
    inFlight: st.inFlight,
    lastAttemptAt: st.lastAttemptAt,
    lastSuccessAt: st.lastSuccessAt,
    lastError: st.lastError,
    failures: st.failures,
    halted: st.halted,
    lastReceipt: latest ? { size: latest.receipt.size, root: latest.receipt.root, receivedAt: latest.receipt.receivedAt } : null,
    alerts: rt.device.alerts(),
    securityAlertsWaiting: st.securityAlertsWaiting,
  };
}
