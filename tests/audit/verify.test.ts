import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditVerifyReport } from '../../shared/audit/verify';
import { leafHashOfText } from '../../electron/core/audit/hash';
import { verifyAudit, type VerifyOptions } from '../../electron/core/audit/verify';
import { runChange } from '../../electron/core/db/unit-of-work';
import { AuditLog } from '../../electron/core/audit/log';
import { AUDIT_SCHEMA_V10 } from '../../electron/core/db/migrations/0010_audit_log';
import { ManualClock } from '../../electron/core/clock';
import { readerFor } from '../../electron/core/vault/readers';
import { makeVault, tempRoot } from '../vault/helpers';
import { coordinator, fixture, makeSigner, type Fixture } from './helpers';

let f: Fixture;
afterEach(() => f?.cleanup());

function fill(f: Fixture, n: number): void {
  for (let i = 0; i < n; i++) {
    runChange(f.db, f.log, coordinator, (tx) => {
      tx.db.prepare('INSERT INTO item (id, label, count) VALUES (?, ?, ?)').run(`i${i}`, `label ${i}`, i);
      tx.record({ action: 'assignment.create', resourceType: 'assignment', resourceId: `i${i}`, subject: `person-${i % 7}`, before: null, after: { id: `i${i}`, count: i } });
    });
  }
}

/** Someone holding the key: drops the append-only triggers, edits, and (optionally) puts them back. */
function asAttacker(f: Fixture, sql: string, restoreTriggers = true): void {
  const triggers = f.db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'audit_%'").all() as Array<{ name: string; sql: string }>;
  for (const t of triggers) f.db.exec(`DROP TRIGGER ${t.name}`);
  f.db.exec(sql);
  if (restoreTriggers) for (const t of triggers) f.db.exec(t.sql);
}

const modes: Array<{ name: string; kind: 'memory' | 'cipher'; verify: VerifyOptions; parallelReads: boolean }> = [
  { name: 'in-memory, main thread', kind: 'memory', verify: { workers: 0, chunkSize: 16 }, parallelReads: false },
  { name: 'SQLCipher file, 2 worker threads hashing what the main thread reads', kind: 'cipher', verify: { workers: 2, chunkSize: 16, reader: null }, parallelReads: false },
  { name: 'SQLCipher file, 2 worker threads reading on their own connections', kind: 'cipher', verify: { workers: 2, chunkSize: 16 }, parallelReads: true },
];

