import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { Clock } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { TypedEmitter, type EventMap } from '../../src/util/typed-events.js';
import { DeviceOpenError, type DriverBaseEvents, type DriverEvents } from '../contract.js';

/**
 * What the serial drivers need of a port: the subset of serialport's stream that both the real
 * SerialPort and @serialport/binding-mock's SerialPortMock offer, so unit tests can swap the port.
 */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  write(data: Buffer, callback?: (err: Error | null | undefined) => void): boolean;
  drain(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: (err: (Error & { disconnected?: boolean }) | null) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'close', listener: (err: (Error & { disconnected?: boolean }) | null) => void): unknown;
  listenerCount(event: 'error'): number;
}

/** Builds an unopened port; tests pass one that makes SerialPortMock instances. */
export type SerialPortFactory = (opts: { path: string; baudRate: number }) => SerialPortLike;

export interface SerialDeviceDeps {
  clock: Clock;
  log: Logger;
  /**
   * Port factory for unit tests (binding-mock). With it the path is not checked on disk and no
   * devicePath is exposed (a mock path has no /dev entry for the supervisor to watch).
   */
  portFactory?: SerialPortFactory;
}

export interface SerialDeviceSettings {
  name: string;
  path: string;
  baudRate: number;
  /** Not alive when nothing arrived for this long while open; null: never judged silent. */
  livenessTimeoutMs: number | null;
}

const defaultFactory: SerialPortFactory = ({ path, baudRate }) => new SerialPort({ path, baudRate, autoOpen: false });

/**
 * The part every serial reader driver shares (scanners, MRZ readers, serial RFID readers): opening
 * the port with stable error codes, turning an unexpected close into `down`, liveness by silence,
 * counters, and drop accounting with one throttled log line per reason. Subclasses get bytes in
 * onBytes() and decide what they mean.
 */
export abstract class SerialDeviceBase<E extends EventMap> extends TypedEmitter<DriverEvents<E>> {
  abstract readonly kind: string;
  readonly name: string;
  readonly devicePath: string | undefined;
  protected readonly clock: Clock;
  protected readonly log: Logger;
  protected readonly settings: SerialDeviceSettings;
  private readonly factory: SerialPortFactory;
  private readonly checkPath: boolean;
  private port: SerialPortLike | null = null;
  private opening: Promise<void> | null = null;
  private lastActivityAt = 0;
  private readonly tally: Record<string, number> = { bytes: 0, errors: 0, dropped: 0 };

  protected constructor(settings: SerialDeviceSettings, deps: SerialDeviceDeps) {
    super();
    this.settings = settings;
    this.name = settings.name;
    this.devicePath = deps.portFactory ? undefined : settings.path;
    this.clock = deps.clock;
    this.log = deps.log;
    this.factory = deps.portFactory ?? defaultFactory;
    this.checkPath = deps.portFactory === undefined;
  }

  /** Bytes as they arrive; `atMs` is the monotonic time of arrival. */
  protected abstract onBytes(chunk: Buffer, atMs: number): void;
  /** The port is open: reset parsers (bytes from before belong to nothing). */
  protected onOpened(): void {}
  /** The port is going away (close() or a loss): cancel timers, fail pending requests. */
  protected onClosing(): void {}

