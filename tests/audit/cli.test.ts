import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditCommand } from '../../electron/cli/commands/audit';
import { memoryIo } from '../../electron/cli/io';
import { exportAudit } from '../../electron/core/audit/export';
import { runChange } from '../../electron/core/db/unit-of-work';
import { compliance, coordinator, fixture, type Fixture } from './helpers';

let f: Fixture;
afterEach(() => f?.cleanup());

function fill(f: Fixture, n: number): void {
  for (let i = 0; i < n; i++) {
    runChange(f.db, f.log, coordinator, (tx) => {
      tx.record({ action: 'shift.create', resourceType: 'shift', resourceId: `s${i}`, after: { id: `s${i}`, hours: 12 + (i % 3) } });
    });
  }
  f.log.checkpoint();
}

describe('rsched audit', () => {
  it('verify --db --key-hex-stdin: 0 on an intact vault, 1 naming the first bad seq after tampering', async () => {
    f = fixture({ kind: 'cipher', checkpointEvery: 10 });
    fill(f, 25);
    const path = f.dbPath as string;
    const pub = join(f.dir, 'device.pem');
    writeFileSync(pub, f.signer.publicKeyPem);
    f.db.close();

    let io = memoryIo(`${f.keyHex}\n`);
    expect(await auditCommand.run(['verify', '--db', path, '--key-hex-stdin', '--public-key', pub], io)).toBe(0);
    expect(io.out.join('')).toMatch(/audit trail verified: 25 entries, \d+ signed checkpoints, anchor ok/);

    const Database = (await import('better-sqlite3-multiple-ciphers')).default;
    const db = new Database(path);
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    db.pragma(`key="x'${f.keyHex}'"`);
    db.exec("DROP TRIGGER audit_entry_no_update; UPDATE audit_entry SET entry = replace(entry, '\"hours\":13', '\"hours\":1') WHERE seq = 16");
    db.close();
    io = memoryIo(`${f.keyHex}\n`);
    expect(await auditCommand.run(['verify', '--db', path, '--key-hex-stdin', '--json'], io)).toBe(1);
    const report = JSON.parse(io.out.join('')) as { ok: boolean; firstBadSeq: number };
    expect(report).toMatchObject({ ok: false, firstBadSeq: 16 });

    io = memoryIo('not-a-key');
    await expect(auditCommand.run(['verify', '--db', path, '--key-hex-stdin'], io)).rejects.toThrow(/64 lowercase hex/);
    io = memoryIo('ab'.repeat(32));
    expect(await auditCommand.run(['verify', '--db', path, '--key-hex-stdin'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/wrong key/);
  });

  it('verify-export checks the signature, the data and the proofs offline', async () => {
    f = fixture({ checkpointEvery: 10 });
    fill(f, 12);
    const ex = await exportAudit(f.db, f.log, compliance, { format: 'json' }, f.clock);
    const files = { data: join(f.dir, 'audit.json'), manifest: join(f.dir, 'audit.manifest.json'), sig: join(f.dir, 'audit.manifest.sig'), pub: join(f.dir, 'device.pem') };
    writeFileSync(files.data, ex.data);
    writeFileSync(files.manifest, ex.manifestBytes);
    writeFileSync(files.sig, ex.signature.toString('base64') + '\n');
    writeFileSync(files.pub, f.signer.publicKeyPem);
    const args = ['verify-export', '--data', files.data, '--manifest', files.manifest, '--signature', files.sig, '--public-key', files.pub];
    let io = memoryIo();
    expect(await auditCommand.run(args, io)).toBe(0);
    expect(io.out.join('')).toMatch(/export verified: 12 entries \(seq 0\.\.11\)/);
    writeFileSync(files.data, ex.data.toString('utf8').replace('"hours\\":12', '"hours\\":99'));
    io = memoryIo();
    expect(await auditCommand.run(args, io)).toBe(1);
    expect(io.out.join('')).toMatch(/does not match the manifest hash/);
  });

  it('refuses bad usage', async () => {
    await expect(auditCommand.run(['verify'], memoryIo())).rejects.toThrow(/--db FILE or --vault DIR/);
    await expect(auditCommand.run(['verify', '--db', 'x'], memoryIo())).rejects.toThrow(/--key-hex-stdin/);
    await expect(auditCommand.run(['explode'], memoryIo())).rejects.toThrow(/unknown audit command/);
  });
});
