import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../electron/core/audit/log';
import { signerFromKey } from '../../electron/core/audit/signer';
import { ManualClock } from '../../electron/core/clock';
import { sequentialIds } from '../../electron/core/ids';
import { createLogger, memorySink } from '../../electron/core/logger';
import { bindUnit } from '../../electron/core/schedule/change';
import { ScheduleService } from '../../electron/core/schedule/service';
import { openScheduleStore } from '../../electron/core/schedule/store';
import { createVault, getDeviceSigningKey, testKdfPolicy, type UnlockedVault } from '../../electron/core/vault/index';
import type { AuditActor } from '../../shared/audit/entry';

/** A real SQLCipher vault with the real audit log and the scheduling services on it. */
export async function scheduleFixture(timeZone = 'America/New_York') {
  const dir = mkdtempSync(join(tmpdir(), 'rsched-schedule-'));
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  const logger = createLogger({ sink: memorySink() });
  const { vault } = await createVault({ dir, programName: 'Test Program', timeZone, firstSlot: { slotId: 'user:admin', password: 'correct horse battery staple 42' }, clock, logger, kdfPolicy: testKdfPolicy() });
  const audit = AuditLog.open(vault.db, { clock, signer: signerFromKey(getDeviceSigningKey(vault.db)), anchorPath: null });
  const { unit, read } = bindUnit(vault.db, audit);
  const store = openScheduleStore(vault.db);
  const service = new ScheduleService(store, unit, sequentialIds('rec'), clock);
  const actor: AuditActor = { type: 'user', userId: 'u-coord', role: 'coordinator', sessionId: 's-1' };
  const auditRows = (): Array<{ action: string; before: unknown; after: unknown; resource: { type: string; id: string | null } }> =>
    (vault.db.prepare('SELECT entry FROM audit_entry ORDER BY seq').pluck().all() as string[]).map((t) => JSON.parse(t));
  return {
    dir, clock, vault: vault as UnlockedVault, audit, store, service, actor, read, auditRows,
    close: () => {
      vault.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
