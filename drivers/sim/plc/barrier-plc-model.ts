import type { Clock, TimerHandle } from '../../../src/util/clock.js';
import { TypedEmitter } from '../../../src/util/typed-events.js';

/**
 * The barrier a gate PLC controls, as the simulated PLC exposes it: a boom with travel time, two limit
 * switches, induction loops, a heartbeat the PLC watches, injectable faults and failing method calls.
 * It also carries the PLC's own interlock (no close while a loop is occupied; reopen on a loop while
 * closing), because real gate PLCs do. Time comes from the injected clock.
 */
export const PLC_POSITION = { unknown: 0, opened: 1, closed: 2, opening: 3, closing: 4, stopped: 5 } as const;
export type PlcPosition = keyof typeof PLC_POSITION;

/** Values of the Command variable (the alternative to methods). */
export const PLC_COMMAND = { none: 0, open: 1, close: 2, stop: 3, 'hold-open': 4, 'release-hold': 5 } as const;
export type PlcCommand = Exclude<keyof typeof PLC_COMMAND, 'none'>;

/** Fault codes the PLC reports on its Fault variable. */
export const PLC_FAULT = { none: 0, motor: 10, heartbeat: 20, injected: 99 } as const;

export interface PlcSnapshot {
  position: PlcPosition;
  openedLimit: boolean;
  closedLimit: boolean;
  holdOpen: boolean;
  fault: number;
  loops: Record<string, boolean>;
  heartbeat: number;
}

export type BarrierPlcModelEvents = {
  change: [snapshot: PlcSnapshot];
  /** Every command that reached the PLC, accepted or not (tests count them: no command replayed). */
  command: [entry: { command: PlcCommand; accepted: boolean; reason: string | null; at: number; monotonic: number }];
};

export class PlcCommandRefused extends Error {
  constructor(readonly command: PlcCommand, readonly reason: 'fault' | 'loop-occupied' | 'injected-failure') {
    super(`${command} refused: ${reason}`);
    this.name = 'PlcCommandRefused';
  }
}

export interface BarrierPlcModelOptions {
  clock: Clock;
  travelMs?: number;
  loops?: readonly string[];
  /** The PLC stops and faults when the heartbeat counter has not changed for this long (0: not watched). */
  heartbeatTimeoutMs?: number;
  initial?: 'opened' | 'closed';
}

export class BarrierPlcModel extends TypedEmitter<BarrierPlcModelEvents> {
  private readonly clock: Clock;
  private readonly travelMs: number;
  private readonly heartbeatTimeoutMs: number;
  private state: PlcSnapshot;
  private travel: TimerHandle | null = null;
  private heartbeatWatch: TimerHandle | null = null;
  private failuresLeft = 0;
  readonly calls: Record<PlcCommand, number> = { open: 0, close: 0, stop: 0, 'hold-open': 0, 'release-hold': 0 };

  constructor(opts: BarrierPlcModelOptions) {
    super();
    this.clock = opts.clock;
    this.travelMs = opts.travelMs ?? 2_000;
    this.heartbeatTimeoutMs = opts.heartbeatTimeoutMs ?? 0;
    const initial = opts.initial ?? 'closed';
    this.state = {
      position: initial,
      openedLimit: initial === 'opened',
      closedLimit: initial === 'closed',
      holdOpen: false,
      fault: PLC_FAULT.none,
      loops: Object.fromEntries((opts.loops ?? ['loop-1']).map((l) => [l, false])),
      heartbeat: 0,
    };
  }

  snapshot(): PlcSnapshot {
    return { ...this.state, loops: { ...this.state.loops } };
  }

  /** Executes a command as the PLC program would; throws PlcCommandRefused when it refuses. */
  command(command: PlcCommand): void {
    this.calls[command] += 1;
    const refusal = this.refusal(command);
    this.emit('command', { command, accepted: refusal === null, reason: refusal, at: this.clock.now(), monotonic: performance.now() });
    if (refusal !== null) throw new PlcCommandRefused(command, refusal);
    switch (command) {
      case 'open':
        this.move('opening', 'opened');
        break;
      case 'hold-open':
        this.state.holdOpen = true;
        if (this.state.position !== 'opened') this.move('opening', 'opened');
        else this.changed();
        break;
      case 'release-hold':
        this.state.holdOpen = false;
        this.changed();
        break;
      case 'close':
        this.state.holdOpen = false;
        this.move('closing', 'closed');
        break;
      case 'stop':
        this.stopTravel('stopped');
        break;
    }
  }

  /** The next `count` commands fail as an internal PLC error would (the OPC UA call returns Bad). */
  failNextCommands(count: number): void {
    this.failuresLeft = count;
  }

  setLoop(loop: string, occupied: boolean): void {
    this.state.loops[loop] = occupied;
    // The PLC's own interlock: a vehicle on the loop while closing sends the boom back up.
    if (occupied && this.state.position === 'closing') this.move('opening', 'opened');
    else this.changed();
  }

  injectFault(code: number = PLC_FAULT.injected): void {
    this.state.fault = code;
    this.stopTravel('stopped');
  }

  clearFault(): void {
    this.state.fault = PLC_FAULT.none;
    this.changed();
  }

  /** The client wrote the heartbeat counter. */
  heartbeat(value: number): void {
    const changedValue = value !== this.state.heartbeat;
    this.state.heartbeat = value;
    if (!changedValue) return;
    if (this.state.fault === PLC_FAULT.heartbeat) this.clearFault();
    if (this.heartbeatTimeoutMs > 0) {
      this.heartbeatWatch?.cancel();
      this.heartbeatWatch = this.clock.setTimeout(() => {
        this.heartbeatWatch = null;
        this.injectFault(PLC_FAULT.heartbeat);
      }, this.heartbeatTimeoutMs);
    }
  }

  /** Stops every timer (the sim's part of "nothing left after stop"). */
  dispose(): void {
    this.travel?.cancel();
    this.travel = null;
    this.heartbeatWatch?.cancel();
    this.heartbeatWatch = null;
  }

  private refusal(command: PlcCommand): PlcCommandRefused['reason'] | null {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      return 'injected-failure';
    }
    if (this.state.fault !== PLC_FAULT.none && command !== 'stop') return 'fault';
    if (command === 'close' && Object.values(this.state.loops).some(Boolean)) return 'loop-occupied';
    return null;
  }

  private move(moving: 'opening' | 'closing', target: 'opened' | 'closed'): void {
    this.travel?.cancel();
    this.state.position = moving;
    this.state.openedLimit = false;
    this.state.closedLimit = false;
    this.changed();
    this.travel = this.clock.setTimeout(() => {
      this.travel = null;
      this.state.position = target;
      this.state.openedLimit = target === 'opened';
      this.state.closedLimit = target === 'closed';
      this.changed();
    }, this.travelMs);
  }

  private stopTravel(position: PlcPosition): void {
    this.travel?.cancel();
    this.travel = null;
    if (this.state.position === 'opening' || this.state.position === 'closing') this.state.position = position;
    this.changed();
  }

  private changed(): void {
    this.emit('change', this.snapshot());
  }
}
