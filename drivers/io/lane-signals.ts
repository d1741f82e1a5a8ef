import type { Clock, TimerHandle } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { TypedEmitter } from '../../src/util/typed-events.js';
import type { DriverEvents } from '../contract.js';
import { createDigitalIo, type DigitalIoDeps } from './create-digital-io.js';
import type { DigitalIO } from './digital-io.js';
import type { LaneSignalsConfig } from './lane-signals.config.js';

export type SignalAspect = 'red' | 'green';
export type LaneSignalEvents = { aspect: [change: { aspect: SignalAspect; at: number }] };

export interface LaneSignalsDeps extends DigitalIoDeps {
  io?: DigitalIO;
}

/**
 * Red/green lane light and buzzer. Switching always turns the lit lamp off before the other on, so red
 * and green are never on together even for a moment. Starts red; after a reconnect shows red again
 * (a granted passage does not survive a lost link: the lane must grant again).
 */
export class LaneSignals extends TypedEmitter<DriverEvents<LaneSignalEvents>> {
  readonly kind = 'signal' as const;
  readonly name: string;
  readonly io: DigitalIO;
  private readonly config: LaneSignalsConfig;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly hasRed: boolean;
  private readonly hasBuzzer: boolean;
  private current: SignalAspect = 'red';
  private buzzTimer: TimerHandle | null = null;
  private connected = false;
  private readonly count = { aspectChanges: 0, buzzes: 0 };

  constructor(config: LaneSignalsConfig, deps: LaneSignalsDeps) {
    super();
    this.config = config;
    this.name = config.name;
    this.clock = deps.clock;
    this.log = deps.log;
    this.io = deps.io ?? createDigitalIo(config.name, config.io, deps);
    const outputs = new Set(config.io.lines.filter((l) => l.direction === 'out').map((l) => l.name));
    this.hasRed = outputs.has('red');
    this.hasBuzzer = outputs.has('buzzer');
  }

  async open(): Promise<void> {
    this.io.on('down', this.onDown);
    this.io.on('error', this.onError);
    await this.io.open();
    this.connected = true;
    this.emit('up');
  }

  async configure(): Promise<void> {
    this.current = 'green'; // force the write below
    await this.show('red');
    if (this.hasBuzzer) await this.io.write('buzzer', false);
  }

  async close(): Promise<void> {
    this.connected = false;
    this.buzzTimer?.cancel();
    this.buzzTimer = null;
    this.io.off('down', this.onDown);
    this.io.off('error', this.onError);
    await this.io.close();
  }

  get aspect(): SignalAspect {
    return this.current;
  }

  async show(aspect: SignalAspect): Promise<void> {
    if (aspect === this.current) return;
    if (aspect === 'green') {
      if (this.hasRed) await this.io.write('red', false);
      await this.io.write('green', true);
    } else {
      await this.io.write('green', false);
      if (this.hasRed) await this.io.write('red', true);
    }
    this.current = aspect;
    this.count.aspectChanges += 1;
    this.emit('aspect', { aspect, at: this.clock.now() });
  }

  /** Sounds the buzzer for `ms` (capped at maxBuzzMs); a new buzz restarts the time. No buzzer: no-op. */
  async buzz(ms: number): Promise<void> {
    if (!this.hasBuzzer) return;
    const duration = Math.max(0, Math.min(ms, this.config.maxBuzzMs));
    this.buzzTimer?.cancel();
    await this.io.write('buzzer', true);
    this.count.buzzes += 1;
    this.buzzTimer = this.clock.setTimeout(() => {
      this.buzzTimer = null;
      this.io.write('buzzer', false).catch((err: unknown) => this.log.warn({ err }, 'buzzer off failed'));
    }, duration);
  }

  counters(): Record<string, number> {
    return { ...this.count, ...this.io.counters() };
  }

  private readonly onDown = (reason: string): void => this.lost(`io down: ${reason}`);
  private readonly onError = (err: Error): void => this.lost(`io error: ${err.message}`);

  private lost(reason: string): void {
    if (!this.connected) return;
    this.connected = false;
    this.buzzTimer?.cancel();
    this.buzzTimer = null;
    this.emit('down', reason);
  }
}
