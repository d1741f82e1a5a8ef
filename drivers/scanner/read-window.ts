import type { Clock, TimerHandle } from '../../src/util/clock.js';

/**
 * The lane's read window: the span during which a reader's output means something (a traveller is
 * standing at the scanner). A code shown before the window opened, e.g. by the previous traveller or a
 * passer-by, must not become this passage's evidence.
 *
 * The deadline survives a reconnect (the lane opened the window, not the device); the expiry timer
 * does not: suspend() cancels it when the driver closes, resume() re-arms it when the driver is back.
 */
export class ReadWindow {
  private readonly clock: Clock;
  private readonly onExpire: () => void;
  private until: number | null = null;
  private timer: TimerHandle | null = null;

  constructor(clock: Clock, onExpire: () => void) {
    this.clock = clock;
    this.onExpire = onExpire;
  }

  /** Opens (or extends) the window for `ms` from now. */
  open(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`read window length must be a positive number of ms, got ${ms}`);
    this.until = this.clock.monotonic() + ms;
    this.arm();
  }

  close(): void {
    this.until = null;
    this.cancelTimer();
  }

  get isOpen(): boolean {
    return this.until !== null && this.clock.monotonic() < this.until;
  }

  /** Cancels the expiry timer (the device is closing); the deadline is kept. */
  suspend(): void {
    this.cancelTimer();
  }

  /** Re-arms the expiry timer after a reconnect, or forgets a deadline that passed meanwhile. */
  resume(): void {
    if (this.until === null) return;
    if (!this.isOpen) {
      this.until = null;
      return;
    }
    this.arm();
  }

  private arm(): void {
    this.cancelTimer();
    if (this.until === null) return;
    const delay = Math.max(0, this.until - this.clock.monotonic());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.until = null;
      this.onExpire();
    }, delay);
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = null;
  }
}