  async open(): Promise<void> {
    if (this.port) await this.close();
    const { path, baudRate } = this.settings;
    // serialport's own error has no code; checking first gives the supervisor a stable ENOENT reason.
    if (this.checkPath && !existsSync(path)) throw new DeviceOpenError(this.name, 'ENOENT', 'serial device not found', path);
    const port = this.factory({ path, baudRate });
    this.port = port;
    port.on('data', this.handleData);
    port.on('error', this.handleError);
    port.on('close', this.handleClose);
    this.opening = new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    try {
      await this.opening;
    } catch (err) {
      this.release(port);
      if (this.port === port) this.port = null;
      throw classifyOpenError(this.name, path, err);
    } finally {
      this.opening = null;
    }
    if (this.port !== port) throw new DeviceOpenError(this.name, 'ECANCELED', 'closed while opening', path);
    this.lastActivityAt = this.clock.monotonic();
    this.onOpened();
    this.log.info({ path, baudRate }, `${this.kind} port open`);
    this.emitBase('up');
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    this.onClosing();
    if (this.opening) await this.opening.catch(() => undefined);
    if (!port) return;
    this.release(port);
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  isAlive(): boolean {
    const timeout = this.settings.livenessTimeoutMs;
    if (timeout === null || !this.port) return true;
    return this.clock.monotonic() - this.lastActivityAt < timeout;
  }

  counters(): Record<string, number> {
    return { ...this.tally };
  }

  protected get isOpen(): boolean {
    return this.port !== null && this.opening === null;
  }

  /** Writes and waits until the bytes are handed to the OS; rejects when the port is not open. */
  protected write(bytes: Buffer): Promise<void> {
    const port = this.port;
    if (!port || !port.isOpen) return Promise.reject(new Error(`${this.name}: port is not open`));
    return new Promise<void>((resolve, reject) => {
      port.write(bytes, (err) => {
        if (err) reject(err);
        else port.drain((e) => (e ? reject(e) : resolve()));
      });
    });
  }

  /** Fire-and-forget write (trigger commands, ACKs): a failure is counted, the link's own events report it. */
  protected send(bytes: Buffer): void {
    this.write(bytes).catch((err: unknown) => {
      this.bump('writeFailures');
      this.log.warn({ err }, `${this.kind} write failed`);
    });
  }

  protected bump(counter: string, by = 1): void {
    this.tally[counter] = (this.tally[counter] ?? 0) + by;
  }

  /**
   * A frame that is not used: counted under `reason` and in `dropped`, and logged without its bytes
   * (they may be a real code read badly). The log hub folds repeats of one message, so a noisy line
   * gives one warning per window, not one per frame.
   */
  protected drop(reason: string, length: number): void {
    this.bump(camel(reason));
    this.bump('dropped');
    this.log.warn({ reason, length }, `${this.kind} frame dropped: ${reason}`);
  }

  /** A failure that makes the link untrustworthy; the supervisor reconnects. */
  protected fail(error: Error): void {
    this.bump('errors');
    // An 'error' emit without listeners throws; used without a supervisor, log it instead.
    if (this.listenerCount('error' as keyof DriverEvents<E> & string) > 0) this.emitBase('error', error);
    else this.log.warn({ err: error }, `${this.kind} error`);
  }

  /** Emits one of the events every driver shares (TypeScript cannot see them in the generic map). */
  protected emitBase<K extends keyof DriverBaseEvents>(event: K, ...args: DriverBaseEvents[K]): void {
    (this.emit as unknown as (event: K, ...args: DriverBaseEvents[K]) => boolean).call(this, event, ...args);
  }

  private readonly handleData = (chunk: Buffer): void => {
    const now = this.clock.monotonic();
    this.lastActivityAt = now;
    this.tally.bytes = (this.tally.bytes ?? 0) + chunk.length;
    this.onBytes(chunk, now);
  };

  private readonly handleError = (err: Error): void => {
    this.fail(new Error(`serial port error on ${this.settings.path}: ${err.message}`));
  };

  private readonly handleClose = (err: (Error & { disconnected?: boolean }) | null): void => {
    const port = this.port;
    if (!port) return; // our own close()
    this.port = null;
    this.onClosing();
    this.release(port);
    const reason = err?.disconnected ? 'device disconnected' : `port closed${err ? `: ${err.message}` : ''}`;
    this.log.warn({ path: this.settings.path, reason }, `${this.kind} port lost`);
    this.emitBase('down', reason);
  };

  /** Detaches our listeners; a late 'error' from a dying port must not become an uncaught exception. */
  private release(port: SerialPortLike): void {
    port.off('data', this.handleData);
    port.off('error', this.handleError);
    port.off('close', this.handleClose);
    if (port.listenerCount('error') === 0) port.on('error', ignoreLateError);
  }
}

function ignoreLateError(): void {
  // The port is no longer ours; its errors have no one to inform.
}

/** `bad-checksum` -> `badChecksum`: counter names are camelCase like the rest of health(). */
function camel(reason: string): string {
  return reason.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

const OPEN_ERROR_CODES: ReadonlyArray<[RegExp, string]> = [
  [/no such file or directory/i, 'ENOENT'],
  [/permission denied/i, 'EACCES'],
  [/resource temporarily unavailable|cannot lock port|resource busy|port is locked/i, 'EBUSY'],
  [/inappropriate ioctl|not a typewriter/i, 'ENOTTY'],
  [/is a directory/i, 'EISDIR'],
  [/does not exist/i, 'ENOENT'],
];

/** serialport errors carry no code, only a message; map the usual ones so health reports stay stable. */
export function classifyOpenError(device: string, path: string, err: unknown): DeviceOpenError {
  if (err instanceof DeviceOpenError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = OPEN_ERROR_CODES.find(([pattern]) => pattern.test(message))?.[1] ?? 'EOPEN';
  return new DeviceOpenError(device, code, message.replace(/^Error:\s*/, ''), path);
}
