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
import type { GpioLineConfig } from './gpio-line.config.js';
import { LineTable, createLineState, requireOpen, type LineState } from './line-state.js';

/** The part of onoff's Gpio this backend uses, so tests can hand in an in-memory pin. */
export interface SysfsPin {
  readSync(): 0 | 1;
  writeSync(level: 0 | 1): void;
  watch(callback: (err: Error | null | undefined, level: 0 | 1) => void): void;
  unwatchAll(): void;
  unexport(): void;
}

/** onoff's constructor: `new Gpio(gpio, direction, edge)`; 'high'/'low' make an output with that level, glitch-free. */
export type SysfsPinFactory = (gpio: number, direction: 'in' | 'high' | 'low', edge: 'both' | 'none') => SysfsPin;

export interface SysfsIoOptions {
  name: string;
  lines: readonly GpioLineConfig[];
}

export interface SysfsIoDeps {
  clock: Clock;
  log: Logger;
  /** Defaults to onoff (loaded at open, so machines without sysfs GPIO never load its native part). */
  pins?: () => Promise<SysfsPinFactory>;
}

interface Line extends LineState {
  config: GpioLineConfig;
  pin: SysfsPin | null;
}

/**
 * DigitalIO over /sys/class/gpio through onoff. The sysfs interface is deprecated and its global pin
 * numbers are shifted on current Raspberry Pi kernels (check with `cat /sys/kernel/debug/gpio`); it is
 * here for the many installed gate PCs that still use it. onoff's own active-low and debounce are not
 * used: this backend inverts and debounces in software exactly like the others.
 */
export class SysfsIo extends TypedEmitter<DriverEvents<DigitalIoEvents>> implements DigitalIO {
  readonly kind = 'io' as const;
  readonly name: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly pins: () => Promise<SysfsPinFactory>;
  private readonly table: LineTable<Line>;
  private opened = false;
  private readonly count = { opens: 0, writes: 0, edges: 0, watchErrors: 0 };

  constructor(opts: SysfsIoOptions, deps: SysfsIoDeps) {
    super();
    this.name = opts.name;
    this.clock = deps.clock;
    this.log = deps.log;
    this.pins = deps.pins ?? loadOnoff;
    this.table = new LineTable(opts.name);
    for (const config of opts.lines) {
      this.table.add({ ...createLineState(config, this.clock, (edge) => this.onEdge(edge)), config, pin: null });
    }
  }

  async open(): Promise<void> {
    let factory: SysfsPinFactory;
    try {
      factory = await this.pins();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new DeviceOpenError(this.name, e.code ?? 'EGPIO', `sysfs gpio unavailable: ${e.message}`, '/sys/class/gpio');
    }
    try {
      for (const line of this.table.values()) {
        const { offset, activeLow, direction } = line.config;
        if (direction === 'out') {
          line.pin = factory(offset, toLevel(line.commanded, activeLow) === 1 ? 'high' : 'low', 'none');
          continue;
        }
        const pin = factory(offset, 'in', 'both');
        line.pin = pin;
        line.debouncer?.reset(fromLevel(pin.readSync(), activeLow));
        pin.watch((err, level) => {
          if (err) {
            this.count.watchErrors += 1;
            this.lost(`gpio ${offset} watch failed: ${err.message}`);
            return;
          }
          if (this.opened) line.debouncer?.sample(fromLevel(level, activeLow));
        });
      }
    } catch (err) {
      this.releasePins();
      const e = err as NodeJS.ErrnoException;
      throw new DeviceOpenError(this.name, e.code ?? 'EGPIO', `sysfs gpio: ${e.message}`, '/sys/class/gpio');
    }
    this.opened = true;
    this.count.opens += 1;
    this.emit('up');
  }

  async configure(): Promise<void> {
    this.requireOpen();
    for (const line of this.table.values()) {
      if (line.config.direction === 'out') line.pin?.writeSync(toLevel(line.commanded, line.config.activeLow));
    }
  }

  /** Outputs go to de-energised before the pins are released: a stopped daemon leaves relays dropped. */
  async close(): Promise<void> {
    this.opened = false;
    this.releasePins();
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
    this.count.writes += 1;
    try {
      line.pin?.writeSync(toLevel(value, line.config.activeLow));
    } catch (err) {
      this.lost(`gpio ${line.config.offset} write failed: ${(err as Error).message}`);
      throw new DigitalIoError('NOT_OPEN', `${this.name}: write to '${name}' failed: ${(err as Error).message}`);
    }
  }

  counters(): Record<string, number> {
    return { ...this.count };
  }

  private releasePins(): void {
    for (const line of this.table.values()) {
      line.debouncer?.cancel();
      const pin = line.pin;
      line.pin = null;
      if (!pin) continue;
      try {
        if (line.config.direction === 'out') pin.writeSync(toLevel(false, line.config.activeLow));
        else pin.unwatchAll();
        pin.unexport();
      } catch (err) {
        this.log.warn({ err, gpio: line.config.offset }, 'sysfs gpio release failed');
      }
    }
  }

  private lost(reason: string): void {
    if (!this.opened) return;
    this.opened = false;
    this.emit('down', reason);
  }

  private onEdge(edge: DigitalEdge): void {
    this.count.edges += 1;
    this.emit('edge', edge);
  }

  private requireOpen(): void {
    requireOpen(this.name, this.opened);
  }
}

async function loadOnoff(): Promise<SysfsPinFactory> {
  const { Gpio } = await import('onoff');
  if (!Gpio.accessible) throw Object.assign(new Error('/sys/class/gpio is not accessible on this machine'), { code: 'ENOENT' });
  return (gpio, direction, edge) => new Gpio(gpio, direction, edge);
}
