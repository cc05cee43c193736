import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreBackup, unlockWithPassword } from '../../electron/core/vault';
import { makeVault, PASSWORD, tempRoot } from './helpers';

/** A restore that crashed before its swap leaves `<dir>.restore-<uuid>` beside the vault folder. */
function leaveStaging(dir: string): string {
  const staging = `${dir}.restore-${randomUUID()}`;
  mkdirSync(staging);
  writeFileSync(join(staging, 'vault.db'), 'half a restore');
  writeFileSync(join(staging, 'keystore.json'), '{}');
  return staging;
}

describe('staging folders of an interrupted restore', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it('are removed at the next unlock; neighbours that are not staging folders stay', async () => {
    const { root, cleanup } = tempRoot();
    cleanups.push(cleanup);
    const dir = join(root, 'vault');
    const { vault, ctx } = await makeVault(dir);
    vault.close();
    const staging = [leaveStaging(dir), leaveStaging(dir)];
    const keep = [`${dir}.before-restore-2026-07-01T12-00-00-000Z`, `${dir}.restore-notes`, join(root, `other.restore-${randomUUID()}`)];
    for (const k of keep) mkdirSync(k);

    const opened = await unlockWithPassword({ dir, slotId: 'user:admin', password: PASSWORD, ...ctx });
    opened.close();

    expect(staging.filter((s) => existsSync(s))).toEqual([]);
    expect(keep.filter((k) => existsSync(k))).toEqual(keep);
    expect(ctx.sink.records.some((r) => r.msg === 'removed staging folders of an interrupted restore')).toBe(true);
  });

  it('are removed when the next restore into the same folder starts, and that restore succeeds', async () => {
    const { root, cleanup } = tempRoot();
    cleanups.push(cleanup);
    const { vault, recoveryKey, ctx } = await makeVault(join(root, 'source'));
    const file = join(root, 'backup.rsbk');
    await vault.backup(file, {});
    vault.close();
    const target = join(root, 'restored');
    const staging = leaveStaging(target);

    await restoreBackup({ file, dir: target, recoveryKey, ...ctx });

    expect(existsSync(staging)).toBe(false);
    const opened = await unlockWithPassword({ dir: target, slotId: 'user:admin', password: PASSWORD, ...ctx });
    expect(opened.info().programName).toBe('Internal Medicine Residency');
    opened.close();
  });
});
