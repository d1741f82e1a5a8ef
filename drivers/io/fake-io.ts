import type { Clock } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { TypedEmitter } from '../../src/util/typed-events.js';
import { DeviceOpenError, type DriverEvents } from '../contract.js';
import {
  DigitalIoError,
  fromLevel,
  toLevel,
  type DigitalEdge,
  type DigitalIO,
  type DigitalIoEvents,
  type DigitalLineInfo,
} from './digital-io.js';
import type { FakeIoConfig } from './fake-io.config.js';
import { LineTable, createLineState, requireOpen, type LineState } from './line-state.js';

export interface FakeIoDeps {
  clock: Clock;
  log: Logger;
  /** Debounce for input lines that do not set their own `debounceMs`. Default 0. */
  debounceMs?: number;
}

interface FakeLine extends LineState {
  /** Electrical level the fake "hardware" holds. */
  level: 0 | 1;
}

/**
 * In-memory DigitalIO: the GPIO stand-in for tests and the demo (these machines have no GPIO).
 * It behaves like a real backend where it matters to the lane — active-low inversion, debounced
 * edges, outputs dropping to de-energised when the link is lost, configuration re-sent after a
 * reconnect — and adds simulate*() and failNextOpens() so tests can drive the "hardware".
 */
export class FakeIo extends TypedEmitter<DriverEvents<DigitalIoEvents>> implements DigitalIO {
  readonly kind = 'io' as const;
  readonly name: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly table: LineTable<FakeLine>;
  private opened = false;
  private pendingOpenFailures: string[] = [];
  private readonly count = { opens: 0, configures: 0, writes: 0, edges: 0 };

  constructor(config: FakeIoConfig, deps: FakeIoDeps) {
    super();
    this.name = config.name;
    this.clock = deps.clock;
    this.log = deps.log;
    this.table = new LineTable(config.name);
    const debounceMs = deps.debounceMs ?? 0;
    for (const line of config.lines) {
      // Creates no timer until a sample arrives: still "constructor only assigns".
      const state = createLineState({ ...line, debounceMs: line.debounceMs ?? debounceMs }, this.clock, (edge) => this.onEdge(edge));
      this.table.add({ ...state, level: toLevel(state.commanded, line.activeLow) });
    }
  }

  async open(): Promise<void> {
    const failure = this.pendingOpenFailures.shift();
    if (failure !== undefined) throw new DeviceOpenError(this.name, 'EFAKE', failure);
    for (const line of this.table.values()) line.debouncer?.reset(fromLevel(line.level, line.info.activeLow));
    this.opened = true;
    this.count.opens += 1;
    this.log.debug({ lines: this.table.size }, 'fake io open');
    this.emit('up');
  }

  /** Re-applies every output's commanded value, as a real backend must after its link comes back. */
  async configure(): Promise<void> {
    this.requireOpen();
    for (const line of this.table.values()) {
      if (line.info.direction === 'out') line.level = toLevel(line.commanded, line.info.activeLow);
    }
    this.count.configures += 1;
  }

  async close(): Promise<void> {
    this.opened = false;
    for (const line of this.table.values()) line.debouncer?.cancel();
  }

  lines(): DigitalLineInfo[] {
    return this.table.infos();
  }

  async read(name: string): Promise<boolean> {
    this.requireOpen();
    return this.table.read(name);
  }

  async write(name: string, value: boolean): Promise<void> {
    this.requireOpen();
    const line = this.table.output(name);
    line.commanded = value;
    line.level = toLevel(value, line.info.activeLow);
    this.count.writes += 1;
  }

  counters(): Record<string, number> {
    return { ...this.count };
  }

  // ---- test and demo controls (the "hardware" side) ----

  /** Sets an input to a logical value, as the loop/beam would; debounced like a real input. */
  simulateInput(name: string, value: boolean): void {
    const line = this.inputLine(name);
    this.simulateLevel(name, toLevel(value, line.info.activeLow));
  }

  /** Sets an input's electrical level (to test active-low wiring). */
  simulateLevel(name: string, level: 0 | 1): void {
    const line = this.inputLine(name);
    line.level = level;
    if (this.opened) line.debouncer?.sample(fromLevel(level, line.info.activeLow));
  }

  /** Electrical level of a line right now (e.g. whether a relay is energised). */
  level(name: string): 0 | 1 {
    return this.table.get(name).level;
  }

  /** The link drops: outputs fall to de-energised (as relays on a lost controller do) and `down` fires. */
  simulateDisconnect(reason = 'simulated disconnect'): void {
    if (!this.opened) return;
    this.opened = false;
    for (const line of this.table.values()) {
      line.debouncer?.cancel();
      if (line.info.direction === 'out') line.level = 0;
    }
    this.emit('down', reason);
  }

  /** The next `count` open() calls fail with `reason`. */
  failNextOpens(count: number, reason = 'simulated open failure'): void {
    for (let i = 0; i < count; i += 1) this.pendingOpenFailures.push(reason);
  }

  private onEdge(edge: DigitalEdge): void {
    this.count.edges += 1;
    this.emit('edge', edge);
  }

  private requireOpen(): void {
    requireOpen(this.name, this.opened);
  }

  private inputLine(name: string): FakeLine {
    const line = this.table.get(name);
    if (line.info.direction !== 'in') {
      throw new DigitalIoError('NOT_INPUT', `${this.name}: line '${name}' is an output; only inputs can be simulated`);
    }
    return line;
  }
}
