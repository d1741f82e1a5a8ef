/**
 * Token bucket: `burst` at once, refilled at `perSecond`. Time comes from the caller (a monotonic
 * clock) so tests drive it with a fake clock.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error(`rate limit needs perSecond > 0 and burst >= 1, got ${perSecond}/${burst}`);
    this.tokens = burst;
    this.last = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token (0 when one is available). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }
}
