/**
 * Types of the lane's safety interlocks: a pure state machine `(state, event) -> { state, effects }`.
 * Time is injected: every event carries `at` (epoch ms); the machine never reads a clock, never does
 * I/O and imports nothing but types, so it runs in a property test millions of times per minute.
 *
 * The daemon REQUESTS movements (grants, officer/MQTT/local commands); this layer makes the unsafe ones
 * impossible and keeps every failure in a known safe state:
 * - CLOSE is never requested while a presence input of that barrier is active (or not yet known);
 *   a close asked for meanwhile is deferred until the inputs clear; obstruction while closing reopens.
 * - Emergency (or free-pass mode): every egress door is held open at once and stays open until the
 *   emergency clears AND a person resets; an alarm is raised.
 * - A device fault (PLC heartbeat lost, travel timeout, method failure, ...): no grants, red signal,
 *   every barrier to its fail state (egress doors open; vehicle barriers stay as they are), nothing closes.
 *   A close held back for a presence that the fault drops is owed: asked for again (presence-guarded)
 *   once every fault has cleared, unless the barrier was moved since.
 */

/** vehicle-barrier: boom/bollard; egress-door: a door people must be able to leave through; door: any other door. */
export type BarrierRole = 'vehicle-barrier' | 'egress-door' | 'door';

/** Where a barrier goes when the lane faults: `open` (fail-safe) or `as-is` (never moves by itself). */
export type FailState = 'open' | 'as-is';

export type BarrierPosition = 'unknown' | 'opened' | 'closed' | 'opening' | 'closing' | 'stopped';

export type BarrierAction = 'open' | 'close' | 'stop' | 'hold-open' | 'release-hold';

/** Who asked: the lane's own logic, an officer at the booth, or the central system over MQTT. */
export type CommandSource = 'local' | 'officer' | 'mqtt';

export interface InterlockBarrierConfig {
  id: string;
  role: BarrierRole;
  /** Presence inputs (loops, photo beams, safety edges) that must all be clear before this barrier closes. */
  presence: readonly string[];
  /** Defaults: egress-door -> open; vehicle-barrier and door -> as-is. */
  failState?: FailState;
}

export interface InterlockConfig {
  barriers: readonly InterlockBarrierConfig[];
  /** After an emergency starts, egress doors not reported opening/opened by then raise an alarm. Default 100 ms. */
  egressCheckMs?: number;
}

// ---- events (inputs) ----

export type InterlockEvent =
  | { type: 'presence'; at: number; input: string; active: boolean }
  | { type: 'position'; at: number; barrier: string; position: BarrierPosition }
  | { type: 'command'; at: number; source: CommandSource; barrier: string; action: BarrierAction }
  /** The lane decided to let a passage through this barrier. */
  | { type: 'grant'; at: number; source: CommandSource; barrier: string }
  | { type: 'emergency'; at: number; input: string; active: boolean }
  /** A person on site acknowledges a cleared emergency; MQTT cannot (nobody there to look). */
  | { type: 'reset'; at: number; source: CommandSource }
  | { type: 'free-pass'; at: number; active: boolean }
  | { type: 'device-fault'; at: number; device: string; reason: string }
  | { type: 'device-ok'; at: number; device: string }
  | { type: 'timer'; at: number; key: string };

// ---- effects (outputs, executed by the lane runner) ----

export type ActuateReason =
  | 'grant'
  | 'command'
  | 'deferred-close'
  | 'obstruction'
  | 'emergency'
  | 'free-pass'
  | 'fail-state'
  | 'reset'
  | 'recovered';

export type AlarmCode = 'emergency' | 'device-fault' | 'egress-door-not-open';

export type RejectReason =
  | 'unknown-barrier'
  | 'lane-faulted'
  | 'emergency'
  | 'free-pass'
  | 'presence'
  | 'reset-needs-person'
  | 'emergency-still-active'
  | 'nothing-to-reset';

export type InterlockEffect =
  | { type: 'actuate'; barrier: string; action: BarrierAction; reason: ActuateReason }
  | { type: 'signal'; aspect: 'red' | 'green' }
  | { type: 'alarm'; code: AlarmCode; raised: boolean; detail: string }
  | { type: 'reject'; event: InterlockEvent['type']; barrier?: string; reason: RejectReason }
  /** A close that is waiting for presence inputs to clear. */
  | { type: 'deferred'; barrier: string; waitingFor: string[] }
  /** A deferred close dropped while the lane is faulted: remembered, asked for again on recovery. */
  | { type: 'close-owed'; barrier: string; action: 'close' | 'release-hold' }
  /** Every fault cleared: an owed close is asked for again (the close itself follows, or a deferral). */
  | { type: 'close-reasked'; barrier: string; action: 'close' | 'release-hold' }
  | { type: 'set-timer'; key: string; dueAt: number }
  | { type: 'cancel-timer'; key: string };

// ---- state ----

export interface BarrierInterlockState {
  position: BarrierPosition;
  /** The last movement this layer requested (null: none yet). */
  demand: BarrierAction | null;
  /** A closing movement waiting for the presence inputs to clear (a hold release lets a door close too). */
  pendingClose: 'close' | 'release-hold' | null;
  /**
   * A pending close that the lane's fault dropped (the fault itself, or the presence clearing during it:
   * nothing closes while faulted). Any movement asked for this barrier since supersedes it.
   */
  owedClose: 'close' | 'release-hold' | null;
}

export interface InterlockState {
  barriers: Readonly<Record<string, BarrierInterlockState>>;
  /** Last reported value per input; an input never reported counts as active (unknown is not clear). */
  presence: Readonly<Record<string, boolean>>;
  /** Emergency inputs currently active. */
  emergencyInputs: readonly string[];
  /** True from the first emergency until a person resets after every input has cleared. */
  emergencyLatched: boolean;
  freePass: boolean;
  /** Active faults: device -> reason. */
  faults: Readonly<Record<string, string>>;
  signal: 'red' | 'green';
  /** Armed timers: key -> due time. A timer event for a key not armed (or early) is stale and ignored. */
  timers: Readonly<Record<string, number>>;
}

export interface InterlockStep {
  state: InterlockState;
  effects: InterlockEffect[];
}
