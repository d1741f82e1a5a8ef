import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  id: number;
  due: number;
  every: number | null;
  fn: () => void;
}

/**
 * Deterministic clock for tests and simulations: time only moves when advance() is called,
 * and timers fire in due order. Lives in src/ (not test/) because simulators use it too.
 */
export class FakeClock implements Clock {
  private current: number;
  private timers: PendingTimer[] = [];
  private nextId = 1;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  monotonic(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, Math.max(1, ms));
  }

  /** Number of timers still pending; a stopped component should leave none. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** Move time forward, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.due - b.due || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.due > target) break;
      this.current = next.due;
      if (next.every === null) this.timers.shift();
      else next.due += next.every;
      next.fn();
    }
    this.current = target;
  }

  private add(fn: () => void, ms: number, every: number | null): TimerHandle {
    const timer: PendingTimer = { id: this.nextId++, due: this.current + Math.max(0, ms), every, fn };
    this.timers.push(timer);
    return {
      cancel: () => {
        this.timers = this.timers.filter((t) => t !== timer);
      },
    };
  }
}
