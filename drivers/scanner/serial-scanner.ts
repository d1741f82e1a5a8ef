import type { TimerHandle } from '../../src/util/clock.js';
import { decodeLineFrame } from './line-framer.js';
import { ReadWindow } from './read-window.js';
import type { ScannerDriver, ScannerEvents } from './scanner.js';
import { createScannerWire, type ScannerWire, type WireResult } from './scanner-wire.js';
import type { SerialScannerConfig } from './serial-scanner.config.js';
import { SerialDeviceBase, type SerialDeviceDeps } from './serial-device-base.js';
import { scannerCommands, type ScannerCommands } from './trigger-commands.js';

interface PendingCommand {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: TimerHandle;
}

/**
 * A serial QR/barcode scanner of any supported family (see trigger-commands.ts): frames codes with the
 * family's wire format, answers what the device expects (SSI ACKs), starts and stops reads with the
 * family's trigger commands when the lane opens and closes its read window, and drops codes that
 * arrive outside the window. Reconnecting is the supervisor's job; configure() restores the device's
 * state after every connect (a power-cycled scanner has forgotten it).
 *
 * Counters: `frames` (codes delivered), `garbage`, `oversize`, `stale`, `partial`, `badChecksum`,
 * `outsideWindow`, `missingAim`, `missingPrefix`, `acks`, `naks`, `retransmits`, `triggers`, plus the
 * base `bytes`, `errors`, `dropped`, `writeFailures`.
 */
export class SerialScanner extends SerialDeviceBase<ScannerEvents> implements ScannerDriver {
  readonly kind = 'scanner' as const;
  readonly config: SerialScannerConfig;
  private readonly wire: ScannerWire;
  private readonly commands: ScannerCommands;
  private readonly window: ReadWindow;
  private idleTimer: TimerHandle | null = null;
  /** SSI commands waiting for the scanner's ACK, oldest first (SSI answers in order). */
  private readonly awaitingAck: PendingCommand[] = [];

  constructor(config: SerialScannerConfig, deps: SerialDeviceDeps) {
    super({ name: config.name, path: config.path, baudRate: config.baudRate, livenessTimeoutMs: config.livenessTimeoutMs }, deps);
    this.config = config;
    this.commands = scannerCommands(config.protocol, config.mode);
    // Pure objects, no I/O and no timers yet: allowed in a constructor.
    this.wire = createScannerWire({
      protocol: config.protocol,
      suffix: config.suffix,
      ...(config.prefix !== undefined ? { prefix: config.prefix } : {}),
      interByteTimeoutMs: config.interByteTimeoutMs,
      aimIds: config.aimIds,
      maxCodeBytes: config.maxCodeBytes,
    });
    this.window = new ReadWindow(deps.clock, () => this.onWindowExpired());
    for (const name of ['frames', 'garbage', 'oversize', 'outsideWindow', 'acks', 'naks', 'triggers']) this.bump(name, 0);
  }

  /** Restores the scanner's state: family setup commands, then the trigger if a read window is open. */
  async configure(): Promise<void> {
    for (const command of this.commands.setup) await this.command(command);
    this.window.resume();
    if (this.window.isOpen && this.config.mode === 'triggered' && this.commands.triggerOn) {
      this.bump('triggers');
      await this.command(this.commands.triggerOn);
    }
  }

  openReadWindow(ms: number): void {
    const wasOpen = this.window.isOpen;
    this.window.open(ms);
    if (!this.isOpen) this.window.suspend(); // no timers while disconnected; configure() resumes
    if (!wasOpen) this.trigger(this.commands.triggerOn);
  }

  closeReadWindow(): void {
    const wasOpen = this.window.isOpen;
    this.window.close();
    if (wasOpen) this.trigger(this.commands.triggerOff);
  }

  get readWindowOpen(): boolean {
    return this.window.isOpen;
  }

  protected override onOpened(): void {
    this.wire.reset();
  }

  protected override onClosing(): void {
    this.cancelIdleTimer();
    this.window.suspend();
    this.wire.reset();
    for (const pending of this.awaitingAck.splice(0)) {
      pending.timer.cancel();
      pending.reject(new Error(`${this.name}: connection closed before the scanner acknowledged`));
    }
  }

