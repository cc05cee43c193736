import type { Clock } from '../electron/core/clock';

/**
 * Token bucket per key (device id). A device may burst `capacity` requests, then `refillPerSec`.
 * Keys idle long enough to be full again are dropped so a flood of made-up ids cannot grow the map
 * without bound (it is also capped at maxKeys).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly capacity: number,
    private readonly refillPerSec: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** 0 when allowed (a token is taken), else milliseconds until a token is available. */
  take(key: string): number {
    const now = this.clock.nowMs();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      b = { tokens: this.capacity, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.capacity, b.tokens + ((now - b.at) / 1000) * this.refillPerSec);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / this.refillPerSec) * 1000);
  }

  private sweep(now: number): void {
    const fullAfterMs = (this.capacity / this.refillPerSec) * 1000;
    for (const [k, b] of this.buckets) if (now - b.at >= fullAfterMs) this.buckets.delete(k);
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}
