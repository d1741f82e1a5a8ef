import type { DeviceDriver } from '../contract.js';

/**
 * What the lane sees of a barrier or door, whatever moves it (relays on GPIO, a PLC over OPC UA).
 * The device-level `open()`/`close()` of DeviceDriver connect and disconnect; movements go through
 * `command()`, whose actions are exactly the interlock layer's `actuate` actions.
 */
export type BarrierRole = 'vehicle-barrier' | 'egress-door' | 'door';
export type BarrierPosition = 'unknown' | 'opened' | 'closed' | 'opening' | 'closing' | 'stopped';
export type BarrierAction = 'open' | 'close' | 'stop' | 'hold-open' | 'release-hold';

/** travel-timeout: a limit not reached in time; limit-conflict: both limits active; plc: reported by the PLC. */
export type BarrierFaultCode = 'travel-timeout' | 'limit-conflict' | 'command-failed' | 'plc-fault' | 'heartbeat';

export type BarrierEvents = {
  position: [change: { position: BarrierPosition; at: number }];
  /** Presence/safety inputs the barrier owns or its PLC reports (loops, beams, safety edges). */
  presence: [change: { input: string; active: boolean; at: number }];
  fault: [change: { code: BarrierFaultCode; active: boolean; detail: string; at: number }];
};

export interface BarrierSnapshot {
  position: BarrierPosition;
  presence: Record<string, boolean>;
  /** Active faults: code -> detail. */
  faults: Partial<Record<BarrierFaultCode, string>>;
  holdOpen: boolean;
}

export interface Barrier extends DeviceDriver<BarrierEvents> {
  readonly kind: 'barrier';
  readonly role: BarrierRole;
  /**
   * Requests a movement. Resolves when the request has reached the device (relay pulse started, PLC
   * method returned Good), not when the movement is done: follow `position`. Rejects with a
   * BarrierCommandError; a rejected command is never retried by the driver (no replay after reconnect).
   */
  command(action: BarrierAction): Promise<void>;
  snapshot(): BarrierSnapshot;
}

export type BarrierCommandErrorCode = 'NOT_CONNECTED' | 'PRESENCE' | 'NOT_SUPPORTED' | 'COMMAND_FAILED';

export class BarrierCommandError extends Error {
  readonly code: BarrierCommandErrorCode;
  readonly device: string;
  readonly action: BarrierAction;

  constructor(device: string, action: BarrierAction, code: BarrierCommandErrorCode, detail: string) {
    super(`${device}: ${action} refused: ${code}: ${detail}`);
    this.name = 'BarrierCommandError';
    this.device = device;
    this.action = action;
    this.code = code;
  }
}
