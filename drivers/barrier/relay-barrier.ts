import type { Clock, TimerHandle } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { TypedEmitter } from '../../src/util/typed-events.js';
import type { DriverEvents } from '../contract.js';
import { createDigitalIo, type DigitalIoDeps } from '../io/create-digital-io.js';
import type { DigitalEdge, DigitalIO } from '../io/digital-io.js';
import {
  BarrierCommandError,
  type Barrier,
  type BarrierAction,
  type BarrierEvents,
  type BarrierFaultCode,
  type BarrierPosition,
  type BarrierRole,
  type BarrierSnapshot,
} from './barrier.js';
import type { RelayBarrierConfig } from './relay-barrier.config.js';

export interface RelayBarrierDeps extends DigitalIoDeps {
  /** Tests hand in the backend (e.g. a FakeIo they drive); otherwise built from `config.io`. */
  io?: DigitalIO;
}

/**
 * Barrier or door on relays. OPEN/CLOSE/STOP are dry-contact pulses of `pulseMs`; HOLD-OPEN and LOCK
 * are held levels. OPEN and CLOSE are never energised together. Limit switches give the position; a
 * limit not reached within `travelTimeoutMs` raises a travel-timeout fault (cleared when a limit is
 * reached). Defence in depth under the lane interlocks: CLOSE (and releasing a hold) is refused while a
 * safety input is active, and a safety input going active while closing reopens at once, here, without
 * waiting for the lane.
 */
export class RelayBarrier extends TypedEmitter<DriverEvents<BarrierEvents>> implements Barrier {
  readonly kind = 'barrier' as const;
  readonly name: string;
  readonly role: BarrierRole;
  readonly io: DigitalIO;
  private readonly config: RelayBarrierConfig;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly outputs: Set<string>;
  private readonly inputs: Set<string>;
  private position: BarrierPosition = 'unknown';
  private readonly presence: Record<string, boolean> = {};
  private readonly faults: Partial<Record<BarrierFaultCode, string>> = {};
  private holdOpen = false;
  private connected = false;
  private readonly pulses = new Map<string, TimerHandle>();
  private travelTimer: TimerHandle | null = null;
  private readonly count = { commands: 0, refused: 0, pulses: 0, reflexReopens: 0, travelTimeouts: 0 };

  constructor(config: RelayBarrierConfig, deps: RelayBarrierDeps) {
    super();
    this.config = config;
    this.name = config.name;
    this.role = config.role;
    this.clock = deps.clock;
    this.log = deps.log;
    this.io = deps.io ?? createDigitalIo(config.name, config.io, deps);
    this.outputs = new Set(config.io.lines.filter((l) => l.direction === 'out').map((l) => l.name));
    this.inputs = new Set(config.io.lines.filter((l) => l.direction === 'in').map((l) => l.name));
  }

  async open(): Promise<void> {
    this.io.on('edge', this.onEdge);
    this.io.on('down', this.onIoDown);
    this.io.on('error', this.onIoError);
    await this.io.open();
    if (this.io.configure) await this.io.configure();
    for (const input of this.config.safety) this.presence[input] = await this.io.read(input);
    this.position = await this.positionFromLimits(this.position);
    this.holdOpen = this.outputs.has('hold-open') ? await this.io.read('hold-open') : false;
    this.connected = true;
    this.emit('up');
  }

  /** After a reconnect: pulses are not replayed (a pulse is a one-off request); held levels come back via io.configure(). */
  async configure(): Promise<void> {
    for (const line of ['open', 'close', 'stop']) if (this.outputs.has(line)) await this.io.write(line, false);
  }

  async close(): Promise<void> {
    this.connected = false;
    this.cancelTimers();
    this.io.off('edge', this.onEdge);
    this.io.off('down', this.onIoDown);
    this.io.off('error', this.onIoError);
    await this.io.close();
  }

  counters(): Record<string, number> {
    return { ...this.count, ...prefixed('io', this.io.counters()) };
  }

  snapshot(): BarrierSnapshot {
    return { position: this.position, presence: { ...this.presence }, faults: { ...this.faults }, holdOpen: this.holdOpen };
  }

  async command(action: BarrierAction): Promise<void> {
    this.count.commands += 1;
    if (!this.connected) throw this.refuse(action, 'NOT_CONNECTED', 'io not connected');
    switch (action) {
      case 'open':
        await this.unlock();
        await this.pulse('open', 'close');
        this.travel('opening', 'opened');
        return;
      case 'close':
        this.requireClear(action);
        if (this.holdOpen) await this.setHold(false);
        await this.pulse('close', 'open');
        this.travel('closing', 'closed');
        return;
      case 'stop':
        if (!this.outputs.has('stop')) throw this.refuse(action, 'NOT_SUPPORTED', "no 'stop' line configured");
        await this.pulse('stop', null);
        this.cancelTravel();
        this.setPosition('stopped');
        return;
      case 'hold-open':
        if (!this.outputs.has('hold-open') && !this.outputs.has('lock')) throw this.refuse(action, 'NOT_SUPPORTED', "no 'hold-open' or 'lock' line configured");
        await this.unlock();
        if (this.outputs.has('hold-open')) await this.setHold(true);
        else await this.pulse('open', 'close');
        if (this.position !== 'opened') this.travel('opening', 'opened');
        return;
      case 'release-hold':
        this.requireClear(action);
        if (this.outputs.has('hold-open')) await this.setHold(false);
        // Releasing a hold returns the door to its normal state, which is closed: a door with a closer
        // shuts by itself, a motorised one needs its CLOSE pulse (or an idle mantrap stays open).
        if (this.outputs.has('close') && this.position !== 'closed' && this.position !== 'closing') {
          await this.pulse('close', 'open');
          this.travel('closing', 'closed');
        }
        return;
      default:
        throw this.refuse(action, 'NOT_SUPPORTED', 'unknown action');
    }
  }

