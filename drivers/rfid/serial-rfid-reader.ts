import type { TimerHandle } from '../../src/util/clock.js';
import { PacketScanner } from '../scanner/packet-scanner.js';
import { SerialDeviceBase, type SerialDeviceDeps } from '../scanner/serial-device-base.js';
import { r2000Protocol } from './r2000-protocol.js';
import { toHex, type RfidReaderDriver, type RfidReaderEvents } from './rfid-reader.js';
import type { RawTag, RfidCommand, RfidFrame, RfidSetup, SerialRfidProtocol } from './serial-rfid-protocol.js';
import type { SerialRfidReaderConfig } from './serial-rfid-reader.config.js';
import { TagFilter } from './tag-filter.js';
import { uhfReader18Protocol } from './uhfreader18-protocol.js';

export interface SerialRfidReaderDeps extends SerialDeviceDeps {
  /** Share one filter between the readers of a lane; by default each reader has its own. */
  tagFilter?: TagFilter;
}

interface PendingReply {
  command: number;
  label: string;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: TimerHandle;
}

/**
 * A UHF RFID reader on a serial port, UHFReader18 or R2000 protocol. After connecting it checks that
 * the reader answers (wrong baud rate or protocol: configure() fails with a clear reason and the
 * supervisor retries), sends the setup the reader forgets on power loss, then polls inventory rounds.
 * Reads pass the lane's tag filter (RSSI threshold, de-duplication) before becoming `tag` events.
 *
 * Counters: `rounds`, `reads` (raw), `tags` (emitted), `duplicates`, `weak`, `timeouts`, `garbage`,
 * `badChecksum`, `oversize`, `malformed`, `partial`, plus the base `bytes`, `errors`, `dropped`.
 */
export class SerialRfidReader extends SerialDeviceBase<RfidReaderEvents> implements RfidReaderDriver {
  readonly kind = 'rfid' as const;
  readonly config: SerialRfidReaderConfig;
  private readonly protocol: SerialRfidProtocol<unknown>;
  private readonly scanner: PacketScanner<unknown>;
  private readonly filter: TagFilter;
  private readonly setupParams: RfidSetup;
  private pending: PendingReply | null = null;
  private polling = false;
  private pollTimer: TimerHandle | null = null;
  private roundTimer: TimerHandle | null = null;
  private idleTimer: TimerHandle | null = null;

  constructor(config: SerialRfidReaderConfig, deps: SerialRfidReaderDeps) {
    super({ name: config.name, path: config.path, baudRate: config.baudRate, livenessTimeoutMs: config.livenessTimeoutMs }, deps);
    this.config = config;
    this.protocol = (config.protocol === 'r2000' ? r2000Protocol : uhfReader18Protocol) as SerialRfidProtocol<unknown>;
    this.scanner = new PacketScanner(this.protocol.responseFormat, { staleGapMs: Math.min(500, config.responseTimeoutMs) });
    this.filter = deps.tagFilter ?? new TagFilter({ dedupeWindowMs: config.dedupeWindowMs, minRssi: config.minRssi });
    this.setupParams = { address: config.address, powerDbm: config.powerDbm, antenna: config.antenna };
    for (const name of ['rounds', 'reads', 'tags', 'duplicates', 'weak', 'timeouts', 'garbage', 'badChecksum', 'oversize']) this.bump(name, 0);
  }

  /** Handshake, then the reader's setup, then inventory polling; runs after every (re)connect. */
  async configure(): Promise<void> {
    this.stopPolling();
    await this.request(this.protocol.handshake(this.setupParams));
    for (const command of this.protocol.setup(this.setupParams)) await this.request(command);
    this.polling = true;
    this.poll();
  }

  protected override onOpened(): void {
    this.scanner.reset();
  }

