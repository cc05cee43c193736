/**
 * Back to the event loop: long main-process work (sync batches, exports, key operations) is sliced
 * with it so no IPC call waits behind it for more than a slice. Two hops, because work running in
 * an I/O callback (an IPC message) that yields once with setImmediate resumes in the same loop
 * iteration, before any timer or new I/O is served: its two slices would be one block. The second
 * hop always comes after a timers and a poll phase.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
