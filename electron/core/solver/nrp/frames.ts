import type { Rng } from '../engine/rng';

/** Days a framed dive re-plans: [lo, hi] without `skip` (inclusive), when given. */
export interface Frame {
  lo: number;
  hi: number;
  skip: [number, number] | null;
}

/**
 * The order in which framed dives (`ColumnGeneration.frameDive`) re-plan a long horizon. First,
 * passes of 28-day frames overlapping by half, each pass starting at a random phase. Once a pass
 * gains under `minGain`, contiguous frames are exhausted (on Instance20 every 42-day frame of the
 * roster was within 1-4 of its own LP bound), and what is left needs work moved across the
 * horizon: every member there works their 13 allowed weekends, in the wrong part of the year. So
 * frames become pairs of two-week windows at least a week apart, chosen at random, which lets a
 * member give up a weekend in one and take one in the other (Instance20, 30 s from 5365: 4886).
 */
export class FrameSweep {
  private readonly length: number;
  private readonly step: number;
  private next = 0;
  private passStart = Infinity;
  private paired = false;

  constructor(
    private readonly horizon: number,
    private readonly rng: Rng,
    first = 28,
    private readonly minGain = 0.01,
    /** Length of each window of a pair, in weeks. */
    private readonly pairWeeks = 2,
  ) {
    this.length = Math.min(horizon, first);
    this.step = Math.max(1, Math.floor(this.length / 2));
  }

  /** True once frames are pairs of windows. */
  get pairs(): boolean {
    return this.paired;
  }

  /** The next frame, given the objective before it. */
  frame(objective: number): Frame {
    if (this.paired) return this.pair();
    if (this.passStart === Infinity) this.passStart = objective;
    const lo = Math.min(this.horizon - this.length, Math.max(0, this.next));
    this.next += this.step;
    return { lo, hi: lo + this.length - 1, skip: null };
  }

  private pair(): Frame {
    const weeks = Math.floor(this.horizon / 7);
    const w = this.pairWeeks;
    // First window's week in [0, weeks - 2w - 1], the second at least a week after its end.
    const a = this.rng.int(weeks - 2 * w);
    const b = a + w + 1 + this.rng.int(weeks - 2 * w - a);
    return { lo: a * 7, hi: (b + w) * 7 - 1, skip: [(a + w) * 7, b * 7 - 1] };
  }

  /** Records a finished frame (the objective after it); true when it ended a contiguous pass. */
  done(frame: Frame, objective: number): boolean {
    if (this.paired || frame.hi < this.horizon - 1) return false;
    const gain = this.passStart > 0 ? (this.passStart - objective) / this.passStart : 0;
    if (gain < this.minGain && Math.floor(this.horizon / 7) >= 2 * this.pairWeeks + 1) this.paired = true;
    // The next pass starts with a frame at day 0, then at a random phase within one step (from day
    // 1, so the second frame never repeats the first).
    this.next = 1 + this.rng.int(this.step) - this.step;
    this.passStart = Infinity;
    return true;
  }
}
