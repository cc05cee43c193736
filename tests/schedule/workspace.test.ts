import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock';
import { sequentialIds } from '../../electron/core/ids';
import { createLogger, memorySink } from '../../electron/core/logger';
import { createVault, testKdfPolicy } from '../../electron/core/vault/index';
import { workspaceFor } from '../../electron/core/workspace';

describe('the vault workspace', () => {
  it('is one per connection and teaches the logger every person name it holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsched-ws-'));
    const clock = new ManualClock('2026-06-01T00:00:00Z');
    const sink = memorySink();
    const logger = createLogger({ sink, clock });
    const { vault } = await createVault({ dir, programName: 'P', timeZone: 'UTC', firstSlot: { slotId: 'user:a', password: 'correct horse battery staple 42' }, clock, logger, kdfPolicy: testKdfPolicy() });
    try {
      const deps = { dataDir: dir, clock, ids: sequentialIds('w'), logger };
      const ws = workspaceFor(vault.db, deps);
      expect(workspaceFor(vault.db, deps)).toBe(ws);
      ws.service.savePerson({ type: 'user', userId: 'u1', role: 'coordinator', sessionId: 's1' }, {
        displayName: 'Ingrid Vasquez-Holloway', email: null, kind: 'faculty', pgy: null, specialty: 'im', facultyRoles: [], trainingStart: null, trainingEnd: null, active: true,
      });
      logger.warn('constraint failed while saving Ingrid Vasquez-Holloway');
      expect(JSON.stringify(sink.records)).not.toMatch(/Ingrid|Vasquez/);
    } finally {
      vault.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
