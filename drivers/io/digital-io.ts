import type { Clock, TimerHandle } from '../../src/util/clock.js';
import type { DeviceDriver } from '../contract.js';

/**
 * Digital inputs and outputs addressed by line name: induction loops, photo beams and door contacts
 * (inputs), relays for barriers, doors and traffic lights (outputs). Backends: the in-memory FakeIo
 * (tests, the demo, every machine without GPIO), GpiodIo (character device via the libgpiod v1 tools)
 * and SysfsIo (deprecated sysfs via onoff).
 *
 * All values here are LOGICAL: `true` means active (loop occupied, relay energised), whatever the
 * wiring. A line declared activeLow is inverted between the logical value and the electrical level
 * by the backend, so the lane never thinks about wiring.
 */
export type LineDirection = 'in' | 'out';

export interface DigitalLineInfo {
  name: string;
  direction: LineDirection;
  activeLow: boolean;
  /** Inputs: an edge is reported only after the level held this long (contact bounce, flicker). */
  debounceMs: number;
}

export interface DigitalEdge {
  line: string;
  /** Logical value after the edge. */
  value: boolean;
  /** Epoch ms at which the level became stable (the end of the debounce window). */
  at: number;
}

export type DigitalIoEvents = {
  edge: [edge: DigitalEdge];
};

export interface DigitalIO extends DeviceDriver<DigitalIoEvents> {
  readonly kind: 'io';
  lines(): DigitalLineInfo[];
  /** Logical value of an input (debounced) or of an output (as last written). */
  read(line: string): Promise<boolean>;
  /** Drives an output; rejects for an unknown line, an input line, or a closed device. */
  write(line: string, value: boolean): Promise<void>;
}

export class DigitalIoError extends Error {
  readonly code: 'UNKNOWN_LINE' | 'NOT_OUTPUT' | 'NOT_INPUT' | 'NOT_OPEN';

  constructor(code: DigitalIoError['code'], message: string) {
    super(message);
    this.name = 'DigitalIoError';
    this.code = code;
  }
}

/** Logical value <-> electrical level for one line. */
export function toLevel(value: boolean, activeLow: boolean): 0 | 1 {
  return value !== activeLow ? 1 : 0;
}

export function fromLevel(level: 0 | 1, activeLow: boolean): boolean {
  return (level === 1) !== activeLow;
}

/**
 * Debounces one input: raw changes restart a timer; the value is accepted (and reported) only when
 * it has held for debounceMs and differs from the last accepted one. Shared by every backend so
 * the fake and real GPIO behave the same. debounceMs 0 reports every change at once.
 */
export class InputDebouncer {
  private stable: boolean;
  private candidate: boolean;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly debounceMs: number,
    initial: boolean,
    private readonly onStable: (value: boolean, at: number) => void,
  ) {
    this.stable = initial;
    this.candidate = initial;
  }

  get value(): boolean {
    return this.stable;
  }

  /** Feeds a raw logical sample. */
  sample(value: boolean): void {
    this.candidate = value;
    this.timer?.cancel();
    this.timer = null;
    if (value === this.stable) return; // a bounce that came back: nothing to report
    if (this.debounceMs <= 0) {
      this.accept();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.accept();
    }, this.debounceMs);
  }

  /** Forgets pending samples (on close) without reporting them. */
  cancel(): void {
    this.timer?.cancel();
    this.timer = null;
    this.candidate = this.stable;
  }

  /** Sets the stable value without an edge (on open: the level read at connect time). */
  reset(value: boolean): void {
    this.cancel();
    this.stable = value;
    this.candidate = value;
  }

  private accept(): void {
    if (this.candidate === this.stable) return;
    this.stable = this.candidate;
    this.onStable(this.stable, this.clock.now());
  }
}
