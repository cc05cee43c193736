import { afterEach, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../shared/audit/entry';
import { AppError } from '../../shared/errors';
import { fromBase64 } from '../../shared/merkle/bytes';
import { verifyInclusion } from '../../shared/merkle/verify';
import { readAnchor } from '../../electron/core/audit/anchor';
import { checkSignedCheckpoint } from '../../electron/core/audit/checkpoint';
import { diffFields } from '../../electron/core/audit/diff';
import { GENESIS_PREV, leafHashOfText, nodeHasher } from '../../electron/core/audit/hash';
import { recordOutcome, recordRead, runChange } from '../../electron/core/db/unit-of-work';
import { coordinator, fixture, type Fixture } from './helpers';

let f: Fixture;
afterEach(() => f?.cleanup());

const count = (f: Fixture, table: string): number => f.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const entries = (f: Fixture): Array<{ seq: number; entry: string }> =>
  f.db.prepare('SELECT seq, entry FROM audit_entry ORDER BY seq').all() as Array<{ seq: number; entry: string }>;

function addItem(f: Fixture, id: string, label: string): void {
  runChange(f.db, f.log, coordinator, (tx) => {
    const row = { id, label, count: 1 };
    tx.db.prepare('INSERT INTO item (id, label, count) VALUES (?, ?, ?)').run(id, label, 1);
    tx.record({ action: 'rotation.create', resourceType: 'rotation', resourceId: id, before: null, after: row });
  });
}

describe('unit of work', () => {
  it('commits the write and its entry together, chained and hashed as documented', () => {
    f = fixture();
    addItem(f, 'r1', 'Cardiology');
    addItem(f, 'r2', 'Nephrology');
    expect(count(f, 'item')).toBe(2);
    const rows = entries(f);
    expect(rows.map((r) => r.seq)).toEqual([0, 1]);
    const e0 = AuditEntry.parse(JSON.parse(rows[0]!.entry));
    const e1 = AuditEntry.parse(JSON.parse(rows[1]!.entry));
    expect(e0.prev).toBe(GENESIS_PREV);
    expect(e1.prev).toBe(leafHashOfText(rows[0]!.entry).toString('base64'));
    expect(e0).toMatchObject({ seq: 0, action: 'rotation.create', outcome: 'success', actor: coordinator, deviceId: 'device-test-1', time: '2026-07-01T12:00:00.000Z' });
    expect(e0.after).toEqual({ id: 'r1', label: 'Cardiology', count: 1 });
    expect(e0.before).toBeUndefined();
    const stored = f.db.prepare('SELECT hash FROM audit_node WHERE level = 0 AND idx = 1').pluck().get() as Buffer;
    expect(stored.equals(leafHashOfText(rows[1]!.entry))).toBe(true);
    expect(Buffer.from(nodeHasher.leafHash(new TextEncoder().encode(rows[1]!.entry))).equals(stored)).toBe(true);
  });

  it('a failed change leaves neither data nor entry, and the log continues without a gap', () => {
    f = fixture();
    addItem(f, 'r1', 'Cardiology');
    expect(() =>
      runChange(f.db, f.log, coordinator, (tx) => {
        tx.db.prepare('INSERT INTO item (id, label, count) VALUES (?, ?, ?)').run('r2', 'X', 1);
        tx.record({ action: 'rotation.create', resourceType: 'rotation', resourceId: 'r2', after: { id: 'r2' } });
        throw new Error('constraint checked late');
      }),
    ).toThrow('constraint checked late');
    expect(count(f, 'item')).toBe(1);
    expect(count(f, 'audit_entry')).toBe(1);
    expect(count(f, 'audit_node')).toBe(1);
    expect(f.log.size).toBe(1);
    addItem(f, 'r3', 'Neurology');
    expect(entries(f).map((r) => r.seq)).toEqual([0, 1]);
    const e1 = JSON.parse(entries(f)[1]!.entry) as { prev: string; resource: { id: string } };
    expect(e1.resource.id).toBe('r3');
    expect(e1.prev).toBe(leafHashOfText(entries(f)[0]!.entry).toString('base64'));
  });

  it('refuses to commit a change that recorded no entry', () => {
    f = fixture();
    let err: unknown;
    try {
      runChange(f.db, f.log, coordinator, (tx) => {
        tx.db.prepare('INSERT INTO item (id, label, count) VALUES (?, ?, ?)').run('r1', 'X', 1);
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(count(f, 'item')).toBe(0);
    expect(count(f, 'audit_entry')).toBe(0);
  });

  it('a failed COMMIT-level problem inside an outer transaction does not desynchronise the log', () => {
    f = fixture();
    addItem(f, 'r1', 'A');
    // An outer transaction that rolls back after a nested unit of work committed its savepoint.
    expect(() =>
      f.db.transaction(() => {
        addItem(f, 'r2', 'B');
        throw new Error('outer fails');
      })(),
    ).toThrow('outer fails');
    expect(count(f, 'audit_entry')).toBe(1);
    addItem(f, 'r3', 'C');
    expect(entries(f).map((r) => r.seq)).toEqual([0, 1]);
    const e1 = JSON.parse(entries(f)[1]!.entry) as { prev: string };
    expect(e1.prev).toBe(leafHashOfText(entries(f)[0]!.entry).toString('base64'));
  });

  it('records denied and failed attempts outside the failed transaction, and refuses inside one', () => {
    f = fixture();
    recordOutcome(f.db, f.log, coordinator, {
      action: 'user.role_change',
      resourceType: 'user',
      resourceId: 'user-0009',
      outcome: 'denied',
      reason: 'coordinator may not grant admin',
      attempted: { role: 'admin' },
    });
    const e = AuditEntry.parse(JSON.parse(entries(f)[0]!.entry));
    expect(e).toMatchObject({ outcome: 'denied', action: 'user.role_change', after: { role: 'admin' } });
    expect(() =>
      f.db.transaction(() => recordOutcome(f.db, f.log, coordinator, { action: 'user.update', resourceType: 'user', resourceId: 'u', outcome: 'failed' }))(),
    ).toThrow(/outside the failed transaction/);
    expect(count(f, 'audit_entry')).toBe(1);
  });

  it('records reads, and only read actions', () => {
    f = fixture();
    recordRead(f.db, f.log, coordinator, { action: 'absence.read_details', resourceType: 'absence', resourceId: 'abs-1', subject: 'person-7' });
    const e = AuditEntry.parse(JSON.parse(entries(f)[0]!.entry));
    expect(e).toMatchObject({ action: 'absence.read_details', subject: 'person-7', outcome: 'success' });
    expect(() => recordRead(f.db, f.log, coordinator, { action: 'rotation.create', resourceType: 'rotation', resourceId: 'x' })).toThrow(/not a read action/);
  });

  it('keeps names out of entries except the person record itself', () => {
    f = fixture();
    expect(() =>
      runChange(f.db, f.log, coordinator, (tx) => {
        tx.record({ action: 'absence.update', resourceType: 'absence', resourceId: 'a1', before: { note: 'x' }, after: { note: 'y', resident: { lastName: 'Doe' } } });
      }),
    ).toThrow(AppError);
    runChange(f.db, f.log, coordinator, (tx) => {
      tx.record({ action: 'person.update', resourceType: 'person', resourceId: 'p1', before: { lastName: 'Doe', pgy: 1 }, after: { lastName: 'Roe', pgy: 1 } });
    });
    const e = AuditEntry.parse(JSON.parse(entries(f)[0]!.entry));
    expect(e).toMatchObject({ subject: 'p1', before: { lastName: 'Doe' }, after: { lastName: 'Roe' } });
    expect(e.before).not.toHaveProperty('pgy');
  });

  it('refuses unknown actions and bad actors', () => {
    f = fixture();
    expect(() =>
      runChange(f.db, f.log, coordinator, (tx) => {
        tx.record({ action: 'rotation.explode' as 'rotation.create', resourceType: 'rotation', resourceId: 'x' });
      }),
    ).toThrow(AppError);
    expect(() =>
      runChange(f.db, f.log, { type: 'user', userId: 'u', role: 'wizard' as 'admin', sessionId: null }, (tx) => {
        tx.record({ action: 'rotation.create', resourceType: 'rotation', resourceId: 'x' });
      }),
    ).toThrow(AppError);
    expect(count(f, 'audit_entry')).toBe(0);
  });
});

describe('diffFields', () => {
  it('keeps only changed fields, by content', () => {
    const d = diffFields({ a: 1, b: { x: 1, y: 2 }, c: 'same', gone: true }, { a: 2, b: { y: 2, x: 1 }, c: 'same', added: [1] });
    expect(d.before).toEqual({ a: 1, gone: true });
    expect(d.after).toEqual({ a: 2, added: [1] });
    expect(d.changed).toEqual(['a', 'added', 'gone']);
    expect(diffFields(null, { a: 1, secret: 's' }, { ignore: ['secret'] }).after).toEqual({ a: 1 });
  });
});

describe('append-only storage', () => {
  it('triggers abort UPDATE and DELETE on entries, nodes and checkpoints, and leaves out of sequence', () => {
    f = fixture({ checkpointEvery: 1 });
    addItem(f, 'r1', 'A');
    expect(count(f, 'audit_checkpoint')).toBe(1);
    expect(() => f.db.prepare("UPDATE audit_entry SET entry = '{}' WHERE seq = 0").run()).toThrow(/append-only/);
    expect(() => f.db.prepare('DELETE FROM audit_entry').run()).toThrow(/append-only/);
    expect(() => f.db.prepare('UPDATE audit_node SET hash = zeroblob(32)').run()).toThrow(/append-only/);
    expect(() => f.db.prepare('DELETE FROM audit_node').run()).toThrow(/append-only/);
    expect(() => f.db.prepare("UPDATE audit_checkpoint SET time = 'x'").run()).toThrow(/append-only/);
    expect(() => f.db.prepare('DELETE FROM audit_checkpoint').run()).toThrow(/append-only/);
    // An entry that skips a number cannot get its leaf hash, so the unit of work writing it aborts.
    const skip = f.db.transaction(() => {
      f.db.prepare("INSERT INTO audit_entry (seq, entry) VALUES (5, '{}')").run();
      f.db.prepare('INSERT INTO audit_node (level, idx, hash) VALUES (0, 5, zeroblob(32))').run();
    });
    expect(skip).toThrow(/follows the previous one/);
    expect(count(f, 'audit_entry')).toBe(1);
    // Nor can a leaf be written for an entry that does not exist, or is not the newest.
    expect(() => f.db.prepare('INSERT INTO audit_node (level, idx, hash) VALUES (0, 1, zeroblob(32))').run()).toThrow(/follows the previous one/);
    // An entry slipped in without its leaf stops the log from opening.
    f.db.prepare("INSERT INTO audit_entry (seq, entry) VALUES (1, '{}')").run();
    expect(() => f.reopen()).toThrow(expect.objectContaining({ code: 'AUDIT_TAMPERED' }));
  });
});

describe('checkpoints and proofs', () => {
  it('signs every N entries, writes the anchor, and proofs verify against the signed root', () => {
    f = fixture({ checkpointEvery: 4 });
    for (let i = 0; i < 10; i++) addItem(f, `r${i}`, `L${i}`);
    const cps = f.db.prepare('SELECT size FROM audit_checkpoint ORDER BY size').pluck().all();
    expect(cps).toEqual([1, 5, 9]); // the first entry is due by time (no earlier checkpoint), then every 4
    const anchor = readAnchor(f.anchorPath);
    expect(anchor?.size).toBe(9);
    expect(checkSignedCheckpoint(anchor!).ok).toBe(true);
    const cp = f.log.checkpoint();
    expect(cp.size).toBe(10);
    expect(readAnchor(f.anchorPath)?.size).toBe(10);
    for (let seq = 0; seq < 10; seq++) {
      const p = f.log.proveInclusion(seq);
      verifyInclusion(nodeHasher, seq, 10, p.leafHash, p.proof, cp.root);
    }
    expect(fromBase64(cp.body.split('\n')[2]!)).toEqual(new Uint8Array(cp.root));
  });

  it('keeps a checkpoint signed inside an enclosing transaction off the anchor until it commits', async () => {
    f = fixture({ checkpointEvery: 4 });
    addItem(f, 'r0', 'L0');
    expect(readAnchor(f.anchorPath)?.size).toBe(1);
    // A swap that is approved, written, then refused by the compliance check: nested units inside
    // one transaction, the second of them due a checkpoint, and the whole transaction rolled back.
    const refused = f.db.transaction(() => {
      for (let i = 1; i <= 4; i++) addItem(f, `s${i}`, `S${i}`);
      expect(readAnchor(f.anchorPath)?.size).toBe(1);
      throw new AppError('CONFLICT', 'refused by the compliance check');
    });
    expect(() => refused()).toThrow('refused by the compliance check');
    expect(count(f, 'audit_entry')).toBe(1);
    // No false truncation alarm: the anchor never sees the rolled-back checkpoint, not even on the
    // next turn of the event loop, when a checkpoint left pending is written if it committed.
    await new Promise((r) => setImmediate(r));
    expect(readAnchor(f.anchorPath)?.size).toBe(1);
    const { verifyAudit } = await import('../../electron/core/audit/verify');
    expect((await verifyAudit(f.db, { anchorPath: f.anchorPath })).problems).toEqual([]);
    // The next units go on from the committed log, and their checkpoint reaches the anchor.
    for (let i = 1; i <= 4; i++) addItem(f, `r${i}`, `L${i}`);
    expect(readAnchor(f.anchorPath)?.size).toBe(5);

    // Committed, the enclosing transaction's checkpoint reaches the anchor once it has ended.
    f.db.transaction(() => {
      for (let i = 5; i <= 8; i++) addItem(f, `r${i}`, `L${i}`);
    })();
    expect(readAnchor(f.anchorPath)?.size).toBe(5);
    await new Promise((r) => setImmediate(r));
    expect(readAnchor(f.anchorPath)?.size).toBe(9);
    expect((await verifyAudit(f.db, { anchorPath: f.anchorPath })).ok).toBe(true);
  });

  it('signs on time too, and never twice for the same size', () => {
    f = fixture({ checkpointEvery: 1000 });
    addItem(f, 'r1', 'A');
    expect(count(f, 'audit_checkpoint')).toBe(1); // first entry: no earlier checkpoint time
    addItem(f, 'r2', 'B');
    expect(count(f, 'audit_checkpoint')).toBe(1);
    f.clock.advance(61 * 60_000);
    addItem(f, 'r3', 'C');
    expect(count(f, 'audit_checkpoint')).toBe(2);
    f.log.checkpoint();
    f.log.checkpoint();
    expect(count(f, 'audit_checkpoint')).toBe(2);
  });

  it('refuses to sign a checkpoint inconsistent with an earlier one', () => {
    f = fixture({ checkpointEvery: 1000 });
    for (let i = 0; i < 5; i++) addItem(f, `r${i}`, `L${i}`);
    f.log.checkpoint();
    // Someone with the key rewrites entry 2 and its leaf hash (triggers dropped).
    f.db.exec('DROP TRIGGER audit_node_no_update; DROP TRIGGER audit_entry_no_update');
    f.db.prepare('UPDATE audit_node SET hash = zeroblob(32) WHERE level = 0 AND idx = 2').run();
    f.db.prepare('UPDATE audit_node SET hash = zeroblob(32) WHERE level = 1 AND idx = 1').run();
    f.db.prepare('UPDATE audit_node SET hash = zeroblob(32) WHERE level = 2 AND idx = 0').run();
    f.reopen();
    addItem(f, 'r9', 'X'); // the change itself still commits
    expect(() => f.log.checkpoint()).toThrow(/not consistent/);
    expect(f.db.prepare('SELECT max(size) FROM audit_checkpoint').pluck().get()).toBe(5);
    const refused = f.db.prepare("SELECT count(*) FROM audit_entry WHERE action = 'audit.checkpoint_refused'").pluck().get();
    expect(refused).toBe(0); // on-demand refusals throw; due ones are recorded (next test)
  });

  it('records a refused due checkpoint as an entry without failing the change', () => {
    f = fixture({ checkpointEvery: 2 });
    addItem(f, 'r0', 'A');
    addItem(f, 'r1', 'B');
    expect(count(f, 'audit_checkpoint')).toBe(1);
    f.db.exec('DROP TRIGGER audit_node_no_update');
    f.db.prepare('UPDATE audit_node SET hash = zeroblob(32) WHERE level = 1 AND idx = 0').run();
    f.reopen();
    addItem(f, 'r2', 'C');
    addItem(f, 'r3', 'D');
    expect(count(f, 'item')).toBe(4);
    expect(count(f, 'audit_checkpoint')).toBe(1);
    expect(f.db.prepare("SELECT count(*) FROM audit_entry WHERE action = 'audit.checkpoint_refused'").pluck().get()).toBe(1);
  });

  it('refuses to sign when the database is behind the anchor (old copy restored)', () => {
    f = fixture({ checkpointEvery: 1000 });
    for (let i = 0; i < 6; i++) addItem(f, `r${i}`, `L${i}`);
    f.log.checkpoint();
    f.db.exec('DROP TRIGGER audit_entry_no_delete; DROP TRIGGER audit_node_no_delete; DROP TRIGGER audit_checkpoint_no_delete');
    f.db.exec('DELETE FROM audit_entry WHERE seq >= 3; DELETE FROM audit_node WHERE (level = 0 AND idx >= 3) OR (level = 1 AND idx >= 1) OR level = 2; DELETE FROM audit_checkpoint');
    f.reopen();
    expect(f.log.size).toBe(3);
    expect(() => f.log.checkpoint()).toThrow(/shorter than an earlier signed checkpoint/);
  });
});
