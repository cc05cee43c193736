import { setTimeout } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { meterCall, meteredCalls } from '../../electron/core/main-thread-blocks';

const spin = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* holding the main thread */ }
};

/**
 * The async_hooks hook that attributes callbacks to calls slows every await in the process, so it is
 * on only while some call is metered: never after a call has settled, however it settled, and not
 * for good because of a call that never settles.
 */
describe('metering calls: the hook is on only while a call is metered', () => {
  it('stops metering a call that rejects or throws synchronously', async () => {
    await expect(meterCall(async () => {
      await setTimeout(1);
      throw new Error('refused');
    })).rejects.toThrow('refused');
    expect(meteredCalls()).toBe(0);
    await expect(meterCall(() => {
      throw new Error('at once');
    })).rejects.toThrow('at once');
    expect(meteredCalls()).toBe(0);
  });

  it('stops metering a call that never settles once it has been in flight for the cap', async () => {
    void meterCall(() => new Promise<never>(() => undefined), { capMs: 20 });
    expect(meteredCalls()).toBe(1);
    await setTimeout(60);
    expect(meteredCalls()).toBe(0);
  });

  it('reports only the blocks a call caused before its cap', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const metering = meterCall(async () => {
      await released;
      spin(60);
    }, { capMs: 10 });
    await setTimeout(40);
    expect(meteredCalls()).toBe(0);
    release();
    const { longestBlockMs } = await metering;
    expect(longestBlockMs).toBeLessThan(60);
  });
});
