import { Mulberry32 } from '../util/mulberry32.js';

/**
 * A small seeded generator (mulberry32): the chaos schedule is replayable from the printed seed. The
 * seed is the initial state as is (no scrambling), so an old printed seed still replays the same run.
 */
export class Rng extends Mulberry32 {
  between(lo: number, hi: number): number {
    return this.range(lo, hi);
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
