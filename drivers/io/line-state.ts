import type { Clock } from '../../src/util/clock.js';
import { DigitalIoError, InputDebouncer, type DigitalEdge, type DigitalLineInfo, type LineDirection } from './digital-io.js';

/**
 * The per-line bookkeeping every DigitalIO backend needs, whatever moves the electrical level:
 * the line's description, the debouncer of an input, and the commanded value of an output.
 * Kept in one place so the fake and the real backends cannot drift apart in what read() returns,
 * which errors a bad line name or a write to an input produce, or how a debounced edge is built.
 * Backends extend LineState with their own hardware handles (pin, gpioset process, fake level).
 */
export interface LineState {
  readonly info: DigitalLineInfo;
  /** Inputs only; null for outputs. */
  readonly debouncer: InputDebouncer | null;
  /** Outputs: the logical value last commanded, re-applied after a reconnect. */
  commanded: boolean;
}

/**
 * Builds the shared part of one line. Outputs report debounceMs 0 because debouncing applies to
 * inputs only. `onEdge` receives each debounced edge of an input; the debouncer creates no timer
 * until a sample arrives, so this is safe to call from a constructor.
 */
export function createLineState(
  line: { name: string; direction: LineDirection; activeLow: boolean; debounceMs: number; initial?: boolean | undefined },
  clock: Clock,
  onEdge: (edge: DigitalEdge) => void,
): LineState {
  const initial = line.initial ?? false;
  const debounceMs = line.direction === 'in' ? line.debounceMs : 0;
  const info: DigitalLineInfo = { name: line.name, direction: line.direction, activeLow: line.activeLow, debounceMs };
  const debouncer =
    line.direction === 'in' ? new InputDebouncer(clock, debounceMs, initial, (value, at) => onEdge({ line: line.name, value, at })) : null;
  return { info, debouncer, commanded: initial };
}

/**
 * Lines by name for one device, with the lookups and checks whose error messages the lane and
 * the tests rely on. `device` is the driver's name, used as the prefix of every message.
 */
export class LineTable<L extends LineState> {
  private readonly byName = new Map<string, L>();

  constructor(private readonly device: string) {}

  add(line: L): void {
    this.byName.set(line.info.name, line);
  }

  get size(): number {
    return this.byName.size;
  }

  values(): IterableIterator<L> {
    return this.byName.values();
  }

  /** Copies, so callers cannot edit the table's descriptions. */
  infos(): DigitalLineInfo[] {
    return [...this.byName.values()].map((line) => ({ ...line.info }));
  }

  /** Throws UNKNOWN_LINE listing the known names, so a typo in the lane config is obvious. */
  get(name: string): L {
    const line = this.byName.get(name);
    if (!line) {
      const known = [...this.byName.keys()].join(', ');
      throw new DigitalIoError('UNKNOWN_LINE', `${this.device}: unknown line '${name}' (known: ${known})`);
    }
    return line;
  }

  /** An output line, or NOT_OUTPUT: writing an input would silently do nothing on real hardware. */
  output(name: string): L {
    const line = this.get(name);
    if (line.info.direction !== 'out') {
      throw new DigitalIoError('NOT_OUTPUT', `${this.device}: line '${name}' is an input and cannot be written`);
    }
    return line;
  }

  /** Logical value: the debounced level of an input, or the last commanded value of an output. */
  read(name: string): boolean {
    const line = this.get(name);
    return line.debouncer ? line.debouncer.value : line.commanded;
  }
}

/** NOT_OPEN for any operation on a closed (or lost) device. */
export function requireOpen(device: string, opened: boolean): void {
  if (!opened) throw new DigitalIoError('NOT_OPEN', `${device}: device is not open`);
}
