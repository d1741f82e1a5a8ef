import type { Clock } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { TypedEmitter } from '../../src/util/typed-events.js';
import type { DriverEvents } from '../contract.js';
import { createDigitalIo, type DigitalIoDeps } from './create-digital-io.js';
import type { DigitalEdge, DigitalIO } from './digital-io.js';
import type { LaneSensorsConfig } from './lane-sensors.config.js';

export type LaneSensorEvents = {
  presence: [change: { input: string; active: boolean; at: number }];
  'door-position': [change: { contact: string; closed: boolean; at: number }];
  emergency: [change: { input: string; active: boolean; at: number }];
};

export interface LaneSensorsSnapshot {
  presence: Record<string, boolean>;
  doorClosed: Record<string, boolean>;
  emergency: Record<string, boolean>;
}

export interface LaneSensorsDeps extends DigitalIoDeps {
  io?: DigitalIO;
}

/**
 * Turns debounced edges of digital inputs into typed lane events by function. After every (re)connect
 * it reports the current value of every input once, so the lane never keeps a stale "clear" across a
 * lost link (the interlocks treat an input they have not heard from as occupied).
 */
export class LaneSensors extends TypedEmitter<DriverEvents<LaneSensorEvents>> {
  readonly kind = 'sensor' as const;
  readonly name: string;
  readonly io: DigitalIO;
  private readonly config: LaneSensorsConfig;
  private readonly clock: Clock;
  private readonly values = new Map<string, boolean>();
  private connected = false;
  private readonly count = { reports: 0 };

  constructor(config: LaneSensorsConfig, deps: LaneSensorsDeps) {
    super();
    this.config = config;
    this.name = config.name;
    this.clock = deps.clock;
    this.io = deps.io ?? createDigitalIo(config.name, config.io, deps);
  }

  async open(): Promise<void> {
    this.io.on('edge', this.onEdge);
    this.io.on('down', this.onDown);
    this.io.on('error', this.onError);
    await this.io.open();
    this.connected = true;
    this.emit('up');
  }

  async configure(): Promise<void> {
    const at = this.clock.now();
    for (const line of [...this.config.presence, ...this.config.doorContacts, ...this.config.emergency]) {
      this.report(line, await this.io.read(line), at);
    }
  }

  async close(): Promise<void> {
    this.connected = false;
    this.io.off('edge', this.onEdge);
    this.io.off('down', this.onDown);
    this.io.off('error', this.onError);
    await this.io.close();
  }

  counters(): Record<string, number> {
    return { ...this.count, ...this.io.counters() };
  }

  snapshot(): LaneSensorsSnapshot {
    const pick = (lines: readonly string[]) => Object.fromEntries(lines.filter((l) => this.values.has(l)).map((l) => [l, this.values.get(l)!]));
    return { presence: pick(this.config.presence), doorClosed: pick(this.config.doorContacts), emergency: pick(this.config.emergency) };
  }

  private readonly onEdge = (edge: DigitalEdge): void => {
    this.report(edge.line, edge.value, edge.at);
  };

  private report(line: string, value: boolean, at: number): void {
    this.values.set(line, value);
    this.count.reports += 1;
    if (this.config.presence.includes(line)) this.emit('presence', { input: line, active: value, at });
    if (this.config.doorContacts.includes(line)) this.emit('door-position', { contact: line, closed: value, at });
    if (this.config.emergency.includes(line)) this.emit('emergency', { input: line, active: value, at });
  }

  private readonly onDown = (reason: string): void => this.lost(`io down: ${reason}`);
  private readonly onError = (err: Error): void => this.lost(`io error: ${err.message}`);

  private lost(reason: string): void {
    if (!this.connected) return;
    this.connected = false;
    this.values.clear();
    this.emit('down', reason);
  }
}
