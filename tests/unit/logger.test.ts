import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock';
import { createLogger, memorySink } from '../../electron/core/logger';

describe('the redacting logger', () => {
  it('masks emails, registered person names and free-text fields before any sink sees them', () => {
    const sink = memorySink();
    const log = createLogger({ sink, clock: new ManualClock('2026-07-01T00:00:00Z') });
    log.redactor.addNames(['Maria Okonkwo-Reyes']);
    log.info('absence saved for Maria Okonkwo-Reyes <maria.or@hospital.example>', {
      personId: 'p-17',
      reason: 'deployment to a classified location',
      nested: { notes: 'TDY', detail: 'Okonkwo-Reyes asked for nights', password: 'hunter2hunter2hunter2' },
    });
    const line = JSON.stringify(sink.records);
    expect(line).not.toMatch(/Maria|Okonkwo|maria\.or@|classified|TDY|hunter2/);
    expect(sink.records[0]).toMatchObject({ personId: 'p-17', level: 'info', time: '2026-07-01T00:00:00.000Z' });
    expect(sink.records[0]?.msg).toBe('absence saved for [name] <[email]>');
  });

  it('redacts error messages and stacks, and buffers never reach the sink', () => {
    const sink = memorySink();
    const log = createLogger({ sink });
    log.redactor.addNames(['Jonas Lindqvist']);
    log.error('failed', { error: new Error('constraint failed for Jonas Lindqvist'), key: Buffer.alloc(32, 7), blob: new Uint8Array(4) });
    const line = JSON.stringify(sink.records);
    expect(line).not.toContain('Jonas');
    expect(line).toContain('[4 bytes]');
    expect(sink.records[0]?.key).toBe('[redacted]');
  });

  it('respects the level and keeps bound fields in children', () => {
    const sink = memorySink();
    const log = createLogger({ sink, level: 'warn' }).child({ module: 'vault' });
    log.info('hidden');
    log.warn('shown');
    expect(sink.records.map((r) => [r.msg, r.module])).toEqual([['shown', 'vault']]);
  });
});