for (const mode of modes) {
  describe(`verifyAudit (${mode.name})`, () => {
    const reader = (f: Fixture): VerifyOptions['reader'] => (mode.parallelReads && f.dbPath && f.keyHex ? { path: f.dbPath, dek: Buffer.from(f.keyHex, 'hex') } : null);
    const verify = (f: Fixture, extra: VerifyOptions = {}) => verifyAudit(f.db, { anchorPath: f.anchorPath, reader: reader(f), ...mode.verify, ...extra });
    const setup = (n = 70): Fixture => {
      f = fixture({ kind: mode.kind, checkpointEvery: 20 });
      fill(f, n);
      f.log.checkpoint();
      return f;
    };

    it('accepts an intact log, checking every checkpoint and the anchor', async () => {
      setup();
      const r = await verify(f);
      expect(AuditVerifyReport.parse(r)).toEqual(r);
      expect(r.problems).toEqual([]);
      expect(r).toMatchObject({ ok: true, size: 70, firstBadSeq: null, anchor: 'ok', lastCheckpoint: { size: 70 } });
      expect(r.checkpointsVerified).toBe(5); // sizes 1, 21, 41, 61, 70
      expect(r.workers).toBe(mode.verify.workers);
      expect(r.parallelReads).toBe(mode.parallelReads);
    });

    it('detects a row modified through SQL with the key, triggers dropped and restored', async () => {
      setup();
      asAttacker(f, "UPDATE audit_entry SET entry = replace(entry, '\"count\":33', '\"count\":34') WHERE seq = 33");
      const r = await verify(f);
      expect(r.ok).toBe(false);
      expect(r.firstBadSeq).toBe(33);
      expect(r.problems.map((p) => p.kind)).toContain('entry-modified');
    });

    for (const target of [45, 47, 48]) {
      it(`detects entry ${target} rewritten together with its leaf hash (chain and signed roots)`, async () => {
        setup();
        const text = f.db.prepare('SELECT entry FROM audit_entry WHERE seq = ?').pluck().get(target) as string;
        const forged = text.replace(`"count":${target}`, '"count":999');
        expect(forged).not.toBe(text);
        const leaf = leafHashOfText(forged);
        asAttacker(f, `UPDATE audit_entry SET entry = '${forged}' WHERE seq = ${target}; UPDATE audit_node SET hash = x'${leaf.toString('hex')}' WHERE level = 0 AND idx = ${target};`);
        const r = await verify(f);
        expect(r.ok).toBe(false);
        expect(r.firstBadSeq).toBe(target);
        expect(r.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['chain-broken', 'checkpoint-root']));
      });
    }

    it('detects a deleted row', async () => {
      setup();
      asAttacker(f, 'DELETE FROM audit_entry WHERE seq = 12');
      const r = await verify(f);
      expect(r.ok).toBe(false);
      expect(r.firstBadSeq).toBe(12);
      expect(r.problems.map((p) => p.kind)).toContain('entry-missing');
    });

    it('detects reordered rows', async () => {
      setup();
      const a = f.db.prepare('SELECT entry FROM audit_entry WHERE seq = 50').pluck().get() as string;
      const b = f.db.prepare('SELECT entry FROM audit_entry WHERE seq = 51').pluck().get() as string;
      const upd = f.db.prepare('UPDATE audit_entry SET entry = ? WHERE seq = ?');
      asAttacker(f, 'SELECT 1');
      f.db.exec('DROP TRIGGER audit_entry_no_update');
      upd.run(b, 50);
      upd.run(a, 51);
      const r = await verify(f);
      expect(r.ok).toBe(false);
      expect(r.firstBadSeq).toBe(50);
      expect(r.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['entry-out-of-order', 'schema']));
    });

    it('detects a truncated tail against the last checkpoint', async () => {
      setup();
      asAttacker(f, 'DELETE FROM audit_entry WHERE seq >= 64; DELETE FROM audit_node WHERE level = 0 AND idx >= 64');
      const r = await verify(f);
      expect(r.ok).toBe(false);
      expect(r.firstBadSeq).toBe(64);
      expect(r.problems.map((p) => p.kind)).toContain('truncated');
    });

    it('detects a truncated tail with the checkpoints removed too, against the local anchor', async () => {
      setup();
      asAttacker(f, 'DELETE FROM audit_entry WHERE seq >= 64; DELETE FROM audit_node WHERE level = 0 AND idx >= 64; DELETE FROM audit_checkpoint WHERE size > 61');
      const r = await verify(f);
      expect(r.ok).toBe(false);
      expect(r.firstBadSeq).toBe(64);
      expect(r.problems.find((p) => p.kind === 'truncated')?.message).toMatch(/64 entries .* covers 70/);
      // Without the anchor the shortened log looks whole: that is what the anchor is for.
      const blind = await verify(f, { anchorPath: null });
      expect(blind.ok).toBe(true);
    });

    it('detects a rewritten and re-signed history when the anchor holds the old root', async () => {
      setup(30);
      // Strong attacker: rebuilds the whole log with a new key. The anchor pins the old key and root.
      const other = fixture({ kind: 'memory', checkpointEvery: 20, signer: makeSigner('device-test-1') });
      try {
        fill(other, 30);
        other.log.checkpoint();
        const r = await verifyAudit(other.db, { anchorPath: f.anchorPath, ...mode.verify });
        expect(r.ok).toBe(false);
        expect(r.problems.map((p) => p.kind)).toContain('checkpoint-key');
      } finally {
        other.cleanup();
      }
    });

    it('detects dropped triggers and a forged checkpoint signature', async () => {
      setup(25);
      asAttacker(f, "UPDATE audit_checkpoint SET signature = zeroblob(64) WHERE size = 21", false);
      const r = await verify(f);
      expect(r.ok).toBe(false);
      const kinds = r.problems.map((p) => p.kind);
      expect(kinds).toContain('schema');
      expect(kinds).toContain('checkpoint-signature');
    });

    it('detects a tampered anchor file', async () => {
      setup(25);
      writeFileSync(f.anchorPath, '{"kind":"residency-scheduler/audit-anchor"}');
      expect((await verify(f)).anchor).toBe('bad');
      rmSync(f.anchorPath);
      const r = await verify(f);
      expect(r.anchor).toBe('missing');
      expect(r.ok).toBe(false);
    });
  });
}