  // ---- internals ----

  private requireClear(action: BarrierAction): void {
    const active = this.config.safety.filter((input) => this.presence[input] !== false);
    if (active.length > 0) throw this.refuse(action, 'PRESENCE', `safety input(s) active: ${active.join(', ')}`);
  }

  private refuse(action: BarrierAction, code: BarrierCommandError['code'], detail: string): BarrierCommandError {
    this.count.refused += 1;
    return new BarrierCommandError(this.name, action, code, detail);
  }

  /** Energises `line` for pulseMs; the opposite line is dropped first so OPEN and CLOSE never overlap. */
  private async pulse(line: string, opposite: string | null): Promise<void> {
    if (opposite !== null) {
      this.pulses.get(opposite)?.cancel();
      this.pulses.delete(opposite);
      await this.io.write(opposite, false);
    }
    this.pulses.get(line)?.cancel();
    await this.io.write(line, true);
    this.count.pulses += 1;
    this.pulses.set(
      line,
      this.clock.setTimeout(() => {
        this.pulses.delete(line);
        this.io.write(line, false).catch((err: unknown) => this.log.warn({ err, line }, 'pulse end write failed'));
      }, this.config.pulseMs),
    );
  }

  private async setHold(on: boolean): Promise<void> {
    await this.io.write('hold-open', on);
    this.holdOpen = on;
  }

  /** Egress doors: `lock` is energised = locked, so releasing it (or losing power) frees the door. */
  private async unlock(): Promise<void> {
    if (this.outputs.has('lock')) await this.io.write('lock', false);
  }

  private travel(moving: 'opening' | 'closing', target: 'opened' | 'closed'): void {
    this.cancelTravel();
    this.setPosition(moving);
    const limit = this.inputs.has(target);
    this.travelTimer = this.clock.setTimeout(() => {
      this.travelTimer = null;
      if (!limit) {
        this.setPosition(target); // no limit switch: assumed, not measured
        return;
      }
      this.count.travelTimeouts += 1;
      this.setFault('travel-timeout', true, `'${target}' limit not reached within ${this.config.travelTimeoutMs} ms`);
    }, this.config.travelTimeoutMs);
  }

  private cancelTravel(): void {
    this.travelTimer?.cancel();
    this.travelTimer = null;
  }

  private cancelTimers(): void {
    this.cancelTravel();
    for (const timer of this.pulses.values()) timer.cancel();
    this.pulses.clear();
  }

  private readonly onEdge = (edge: DigitalEdge): void => {
    if (this.config.safety.includes(edge.line)) {
      this.presence[edge.line] = edge.value;
      this.emit('presence', { input: edge.line, active: edge.value, at: edge.at });
      if (edge.value && this.position === 'closing') this.reflexReopen(edge.line);
    }
    if (edge.line === 'opened' || edge.line === 'closed') void this.onLimit();
  };

  private reflexReopen(input: string): void {
    this.count.reflexReopens += 1;
    this.log.warn({ input }, 'obstruction while closing: reopening');
    this.pulse('open', 'close')
      .then(() => this.travel('opening', 'opened'))
      .catch((err: unknown) => this.log.error({ err }, 'reopen on obstruction failed'));
  }

  private async onLimit(): Promise<void> {
    const opened = this.inputs.has('opened') ? await this.io.read('opened') : false;
    const closed = this.inputs.has('closed') ? await this.io.read('closed') : false;
    if (opened && closed) {
      this.setFault('limit-conflict', true, "'opened' and 'closed' limits both active");
      return;
    }
    this.setFault('limit-conflict', false, 'limits consistent');
    if (!opened && !closed) return; // left a limit: the movement is already reported
    this.cancelTravel();
    this.setFault('travel-timeout', false, 'limit reached');
    this.setPosition(opened ? 'opened' : 'closed');
    if (closed && this.outputs.has('lock') && !this.holdOpen) {
      await this.io.write('lock', true).catch((err: unknown) => this.log.warn({ err }, 'lock write failed'));
    }
  }

  private async positionFromLimits(fallback: BarrierPosition): Promise<BarrierPosition> {
    const opened = this.inputs.has('opened') && (await this.io.read('opened'));
    const closed = this.inputs.has('closed') && (await this.io.read('closed'));
    if (opened && !closed) return 'opened';
    if (closed && !opened) return 'closed';
    return fallback;
  }

  private setPosition(position: BarrierPosition): void {
    if (position === this.position) return;
    this.position = position;
    this.emit('position', { position, at: this.clock.now() });
  }

  private setFault(code: BarrierFaultCode, active: boolean, detail: string): void {
    if (active === (this.faults[code] !== undefined)) return;
    if (active) this.faults[code] = detail;
    else delete this.faults[code];
    this.emit('fault', { code, active, detail, at: this.clock.now() });
  }

  private readonly onIoDown = (reason: string): void => {
    this.lostIo(`io down: ${reason}`);
  };

  private readonly onIoError = (err: Error): void => {
    this.lostIo(`io error: ${err.message}`);
  };

  private lostIo(reason: string): void {
    if (!this.connected) return;
    this.connected = false;
    this.cancelTimers();
    this.emit('down', reason);
  }
}

function prefixed(prefix: string, counters: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counters)) out[`${prefix}.${k}`] = v;
  return out;
}
