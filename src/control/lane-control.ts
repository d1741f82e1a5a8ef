/**
 * What the control socket (and the MQTT command handler) may ask of the running passage flow and of
 * the lane's devices. Types only: the lane runner (src/lane/runner/) implements LaneControl, the
 * composition root hands the device supervisors out as DeviceHandles. Commands in
 * src/control/commands/ use only these interfaces.
 */
import type { SupervisedDriver } from '../../drivers/contract.js';
import type { HealthReport } from '../app/service.js';
import type { TypedEmitter } from '../util/typed-events.js';

/** One configured device as lanectl sees it. */
export interface DeviceHandle {
  /** Configured device name, e.g. `qr-entry`. */
  name: string;
  /** Config `type`, e.g. `serial-line-scanner`. */
  type: string;
  /** Driver family: scanner, mrz, rfid, camera, barrier, io, sensors, signal. */
  kind: string;
  health(): HealthReport;
  /** The driver itself (typed access via `kind`); commands never keep it past one request. */
  driver: SupervisedDriver;
}

/** Who asked for a local action: a technician at lanectl (journaled as such) or an officer. */
export interface Actor {
  source: 'lanectl' | 'mqtt';
  /** Technician or officer id as given (`--as`), journaled with the action. */
  id: string;
}

export type LaneServiceMode = 'normal' | 'closed' | 'free-pass' | 'maintenance';

export type BarrierCommand = 'open' | 'close' | 'hold-open' | 'release-hold' | 'stop';

/** Answer to a request the interlocks may refuse. */
export interface LaneActionResult {
  accepted: boolean;
  /** Why it was refused, e.g. `presence` (someone is in the lane), `lane-faulted`, `unknown-barrier`. */
  reason?: string;
  /** Human detail, one line. */
  detail?: string;
}

/** A line of what happens in the lane, for `lanectl events tail` and the MQTT event topic. */
export interface LaneEvent {
  at: number;
  /** e.g. `credential`, `verdict`, `actuate`, `presence`, `alarm`, `mode`, `device`, `override`. */
  type: string;
  /** Personal data never appears here: hashed ids, reason codes, device and barrier names only. */
  detail: Record<string, string | number | boolean | null>;
}

export type LaneControlEvents = { event: [event: LaneEvent] };

export interface LaneFlowSnapshot {
  kind: 'people' | 'vehicle';
  /** Flow phase, e.g. `idle`, `capturing`, `held`. */
  phase: string;
  mode: LaneServiceMode;
  /** Why the flow is suspended (emergency, device fault, journal failure), one line each. */
  suspended: string[];
  /** Barrier id -> position as last reported. */
  barriers: Record<string, string>;
  /** Presence input -> active. */
  presence: Record<string, boolean>;
  signal: 'red' | 'green';
  passagesDecided: number;
}

export interface LaneControl {
  snapshot(): LaneFlowSnapshot;
  /** Barrier command through the interlocks (never bypasses them); journaled with the actor. */
  command(barrier: string, action: BarrierCommand, actor: Actor): Promise<LaneActionResult>;
  setMode(mode: LaneServiceMode, actor: Actor): Promise<LaneActionResult>;
  /** Officer decision on the held passage (grant / deny / refer), journaled with the officer id. */
  override(outcome: 'grant' | 'deny', reason: string, actor: Actor): Promise<LaneActionResult>;
  /** Person on site resets the interlocks after an emergency or a journal failure. */
  reset(actor: Actor): Promise<LaneActionResult>;
  /** Live events; also kept in a ring buffer for `recentEvents`. */
  readonly events: TypedEmitter<LaneControlEvents>;
  recentEvents(limit: number): LaneEvent[];
}
