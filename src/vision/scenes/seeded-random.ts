import { Mulberry32 } from '../../util/mulberry32.js';

/**
 * Small deterministic PRNG (mulberry32) so a scene set is the same on every machine and every
 * run: a recall figure can then be compared between commits.
 */
export class SeededRandom extends Mulberry32 {
  constructor(seed: number) {
    // Scramble the seed: consecutive small seeds otherwise start with correlated draws.
    super(Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x9e3779b1));
    for (let i = 0; i < 4; i++) this.next();
  }

  int(lo: number, hiInclusive: number): number {
    return Math.floor(this.range(lo, hiInclusive + 1));
  }

  /** Standard normal (Box-Muller). */
  gaussian(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}
