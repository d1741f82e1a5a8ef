import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { Clock, TimerHandle } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { TypedEmitter } from '../../src/util/typed-events.js';
import { DeviceOpenError, type DriverEvents } from '../contract.js';
import { splitAimIdentifier } from './aim-identifier.js';
import { LineFramer, decodeLineFrame } from './line-framer.js';
import { ReadWindow } from './read-window.js';
import type { ScannerDriver, ScannerEvents } from './scanner.js';
import type { SerialLineScannerConfig } from './serial-line-scanner.config.js';

export interface SerialLineScannerDeps {
  clock: Clock;
  log: Logger;
  /** Longest accepted code in bytes (prefix included); see LineFramer. */
  maxFrameBytes?: number;
}

export interface SerialLineScannerCounters {
  [name: string]: number;
  /** Codes emitted. */
  frames: number;
  /** Frames dropped for control bytes or invalid UTF-8 (noise, wrong baud rate). */
  garbage: number;
  oversize: number;
  empty: number;
  stale: number;
  missingPrefix: number;
  bytes: number;
  errors: number;
  /** Codes received while the lane had no read window open (readWindow: lane). */
  outsideWindow: number;
  /** aimIds on, but a code came without an identifier (delivered with symbology null). */
  missingAim: number;
}

/**
 * The minimal QR/barcode scanner: a USB-CDC or RS-232 scanner in serial line mode that sends each
 * code followed by a terminator (or a pause). Framing lives in LineFramer; reconnecting lives in the
 * DeviceSupervisor; this class only opens the port, feeds bytes through the framer and emits codes.
 */
export class SerialLineScanner extends TypedEmitter<DriverEvents<ScannerEvents>> implements ScannerDriver {
  readonly kind = 'scanner' as const;
  readonly name: string;
  readonly devicePath: string;
  private readonly config: SerialLineScannerConfig;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly framer: LineFramer;
  private port: SerialPort | null = null;
  private opening: Promise<void> | null = null;
  private idleTimer: TimerHandle | null = null;
  private lastActivityAt = 0;
  private codes = 0;
  private garbage = 0;
  private errors = 0;
  private outsideWindow = 0;
  private missingAim = 0;
  /** Line-mode scanners have no trigger: the window only gates delivery. */
  private readonly window: ReadWindow;

  constructor(config: SerialLineScannerConfig, deps: SerialLineScannerDeps) {
    super();
    this.config = config;
    this.name = config.name;
    this.devicePath = config.path;
    this.clock = deps.clock;
    this.log = deps.log;
    // Pure object, no I/O: allowed in a constructor.
    this.framer = new LineFramer({
      suffix: config.suffix,
      ...(config.prefix !== undefined ? { prefix: config.prefix } : {}),
      ...(deps.maxFrameBytes !== undefined ? { maxFrameBytes: deps.maxFrameBytes } : {}),
      interByteTimeoutMs: config.interByteTimeoutMs,
    });
    this.window = new ReadWindow(deps.clock, () => undefined);
  }

  openReadWindow(ms: number): void {
    this.window.open(ms);
    // Nothing to send to a line-mode scanner; the deadline alone decides, so no timer is needed.
    this.window.suspend();
  }

  closeReadWindow(): void {
    this.window.close();
  }

  async open(): Promise<void> {
    if (this.port) await this.close();
    const path = this.config.path;
    // serialport's own error has no code; checking first gives the supervisor a stable ENOENT reason.
    if (!existsSync(path)) throw new DeviceOpenError(this.name, 'ENOENT', 'serial device not found', path);
    const port = new SerialPort({ path, baudRate: this.config.baudRate, autoOpen: false });
    this.port = port;
    this.framer.reset();
    this.lastActivityAt = this.clock.monotonic();
    port.on('data', this.onData);
    port.on('error', this.onError);
    port.on('close', this.onClose);
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
    if (this.port !== port) {
      // close() ran while the port was opening: do not report a connection nobody wants.
      throw new DeviceOpenError(this.name, 'ECANCELED', 'closed while opening', path);
    }
    this.log.info({ path, baudRate: this.config.baudRate, suffix: this.config.suffix }, 'scanner port open');
    this.emit('up');
  }

  async close(): Promise<void> {
    this.cancelIdleTimer();
    const port = this.port;
    this.port = null;
    if (this.opening) await this.opening.catch(() => undefined);
    if (!port) return;
    this.release(port);
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.framer.reset();
  }