  protected onBytes(chunk: Buffer, atMs: number): void {
    this.handle(this.wire.push(chunk, atMs));
    this.armIdleTimer();
  }

  private handle(result: WireResult): void {
    for (const reply of result.replies) this.send(reply);
    for (const drop of result.dropped) this.drop(drop.reason, drop.length);
    for (const event of result.events) {
      switch (event.type) {
        case 'ack':
          this.bump('acks');
          this.awaitingAck.shift()?.resolve();
          break;
        case 'nak': {
          this.bump('naks');
          this.log.warn({ command: event.command, reason: event.reason }, 'scanner refused a command');
          const pending = this.awaitingAck.shift();
          pending?.reject(new Error(`${this.name}: scanner refused the command (NAK ${event.reason})`));
          break;
        }
        case 'retransmit':
          this.bump('retransmits');
          break;
        case 'missing-aim':
          this.bump('missingAim');
          break;
        case 'missing-prefix':
          this.bump('missingPrefix');
          break;
      }
    }
    for (const scan of result.scans) this.deliver(scan.data, scan.symbology);
  }

  private deliver(data: Buffer, symbology: string | null): void {
    const decoded = decodeLineFrame(data);
    if (!decoded.ok) {
      this.drop('garbage', data.length);
      return;
    }
    if (this.config.readWindow === 'lane' && !this.window.isOpen) {
      // A real code shown at the wrong time: counted, not a fault, and its content never logged.
      this.bump('outsideWindow');
      this.log.debug({ length: data.length }, 'code outside the read window ignored');
      return;
    }
    this.bump('frames');
    this.emit('code', { text: decoded.text, raw: data, symbology, at: this.clock.now() });
  }

  /**
   * Writes a command; for SSI waits for the scanner's ACK so configure() fails (and the supervisor
   * retries) when the device does not answer, e.g. at the wrong baud rate. SSI answers commands in
   * order, so every SSI command (triggers too) takes its place in the queue of awaited ACKs.
   */
  private async command(bytes: Buffer): Promise<void> {
    if (this.config.protocol !== 'zebra-ssi') {
      await this.write(bytes);
      return;
    }
    const acked = new Promise<void>((resolve, reject) => {
      const pending: PendingCommand = {
        resolve: () => {
          pending.timer.cancel();
          resolve();
        },
        reject: (err) => {
          pending.timer.cancel();
          reject(err);
        },
        timer: this.clock.setTimeout(() => {
          const index = this.awaitingAck.indexOf(pending);
          if (index >= 0) this.awaitingAck.splice(index, 1);
          reject(new Error(`ETIMEDOUT: scanner did not acknowledge within ${this.config.commandTimeoutMs} ms (wrong baud rate or protocol?)`));
        }, this.config.commandTimeoutMs),
      };
      this.awaitingAck.push(pending);
    });
    try {
      await this.write(bytes);
    } catch (err) {
      acked.catch(() => undefined); // the close that failed the write also rejects the wait
      throw err;
    }
    await acked;
  }

  private trigger(bytes: Buffer | null): void {
    if (!bytes || this.config.mode !== 'triggered' || !this.isOpen) return;
    this.bump('triggers');
    this.command(bytes).catch((err: unknown) => {
      this.bump('triggerFailures');
      this.log.warn({ err }, 'scanner trigger command failed');
    });
  }

  private onWindowExpired(): void {
    this.trigger(this.commands.triggerOff);
  }

  /** One timer at most: it fires when the wire's pending frame ends (suffix 'none') or goes stale. */
  private armIdleTimer(): void {
    this.cancelIdleTimer();
    const deadline = this.wire.idleDeadline();
    if (deadline === null) return;
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = null;
      if (!this.isOpen) return;
      this.handle(this.wire.flushIdle(this.clock.monotonic()));
      this.armIdleTimer();
    }, Math.max(0, deadline - this.clock.monotonic()));
  }

  private cancelIdleTimer(): void {
    this.idleTimer?.cancel();
    this.idleTimer = null;
  }
}
