export interface Figure {
  ms: number;
  longestBlockMs: number;
}

/**
 * Runs `fn` while a 1 ms timer chain watches the main thread's event loop; returns the awaited time
 * and the longest block (a gap of g ms between ticks means the loop was blocked about g - 1 ms),
 * with fn's value. The one detector of the IPC-path benchmarks (vault-keys, login, ipc-blocks).
 */
export async function measure<T>(fn: () => Promise<T>): Promise<[Figure, T]> {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const tick = (): void => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  running = false;
  const now = performance.now();
  longest = Math.max(longest, now - last);
  return [{ ms: Math.round(ms), longestBlockMs: Math.round(Math.max(0, longest - 1) * 10) / 10 }, value];
}

/** measure() without the value: only the figure goes into a report. */
export async function watched(fn: () => Promise<unknown>): Promise<Figure> {
  return (await measure(fn))[0];
}
