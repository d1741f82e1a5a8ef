/**
 * The one mulberry32 generator of the project. Chaos (replayable fault schedules) and vision (scene sets
 * that are the same on every machine) both need a small seeded PRNG; vision may import only util/, so
 * it lives here. Subclasses choose how a seed becomes the initial state and add their own helpers.
 */
export class Mulberry32 {
  private state: number;

  /** `initialState` is used as is (as an unsigned 32-bit value): any seed scrambling is the caller's. */
  constructor(initialState: number) {
    this.state = initialState >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}