describe('verifyAudit deep mode', () => {
  it('flags an entry that hashes correctly but is not a valid canonical entry', async () => {
    f = fixture({ checkpointEvery: 1000 });
    fill(f, 5);
    const text = f.db.prepare('SELECT entry FROM audit_entry WHERE seq = 4').pluck().get() as string;
    const forged = text.replace('{"action"', '{"zzz":1,"action"'); // not canonical, unknown key
    asAttacker(f, `UPDATE audit_entry SET entry = '${forged}' WHERE seq = 4; UPDATE audit_node SET hash = x'${leafHashOfText(forged).toString('hex')}' WHERE level = 0 AND idx = 4;`);
    const fast = await verifyAudit(f.db, { anchorPath: f.anchorPath });
    expect(fast.problems.filter((p) => p.kind === 'entry-unreadable')).toEqual([]);
    const deep = await verifyAudit(f.db, { anchorPath: f.anchorPath, deep: true });
    expect(deep.problems.map((p) => p.kind)).toContain('entry-unreadable');
    expect(deep.firstBadSeq).toBe(4);
  });
});

describe('verifyAudit schema versions', () => {
  it('accepts a database still at audit schema version 10, and flags a mix of the two', async () => {
    f = fixture({ kind: 'memory', checkpointEvery: 20 });
    fill(f, 30);
    f.log.checkpoint();
    // Back to what version 10 left: the guard on audit_entry, none on audit_node.
    f.db.exec('DROP TRIGGER audit_node_leaf_next');
    f.db.exec(AUDIT_SCHEMA_V10.find((i) => i.name === 'audit_entry_next_seq')?.sql ?? '');
    expect(await verifyAudit(f.db, { anchorPath: f.anchorPath })).toMatchObject({ ok: true, problems: [] });
    f.db.exec('DROP TRIGGER audit_entry_next_seq');
    const r = await verifyAudit(f.db, { anchorPath: f.anchorPath });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.message)).toContain('trigger audit_node_leaf_next is missing (append-only protection removed?)');
  });
});

describe('verifyAudit parallel readers', () => {
  it("falls back to reading on the caller's connection when a worker cannot open the file", async () => {
    f = fixture({ kind: 'cipher', checkpointEvery: 20 });
    fill(f, 40);
    f.log.checkpoint();
    const r = await verifyAudit(f.db, { anchorPath: f.anchorPath, workers: 2, chunkSize: 16, reader: { path: f.dbPath as string, dek: randomBytes(32) } });
    expect(r).toMatchObject({ ok: true, size: 40, workers: 2, parallelReads: false });
  });

  it('reads in the workers for a vault connection, and stops once the vault is locked', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const { vault } = await makeVault(join(root, 'v'));
      const db = vault.db;
      const log = AuditLog.open(db, { clock: new ManualClock('2026-07-01T12:00:00Z'), signer: makeSigner(), anchorPath: null });
      for (let i = 0; i < 40; i++) runChange(db, log, coordinator, (tx) => tx.record({ action: 'assignment.create', resourceType: 'assignment', resourceId: `a${i}`, before: null, after: { n: i } }));
      const r = await verifyAudit(db, { workers: 2, chunkSize: 16 });
      expect(r).toMatchObject({ ok: true, size: 40, parallelReads: true });
      vault.close();
      expect(readerFor(db)).toBeNull();
    } finally {
      cleanup();
    }
  });
});