  protected override onClosing(): void {
    this.stopPolling();
    this.idleTimer?.cancel();
    this.idleTimer = null;
    this.scanner.reset();
    const pending = this.pending;
    this.pending = null;
    if (pending) {
      pending.timer.cancel();
      pending.reject(new Error(`${this.name}: connection closed while waiting for '${pending.label}'`));
    }
  }

  protected onBytes(chunk: Buffer, atMs: number): void {
    const result = this.scanner.push(chunk, atMs);
    for (const drop of result.dropped) this.drop(drop.reason, drop.length);
    for (const packet of result.packets) for (const frame of this.protocol.interpret(packet)) this.take(frame);
    this.armIdleTimer();
  }

  private take(frame: RfidFrame): void {
    switch (frame.kind) {
      case 'tags':
        for (const tag of frame.tags) this.read(tag);
        return;
      case 'round-end':
        if (!frame.ok) this.log.warn({ detail: frame.detail }, 'inventory round failed');
        this.endRound();
        return;
      case 'reply': {
        const pending = this.pending;
        if (!pending || pending.command !== frame.command) {
          this.bump('unexpectedReplies');
          return;
        }
        this.pending = null;
        pending.timer.cancel();
        if (frame.ok) pending.resolve();
        else pending.reject(new Error(`reader refused '${pending.label}' (${frame.detail})`));
        return;
      }
      case 'invalid':
        this.drop(frame.reason, frame.length);
        return;
    }
  }

  private read(tag: RawTag): void {
    this.bump('reads');
    const epc = toHex(tag.epc);
    const verdict = this.filter.check(epc, tag.rssi, this.clock.monotonic());
    if (verdict === 'weak') return this.bump('weak');
    if (verdict === 'duplicate') return this.bump('duplicates');
    this.bump('tags');
    this.emit('tag', { epc, tid: null, antenna: tag.antenna, rssi: tag.rssi, firstSeen: this.clock.now() });
  }

  /** Sends a setup command and waits for its answer (one at a time: the reader answers in order). */
  private async request(command: RfidCommand): Promise<void> {
    const answered = new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        if (this.pending?.timer === timer) this.pending = null;
        reject(
          new Error(`ETIMEDOUT: no answer to '${command.label}' within ${this.config.responseTimeoutMs} ms (wrong baud rate, address or protocol?)`),
        );
      }, this.config.responseTimeoutMs);
      this.pending = { command: command.command, label: command.label, resolve, reject, timer };
    });
    answered.catch(() => undefined); // awaited below; a write failure must not leave it unhandled
    await this.write(command.bytes);
    await answered;
  }

  private poll(): void {
    this.pollTimer = null;
    if (!this.polling || !this.isOpen) return;
    this.roundTimer = this.clock.setTimeout(() => {
      this.roundTimer = null;
      this.bump('timeouts');
      this.scheduleNextRound();
    }, this.config.responseTimeoutMs);
    this.send(this.protocol.inventory(this.setupParams).bytes);
  }

  private endRound(): void {
    if (!this.roundTimer) return; // a late answer to a round that already timed out
    this.roundTimer.cancel();
    this.roundTimer = null;
    this.bump('rounds');
    this.scheduleNextRound();
  }

  private scheduleNextRound(): void {
    if (!this.polling) return;
    this.pollTimer = this.clock.setTimeout(() => this.poll(), this.config.pollIntervalMs);
  }

  private stopPolling(): void {
    this.polling = false;
    this.pollTimer?.cancel();
    this.pollTimer = null;
    this.roundTimer?.cancel();
    this.roundTimer = null;
  }

  private armIdleTimer(): void {
    this.idleTimer?.cancel();
    this.idleTimer = null;
    const deadline = this.scanner.idleDeadline();
    if (deadline === null) return;
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = null;
      if (!this.isOpen) return;
      for (const drop of this.scanner.flushIdle(this.clock.monotonic()).dropped) this.drop(drop.reason, drop.length);
      this.armIdleTimer();
    }, Math.max(0, deadline - this.clock.monotonic()));
  }
}
