/**
 * Back to the event loop for one turn: long main-process work (sync batches, exports, key
 * operations) is sliced with it so no IPC call waits behind it for more than a slice.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
