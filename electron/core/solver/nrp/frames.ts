import type { Rng } from '../engine/rng';

/**
 * The order in which framed dives (`ColumnGeneration.frameDive`) re-plan a long horizon: passes of
 * frames overlapping by half, each pass starting at a random phase so that successive passes cut
 * the horizon at different days. A pass that gains less than `minGain` widens the frames by a week
 * or two, but only while frames are cheap: a wider frame costs several times more (Instance20's
 * 28-day frames take 0.1-0.9 s, 42-day ones about 2.4 s; Instance19's 42-day ones over 20 s).
 */
export class FrameSweep {
  private length: number;
  private step: number;
  private next = 0;
  private passStart = Infinity;
  private passMs = 0;
  private passFrames = 0;

  constructor(
    private readonly horizon: number,
    private readonly rng: Rng,
    first = 28,
    private readonly widenBy = 14,
    private readonly minGain = 0.01,
    /** Widening only when the last pass's frames averaged under this many milliseconds. */
    private readonly cheapMs = 1000,
  ) {
    this.length = Math.min(horizon, first);
    this.step = Math.max(1, Math.floor(this.length / 2));
  }

  /** The next frame [lo, hi], given the objective before it. */
  frame(objective: number): { lo: number; hi: number } {
    if (this.passStart === Infinity) this.passStart = objective;
    const lo = Math.min(this.horizon - this.length, Math.max(0, this.next));
    this.next += this.step;
    return { lo, hi: lo + this.length - 1 };
  }

  /** Records a finished frame (its duration and the objective after it); true when it ended a pass. */
  done(lo: number, ms: number, objective: number): boolean {
    this.passMs += ms;
    this.passFrames++;
    if (lo + this.length < this.horizon) return false;
    const gain = this.passStart > 0 ? (this.passStart - objective) / this.passStart : 0;
    if (gain < this.minGain && this.passMs / this.passFrames < this.cheapMs && this.length < this.horizon) {
      this.length = Math.min(this.horizon, this.length + this.widenBy);
      this.step = Math.max(1, Math.floor(this.length / 2));
    }
    // The next pass starts with a frame at day 0, then at a random phase within one step.
    this.next = this.rng.int(this.step) - this.step;
    this.passStart = Infinity;
    this.passMs = 0;
    this.passFrames = 0;
    return true;
  }

  get frameLength(): number {
    return this.length;
  }
}