  isAlive(): boolean {
    const timeout = this.config.livenessTimeoutMs;
    if (timeout === null || !this.port) return true;
    return this.clock.monotonic() - this.lastActivityAt < timeout;
  }

  counters(): SerialLineScannerCounters {
    const f = this.framer.counters();
    return {
      frames: this.codes,
      garbage: this.garbage,
      oversize: f.oversize,
      empty: f.empty,
      stale: f.stale,
      missingPrefix: f.missingPrefix,
      bytes: f.bytes,
      errors: this.errors,
      outsideWindow: this.outsideWindow,
      missingAim: this.missingAim,
    };
  }

  private readonly onData = (chunk: Buffer): void => {
    const now = this.clock.monotonic();
    this.lastActivityAt = now;
    this.deliver(this.framer.push(chunk, now));
    this.armIdleTimer();
  };

  private readonly onError = (err: Error): void => {
    this.errors += 1;
    const error = new Error(`serial port error on ${this.config.path}: ${err.message}`);
    // An 'error' emit without listeners throws; used without a supervisor, log it instead.
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else this.log.warn({ err: error }, 'serial port error');
  };

  private readonly onClose = (err: (Error & { disconnected?: boolean }) | null): void => {
    const port = this.port;
    if (!port) return; // our own close()
    this.cancelIdleTimer();
    this.release(port);
    this.port = null;
    const reason = err?.disconnected ? 'device disconnected' : `port closed${err ? `: ${err.message}` : ''}`;
    this.log.warn({ path: this.config.path, reason }, 'scanner port lost');
    this.emit('down', reason);
  };

  private deliver(frames: Buffer[]): void {
    for (const frame of frames) {
      const decoded = decodeLineFrame(frame);
      if (!decoded.ok) {
        this.garbage += 1;
        // Length and reason only: the bytes may be a real code read badly (personal data).
        this.log.debug({ reason: decoded.reason, length: frame.length }, 'garbage frame dropped');
        continue;
      }
      if (this.config.readWindow === 'lane' && !this.window.isOpen) {
        this.outsideWindow += 1;
        continue;
      }
      let raw = frame;
      let symbology: string | null = null;
      if (this.config.aimIds) {
        const split = splitAimIdentifier(frame);
        if (split) ({ data: raw, symbology } = split);
        else this.missingAim += 1;
      }
      this.codes += 1;
      this.emit('code', { text: raw === frame ? decoded.text : raw.toString('utf8'), raw, symbology, at: this.clock.now() });
    }
  }

  /** One timer at most: it fires when the framer's pending frame ends (mode 'none') or goes stale. */
  private armIdleTimer(): void {
    this.cancelIdleTimer();
    const deadline = this.framer.idleDeadline();
    if (deadline === null) return;
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = null;
      if (!this.port) return;
      this.deliver(this.framer.flushIdle(this.clock.monotonic()));
      this.armIdleTimer();
    }, Math.max(0, deadline - this.clock.monotonic()));
  }

  private cancelIdleTimer(): void {
    this.idleTimer?.cancel();
    this.idleTimer = null;
  }

  /** Detaches our listeners; a late 'error' from a dying port must not become an uncaught exception. */
  private release(port: SerialPort): void {
    port.off('data', this.onData);
    port.off('error', this.onError);
    port.off('close', this.onClose);
    if (port.listenerCount('error') === 0) port.on('error', ignoreLateError);
  }
}

function ignoreLateError(): void {
  // The port is no longer ours; its errors have no one to inform.
}

const OPEN_ERROR_CODES: ReadonlyArray<[RegExp, string]> = [
  [/no such file or directory/i, 'ENOENT'],
  [/permission denied/i, 'EACCES'],
  [/resource temporarily unavailable|cannot lock port|resource busy/i, 'EBUSY'],
  [/inappropriate ioctl|not a typewriter/i, 'ENOTTY'],
  [/is a directory/i, 'EISDIR'],
];

/** serialport errors carry no code, only a message; map the usual ones so health reports stay stable. */
function classifyOpenError(device: string, path: string, err: unknown): DeviceOpenError {
  if (err instanceof DeviceOpenError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = OPEN_ERROR_CODES.find(([pattern]) => pattern.test(message))?.[1] ?? 'EOPEN';
  return new DeviceOpenError(device, code, message.replace(/^Error:\s*/, ''), path);
}
