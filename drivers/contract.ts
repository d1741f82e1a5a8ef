import type { EventMap } from '../src/util/typed-events.js';

/**
 * The contract every device driver follows, whatever the device (scanner, RFID reader, MRZ reader,
 * barrier, camera, digital IO). A driver knows how to talk to its device once; everything about
 * staying connected (retries, backoff, unplug detection, liveness, re-sending configuration) lives in
 * the DeviceSupervisor, so no driver re-implements it.
 *
 * Rules for implementers:
 * - The constructor only assigns fields: no I/O, no timers, no listeners (the daemon builds every
 *   driver before it starts any, and a test can build one without side effects).
 * - `open()` connects once and throws (with a reason naming the path/host) when it cannot.
 * - `close()` releases everything `open()` acquired: port, socket, child process, timers. It never
 *   throws and may be called when the device is already closed, half opened, or while an open() the
 *   supervisor gave up on (openTimeoutMs) is still pending; it must not wait forever for that open.
 * - `down` is emitted when an open connection is lost (port closed, socket ended, child exited).
 *   `error` is emitted for a failure that makes the connection untrustworthy; the supervisor
 *   reconnects on either. Problems that do not break the link (a garbled frame) are counted in
 *   `counters()`, not emitted as `error`.
 * - Personal data (codes, document numbers, images) goes into typed events only, never into logs,
 *   error messages or counters.
 */
// A type alias (not an interface) so it satisfies EventMap's index signature.
export type DriverBaseEvents = {
  /** The device is connected; emitted by the driver at the end of a successful open(). */
  up: [];
  /** An open connection was lost; `reason` is one line, e.g. `port closed: disconnected`. */
  down: [reason: string];
  /** A failure that makes the connection untrustworthy. */
  error: [error: Error];
};

export type DriverEvents<E extends EventMap> = E & DriverBaseEvents;

/** The subscribe side of TypedEmitter, so a driver can be described by an interface. */
export interface EventSource<E extends EventMap> {
  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this;
  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this;
  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this;
  listenerCount<K extends keyof E & string>(event: K): number;
}

/** Everything a driver has besides its events. */
interface DriverMembers {
  /** Device family, e.g. `scanner`, `io`; used in logs and by contract test suites. */
  readonly kind: string;
  /** The configured device name (unique within a lane). */
  readonly name: string;
  /**
   * A filesystem path whose disappearance means the device is gone (a USB unplug removes its
   * /dev/serial/by-id/... link); the supervisor polls it while the device is up. Absent for devices
   * that have no such path (network devices, the fake IO).
   */
  readonly devicePath?: string;

  open(): Promise<void>;
  close(): Promise<void>;
  /** Sends the device its configuration; the supervisor calls it after every (re)connect. */
  configure?(): Promise<void>;
  /** False when the device has been silent longer than its liveness timeout; polled while up. */
  isAlive?(): boolean;
  /** Monotonic counters for health reports (frames, errors, ...); never personal data. */
  counters(): Record<string, number>;
}

export interface DeviceDriver<E extends EventMap = Record<never, never>>
  extends DriverMembers,
    EventSource<DriverEvents<E>> {}

/**
 * Any driver seen through the events every driver shares. A DeviceDriver<ScannerEvents> is not a
 * DeviceDriver<EventMap> (its `on` accepts fewer names), so the supervisor and the registry use this.
 */
export interface SupervisedDriver extends DriverMembers {
  on(event: 'down', listener: (reason: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'down', listener: (reason: string) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

/** Thrown by open() so the supervisor can report a short, stable reason (`ENOENT`, `EACCES`, ...). */
export class DeviceOpenError extends Error {
  readonly code: string;
  readonly device: string;
  readonly path: string | undefined;

  constructor(device: string, code: string, detail: string, path?: string) {
    super(`${code}: ${detail}${path ? ` (${path})` : ''}`);
    this.name = 'DeviceOpenError';
    this.code = code;
    this.device = device;
    this.path = path;
  }
}
